"""Legacy inputs end to end: a Word 97 .doc typed in TCVN3 fonts, and a scanned PDF (OCR).

They need LibreOffice and Tesseract (vie); CI installs both, elsewhere they skip with the reason.
"""

import shutil
import time
from pathlib import Path

import pytest
from conftest import needs_soffice, needs_tesseract, sample

from extractor.extract import extract_file


@needs_soffice
def test_word97_doc_in_tcvn3_fonts():
    result = extract_file(sample("TongKet_XDXHHT_BacHa_2016.doc"))
    doc = result["document"]
    assert (doc["report_type"], doc["unit_name"], doc["province"],
            doc["year"]) == ("tongket_xhht", "Bắc Hà", "Lào Cai", 2016)
    values = {i["code"]: i["value"] for i in result["indicators"]}
    assert values["xmc.15_60.dan_so"] == 51665  # "51.665 người": TCVN3's ư (0xAD) survives conversion
    assert values["xmc.15_60.biet_chu"] == 51043
    assert result["source"]["format"] == "doc"
    assert any("legacy fonts" in note for note in result["reader"]["notes"])


@needs_tesseract
def test_scanned_pdf_tables_rebuilt_and_ocr_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    start = time.perf_counter()
    first = extract_file(sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf"))
    cold = time.perf_counter() - start
    assert first["source"]["format"] == "scan" and first["reader"]["method"] == "ocr"
    doc = first["document"]
    assert (doc["report_type"], doc["unit_name"], doc["unit_level"]) == ("soket_tthtcd", "Thượng Ninh", "xã")
    # the activity table is rebuilt from the ruling lines: names, participants, hosts
    activities = first["activities"]
    assert len(activities) >= 6
    assert any(a["name"].startswith("Trợ giúp pháp lý") and a["participants"] == 111 for a in activities)
    start = time.perf_counter()
    second = extract_file(sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf"))
    warm = time.perf_counter() - start
    assert second["activities"] == activities
    assert warm * 5 < cold  # the cache spares the OCR


def test_word_text_stream_of_a_real_doc_has_paragraphs_and_cell_marks():
    """The .doc's own text (piece table) is read without LibreOffice."""
    from extractor.readers.doc_reader import word_text

    text = word_text(sample("TongKet_XDXHHT_BacHa_2016.doc"))
    assert "\r" in text and "\x07" in text  # paragraphs, and the letterhead table's cell marks
    assert len(text) > 500


def test_a_table_run_together_by_the_converter_is_rebuilt_from_the_stream():
    from extractor.readers.doc_reader import table_in_stream

    stream = ("Báo cáo số liệu\rTT\x07Nội dung chỉ tiêu\x07Mục tiêu\x07Kết quả\x07\x07"
              "I\x07VỀ NĂNG LỰC\x07\x07\x07\x071\x07Xã đạt chuẩn\rmức độ 2\x0770\x0772,1\x07\x07Nơi nhận:\r")
    run_together = "TTNội dung chỉ tiêuMục tiêuKết quảIVỀ NĂNG LỰC1Xã đạt chuẩnmức độ 27072,1"
    table = table_in_stream(run_together, stream, "page 1, paragraph 9")
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["TT", "Nội dung chỉ tiêu", "Mục tiêu", "Kết quả"],
        ["I", "VỀ NĂNG LỰC", "", ""],
        ["1", "Xã đạt chuẩn\nmức độ 2", "70", "72,1"],
    ]
    assert table.rows[2].cells[1].lines[1].location.endswith("row 3, cell 2, line 2")
    assert table_in_stream("Báo cáo số liệu", stream, "p") is None  # a plain paragraph stays one


# ---- a .doc without a readable Word stream is refused with its reason (issue 22, item 4) -------
REAL_DOC = "TongKet_XDXHHT_BacHa_2016.doc"


def _random(n: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(n)


def _with_word_stream(tmp_path, change) -> Path:
    """A copy of the real .doc whose WordDocument stream is rewritten (same size) by `change`."""
    import olefile

    path = tmp_path / "hong.doc"
    shutil.copy(sample(REAL_DOC), path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("WordDocument").read())
        change(data)
        ole.write_stream("WordDocument", bytes(data))
    return path


def _zero_fib_magic(data: bytearray) -> None:
    data[0:2] = b"\0\0"


def _random_text(data: bytearray) -> None:
    import struct

    fc_min, fc_mac = struct.unpack_from("<II", data, 0x18)  # where the FIB says the text is
    data[fc_min:fc_mac] = _random(fc_mac - fc_min, 3)


def _refused_without_libreoffice(path, monkeypatch) -> str:
    """The CLI's one-line error for `path`, with no LibreOffice on PATH (so it was decided before)."""
    from click.testing import CliRunner

    from extractor.cli import main

    monkeypatch.setenv("PATH", str(path.parent))
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 1, result.output
    [line] = [ln for ln in result.output.splitlines() if ln.strip()]
    assert line.startswith(f"error: {path}: not a readable Word file: ") and "LibreOffice" not in line
    return line


@pytest.mark.parametrize("build, reason", [
    (lambda p: sample(REAL_DOC).read_bytes()[:8] + _random(20000, 1), "damaged OLE container"),
    (lambda p: sample(REAL_DOC).read_bytes()[:512] + _random(25088, 2), "no WordDocument stream"),
    (lambda p: sample(REAL_DOC).read_bytes().replace("WordDocument".encode("utf-16-le"),
                                                     "XordDocument".encode("utf-16-le")),
     "no WordDocument stream"),
], ids=["magic-then-random-bytes", "header-then-random-bytes", "word-stream-renamed"])
def test_an_ole_file_without_a_word_stream_is_refused_before_libreoffice(
    tmp_path, monkeypatch, build, reason):
    path = tmp_path / "hong.doc"
    path.write_bytes(build(path))
    assert reason in _refused_without_libreoffice(path, monkeypatch)


@pytest.mark.parametrize("change, reason", [(_zero_fib_magic, "no valid header (FIB magic 0x0000)"),
                                            (_random_text, "of the Word stream's text is not Latin letters")],
                         ids=["fib-magic-zeroed", "text-randomised"])
def test_a_damaged_word_stream_is_refused_before_libreoffice(tmp_path, monkeypatch, change, reason):
    path = _with_word_stream(tmp_path, change)
    assert reason in _refused_without_libreoffice(path, monkeypatch)


def test_the_real_word_file_has_a_readable_word_stream():
    from extractor.readers.doc_reader import noise_share, word_stream_problem, word_text

    assert word_stream_problem(sample(REAL_DOC)) is None
    assert noise_share(word_text(sample(REAL_DOC))) < 0.05


@pytest.mark.slow
@needs_soffice
def test_random_bytes_named_doc_are_refused_when_libreoffice_reads_them_as_noise(tmp_path):
    from extractor.readers import ReadError, read_document

    path = tmp_path / "hong.doc"
    path.write_bytes(_random(20000, 4))  # not OLE: only LibreOffice can tell what it is
    with pytest.raises(ReadError, match=r"not a readable Word file: \d+% of the converted text is not Latin"):
        read_document(path)

"""Legacy inputs end to end: a Word 97 .doc typed in TCVN3 fonts, and a scanned PDF (OCR).

They need LibreOffice and Tesseract (vie); CI installs both, elsewhere they skip with the reason.
"""

import time

from conftest import needs_soffice, needs_tesseract, sample

from extractor.extract import extract_file


@needs_soffice
def test_word97_doc_in_tcvn3_fonts():
    result = extract_file(sample("TongKet_XDXHHT_BacHa_2016.doc"))
    doc = result["document"]
    assert (doc["report_type"], doc["unit_name"], doc["province"], doc["year"]) == ("tongket_xhht", "Bắc Hà", "Lào Cai", 2016)
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
    from extractor.readers.doc_reader import _table_in_stream

    stream = ("Báo cáo số liệu\rTT\x07Nội dung chỉ tiêu\x07Mục tiêu\x07Kết quả\x07\x07"
              "I\x07VỀ NĂNG LỰC\x07\x07\x07\x071\x07Xã đạt chuẩn\rmức độ 2\x0770\x0772,1\x07\x07Nơi nhận:\r")
    run_together = "TTNội dung chỉ tiêuMục tiêuKết quảIVỀ NĂNG LỰC1Xã đạt chuẩnmức độ 27072,1"
    table = _table_in_stream(run_together, stream, "page 1, paragraph 9")
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["TT", "Nội dung chỉ tiêu", "Mục tiêu", "Kết quả"],
        ["I", "VỀ NĂNG LỰC", "", ""],
        ["1", "Xã đạt chuẩn\nmức độ 2", "70", "72,1"],
    ]
    assert table.rows[2].cells[1].lines[1].location.endswith("row 3, cell 2, line 2")
    assert _table_in_stream("Báo cáo số liệu", stream, "p") is None  # a plain paragraph stays one

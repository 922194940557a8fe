"""One value per (code, kind): every reading of a document is settled in one place (indicators.py).

A line such as "- label là value; label: value" is read both as "label: value" lines and as a
sentence; on a scan every reading is marked "ocr", and the same figure came out twice, which the
store refuses (UNIQUE document, code, kind) and which stopped an archive import for good.
"""

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, SHARED, TOOLS, tool_for

from extractor.cli import main
from extractor.extract import extract_document, extract_file, walk
from extractor.model import Paragraph
from extractor.readers import read_document

HEADER = ["UBND TỈNH NAM ĐỊNH", "ỦY BAN NHÂN DÂN HUYỆN TRỰC NINH", "Số: 3411/BC-UBND",
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Trực Ninh, ngày 13 tháng 12 năm 2015", "",
          "BÁO CÁO", "Tổng kết công tác Xây dựng xã hội học tập năm 2015", "",
          "4.1.1. Đối với những người trong độ tuổi 15-60:"]
LINES = ["- Tổng dân số độ tuổi từ 15-60 là 221.988 người; miễn giảm: 864 người",
         "- Số người biết chữ độ tuổi từ 15-60 là 218.672 người; đạt tỉ lệ: 98,89 %"]
WANT = {("xmc.15_60.dan_so", "actual"): 221988, ("xmc.15_60.mien_giam", "actual"): 864,
        ("xmc.15_60.biet_chu", "actual"): 218672, ("xmc.15_60.ty_le_biet_chu", "actual"): 98.89}


def report(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "bao_cao.txt"
    path.write_text("\n".join(HEADER + list(lines)) + "\n", encoding="utf-8")
    return path


def as_scanned(path: Path, confidence: float = 95.0):
    """The report as the scan reader gives it: the same paragraphs, each with an OCR confidence."""
    document = read_document(path)
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.confidence = confidence
    document.method = "ocr"
    return document


def twice(indicators: list[dict]) -> list[tuple[str, str]]:
    return [key for key, n in Counter((o["code"], o["kind"]) for o in indicators).items() if n > 1]


def values(indicators: list[dict]) -> dict:
    return {(o["code"], o["kind"]): o["value"] for o in indicators}


def conflicts(result: dict) -> list[dict]:
    return [i for i in result["review"] if i["category"] == "conflict"]


def test_a_line_read_as_a_line_and_as_a_sentence_gives_each_value_once(tmp_path, catalogue):
    path = report(tmp_path, *LINES)
    out = CliRunner().invoke(main, ["extract", str(path), "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    text = json.loads(out.output)
    scanned = extract_document(as_scanned(path), catalogue)
    for result in (text, scanned):
        assert twice(result["indicators"]) == []
        assert values(result["indicators"]) == WANT
        assert conflicts(result) == []  # the same figure found twice is one value, nothing to review
    # the whole line is the better place than the sentence inside it
    assert {o["location"] for o in scanned["indicators"]} == {"line 11", "line 12"}


def test_a_sentence_that_disagrees_with_a_line_on_a_scan_is_left_for_review(tmp_path, catalogue):
    path = report(tmp_path, "- Tổng dân số độ tuổi từ 15-60: 221.988 người",
                  "Theo số liệu điều tra cuối năm của các xã, thị trấn trên địa bàn toàn huyện, tổng dân số "
                  "độ tuổi từ 15-60 là 221.900 người, tăng so với năm trước.")
    result = extract_document(as_scanned(path), catalogue)
    assert twice(result["indicators"]) == []
    assert values(result["indicators"]) == {("xmc.15_60.dan_so", "actual"): 221988}
    [item] = conflicts(result)
    assert [c["value"] for c in item["candidates"]] == [221988, 221900]


def test_two_lines_that_disagree_store_neither_even_when_a_sentence_agrees_with_one(tmp_path, catalogue):
    path = report(tmp_path, "- Tổng dân số độ tuổi từ 15-60: 221.988 người",
                  "- Tổng dân số độ tuổi từ 15-60 là 221.900 người; miễn giảm: 864 người")
    for document in (read_document(path), as_scanned(path)):
        result = extract_document(document, catalogue)
        assert values(result["indicators"]) == {("xmc.15_60.mien_giam", "actual"): 864}
        [item] = conflicts(result)
        assert [c["value"] for c in item["candidates"]] == [221988, 221900]
        assert item["location"] == "line 12"


needs_tesseract = pytest.mark.skipif(not (shutil.which("tesseract") and shutil.which("pdftoppm")),
                                     reason="needs Tesseract and poppler (apt-get install tesseract-ocr "
                                            "tesseract-ocr-vie poppler-utils)")


@pytest.mark.slow
@needs_tesseract
def test_a_scanned_page_of_such_lines_gives_each_value_once(tmp_path, monkeypatch):
    from PIL import Image, ImageDraw, ImageFont

    font_file = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font_file.exists():
        pytest.skip("needs the DejaVu fonts to draw a page (apt-get install fonts-dejavu-core)")
    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    font = ImageFont.truetype(str(font_file), 44)
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(HEADER + LINES):
        draw.text((180, 200 + 72 * k), line, font=font, fill=0)
    scan = tmp_path / "bao_cao.pdf"
    page.save(scan, "PDF", resolution=300)
    result = extract_file(scan)
    assert result["reader"]["method"] == "ocr"
    assert twice(result["indicators"]) == []
    got = values(result["indicators"])
    assert {k: v for k, v in got.items() if WANT.get(k) != v} == {}  # nothing read wrong
    assert len(got) >= 3


# ---- the invariant over every document we have ------------------------------------------------
def _missing_tool(path: Path) -> str | None:
    """Why this file cannot be read on this machine (the tool its reader calls is missing), or None."""
    tool = tool_for(path)
    return TOOLS[tool][1] if tool and not TOOLS[tool][0] else None


@pytest.mark.parametrize("path", walk([SAMPLES]).files, ids=lambda p: p.name)
def test_no_sample_gives_one_code_and_kind_twice(path):
    reason = _missing_tool(path)
    if reason:
        pytest.skip(reason)
    assert twice(extract_file(path)["indicators"]) == []


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "corpus" / "dev").is_dir(), reason="needs ../shared/corpus/dev")
def test_no_dev_document_gives_one_code_and_kind_twice():
    found = {}
    for path in walk([SHARED / "corpus" / "dev"]).files:
        if _missing_tool(path) is None and (keys := twice(extract_file(path)["indicators"])):
            found[path.name] = keys
    assert found == {}

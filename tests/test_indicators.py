"""Indicators: each value shape (a table, "label: value" lines, prose and sentences), and the ledger
that settles one value per (code, kind) in one place.

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

from extractor.activities import extract_activities
from extractor.cli import main
from extractor.extract import extract_document, extract_file, walk
from extractor.indicators import Ledger, Observation, extract_indicators
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.normalize import normalize_document
from extractor.readers import read_document

HEADER = ["UBND TỈNH NAM ĐỊNH", "ỦY BAN NHÂN DÂN HUYỆN TRỰC NINH", "Số: 3411/BC-UBND",
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Trực Ninh, ngày 13 tháng 12 năm 2015", "",
          "BÁO CÁO", "Tổng kết công tác Xây dựng xã hội học tập năm 2015", "",
          "4.1.1. Đối với những người trong độ tuổi 15-60:"]
LINES = ["- Tổng dân số độ tuổi từ 15-60 là 221.988 người; miễn giảm: 864 người",
         "- Số người biết chữ độ tuổi từ 15-60 là 218.672 người; đạt tỉ lệ: 98,89 %"]
WANT = {("xmc.15_60.dan_so", "actual"): 221988, ("xmc.15_60.mien_giam", "actual"): 864,
        ("xmc.15_60.biet_chu", "actual"): 218672, ("xmc.15_60.ty_le_biet_chu", "actual"): 98.89}


def cell(col: int, *texts: str, where: str = "") -> Cell:
    """A table cell with one line per paragraph."""
    where = where or f"cell {col}"
    return Cell([Line(t, f"{where}, line {k}") for k, t in enumerate(texts, 1)], where, col)


def table(*rows: list[Cell]) -> Table:
    return Table([Row(cells, f"row {k}") for k, cells in enumerate(rows, 1)], "table 1")


HEADING = ["Nội dung", "Kết quả"]


def read(report_type: str, catalogue, *blocks) -> tuple[dict, list[tuple[str, str]], list]:
    """The values read from these blocks (code, kind → value, method), and what is left for review."""
    found = extract_indicators(normalize_document(Document("x.txt", "txt", list(blocks))), catalogue,
                               report_type)
    got = {(o.code, o.kind): (o.value, o.method) for o in found.observations}
    return got, [(w.category, str(w)) for w in found.warnings], found.unmatched


# ---- one value shape at a time ----------------------------------------------------------------
def test_a_table_row_per_indicator_and_labels_as_paragraphs_of_one_cell(catalogue):
    got, warnings, unmatched = read("tuanle", catalogue, table(
        [cell(0, HEADING[0]), cell(1, HEADING[1])],
        [cell(0, "Số bài viết trên các báo"), cell(1, "11")],
        [cell(0, "Số lớp xóa mù chữ", "Số lớp giáo dục kỹ năng sống"), cell(1, "03", "02")]))
    assert got == {("tuanle.thong_tin.bai_bao", "actual"): (11, "table"),
                   ("tuanle.lop.xoa_mu_chu.so_lop", "actual"): (3, "table"),
                   ("tuanle.lop.ky_nang_song.so_lop", "actual"): (2, "table")}
    assert (warnings, unmatched) == ([], [])


def test_each_scanned_value_is_judged_by_its_own_cells_confidence(catalogue):
    """An unsure result beside a sure target: the target is stored, only the result goes to review."""
    sure, unsure = cell(2, "40"), cell(3, "38")
    sure.lines[0].confidence, unsure.lines[0].confidence = 97.0, 55.0
    got, _, unmatched = read("dean_1373", catalogue, table(
        [cell(0, "TT"), cell(1, "Nội dung"), cell(2, "Mục tiêu (%)"), cell(3, "Kết quả (%)")],
        [cell(0, "1"), cell(1, "Công dân học tập"), sure, unsure]))
    assert got == {("dean.mo_hinh.cong_dan_hoc_tap", "target"): (40, "ocr")}
    assert [(u["raw_value"], u["category"]) for u in unmatched] == [("38", "low_confidence")]


def test_a_cell_with_more_labels_than_values_is_left_for_review(catalogue):
    got, warnings, _ = read("tuanle", catalogue, table(
        [cell(0, HEADING[0]), cell(1, HEADING[1])],
        [cell(0, "Số lớp xóa mù chữ", "Số lớp giáo dục kỹ năng sống", "Số bài viết trên các báo"),
         cell(1, "03", "02")]))
    assert got == {}
    assert warnings == [("ambiguous_cell", "row 2: 3 labels but 2 values; left for review")]


def test_label_value_pairs_inside_a_label_cell(catalogue):
    got, _, _ = read("tuanle", catalogue, table(
        [cell(0, HEADING[0]), cell(1, HEADING[1])],
        [cell(0, "Số bài viết trên các báo: 11; Số lớp xóa mù chữ: 03"), cell(1, "")]))
    assert got == {("tuanle.thong_tin.bai_bao", "actual"): (11, "inline"),
                   ("tuanle.lop.xoa_mu_chu.so_lop", "actual"): (3, "inline")}


@pytest.mark.parametrize("host", ["Đơn vị chủ trì", "Đơnvị chủtrì"])  # OCR runs header words together
def test_an_activity_table_is_left_to_the_activities_by_the_one_header_rule(catalogue, host):
    document = normalize_document(Document("x.txt", "txt", [table(
        [cell(0, "Tên hoạt động"), cell(1, host), cell(2, "Số lượng")],
        [cell(0, "Số lớp xóa mù chữ"), cell(1, "UBND xã"), cell(2, "04")])]))
    assert extract_indicators(document, catalogue, "tuanle").observations == []
    activities, _ = extract_activities(document, catalogue)
    assert [(a["name"], a["host"], a["participants"]) for a in activities] == [
        ("Số lớp xóa mù chữ", "UBND xã", 4)]


def test_narrative_lines_under_their_heading(catalogue):
    line = "- Tổng dân số độ tuổi từ 15-60: 221.988 người; miễn giảm: 864 người"
    got, _, _ = read("tongket_xhht", catalogue,
                     Paragraph("4.1.1. Đối với những người trong độ tuổi 15-60:", "line 1"),
                     Paragraph(line, "line 2"))
    assert got == {("xmc.15_60.dan_so", "actual"): (221988, "narrative"),
                   ("xmc.15_60.mien_giam", "actual"): (864, "narrative")}


def test_nothing_is_read_after_a_plans_heading(catalogue):
    got, _, _ = read("tongket_xhht", catalogue,
                     Paragraph("4.1.1. Đối với những người trong độ tuổi 15-60:", "line 1"),
                     Paragraph("III. Phương hướng nhiệm vụ năm 2016", "line 2"),
                     Paragraph("- Tổng dân số độ tuổi từ 15-60: 221.988 người", "line 3"))
    assert got == {}


def test_a_prose_pattern_and_a_sentence(catalogue):
    prose, _, _ = read("tongket_xhht", catalogue,
                       Paragraph("Năm qua toàn huyện đã huy động 120 người ra học xóa mù chữ.", "line 1"))
    assert prose == {("xmc.huy_dong_hoc", "actual"): (120, "prose")}
    sentence, _, _ = read("tuanle", catalogue, Paragraph("Số bài viết trên các báo là 11.", "line 1"))
    assert sentence == {("tuanle.thong_tin.bai_bao", "actual"): (11, "sentence")}


# ---- the ledger --------------------------------------------------------------------------------
def reading(value: int, raw: str, location: str, shape: str = "table") -> Observation:
    return Observation("tuanle.thong_tin.bai_bao", "actual", value, "bài", "Số bài viết trên các báo", raw,
                       100.0, location, shape, reading=shape)


def test_the_ledger_keeps_the_same_reading_once():
    ledger, warnings = Ledger(), []
    first, again = reading(11, "11", "row 2"), reading(11, "11 bài", "line 9", "inline")
    ledger.add(first)
    ledger.add(again)
    assert ledger.settled(warnings) == [first]
    assert warnings == []


def test_the_ledger_sends_disagreeing_readings_to_review_as_a_conflict():
    ledger, warnings = Ledger(), []
    for obs in (reading(11, "11", "row 2"), reading(12, "12", "row 5")):
        ledger.add(obs)
    assert ledger.settled(warnings) == []
    [item] = warnings
    assert item.category == "conflict"
    assert [c["value"] for c in item.details["candidates"]] == [11, 12]
    assert item.details["location"] == "row 5"


def test_the_ledger_keeps_a_table_value_over_a_sentence_and_reviews_the_sentence():
    ledger, warnings = Ledger(), []
    sentence, cell_value = reading(12, "12", "line 3, at 5", "sentence"), reading(11, "11", "row 2")
    ledger.add(sentence)
    ledger.add(cell_value)
    assert ledger.settled(warnings) == [cell_value]
    [item] = warnings
    assert (item.category, item.details["location"]) == ("conflict", "line 3, at 5")


# ---- one figure read in two shapes -------------------------------------------------------------
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

"""Activity tables in narrow PDF columns: words and header words broken into fragments across
lines ("Số lượ" / "ng ng" / "ười th" / "am dự", "Đơn vị chủ t" / "rì") are mended, so the table
reads like the same table printed wide. The PDFs are built here with fpdf2, its cells wrapping
by character as Word does when a word does not fit a column."""

from pathlib import Path

import pytest

from extractor.extract import extract_file
from extractor.readers import read_document

fpdf = pytest.importorskip("fpdf")
FONTS = sorted(Path("/usr/share/fonts").rglob("DejaVuSerif.ttf")) + sorted(
    Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
needs_font = pytest.mark.skipif(not FONTS, reason="needs a Unicode TrueType font (fonts-dejavu-core)")

HEAD = ["TT", "Tên hoạt động", "Thời gian", "Địa điểm", "Số lượng người tham dự", "Đơn vị chủ trì",
        "Đơn vị phối hợp", "Ghi chú"]
ROWS = [
    ["1", "Tập huấn kỹ thuật trồng nấm rơm", "15/9/2023", "Nhà văn hóa thôn Đông", "64",
     "Trung tâm học tập cộng đồng xã", "Hội Nông dân xã, Trạm Khuyến nông huyện", ""],
    ["2", "Tuyên truyền phòng chống bạo lực gia đình", "10/10/2023", "Hội trường UBND xã", "132",
     "Hội Liên hiệp Phụ nữ xã", "TTHTCĐ, Đoàn Thanh niên", "Lồng ghép"],
    ["3", "Lớp xóa mù chữ giai đoạn 2", "Tháng 11", "Điểm trường tiểu học", "27",
     "Trường Tiểu học xã", "Trung tâm HTCĐ", ""],
]
EXPECTED = [
    ("Tập huấn kỹ thuật trồng nấm rơm", 64, "Trung tâm học tập cộng đồng xã",
     "Hội Nông dân xã, Trạm Khuyến nông huyện"),
    ("Tuyên truyền phòng chống bạo lực gia đình", 132, "Hội Liên hiệp Phụ nữ xã", "TTHTCĐ, Đoàn Thanh niên"),
    ("Lớp xóa mù chữ giai đoạn 2", 27, "Trường Tiểu học xã", "Trung tâm HTCĐ"),
]
WIDE = [8, 60, 22, 40, 22, 40, 50, 25]  # mm, landscape: nothing breaks but "đồng" at a line's end
NARROW = [6, 30, 14, 18, 11, 20, 24, 12]  # mm, portrait: most header words break


def _pdf(path: Path, widths: list[int], orientation: str, wrap: str = "CHAR", align: str = "LEFT") -> Path:
    from fpdf.enums import WrapMode

    pdf = fpdf.FPDF(orientation=orientation, format="A4")
    pdf.add_page()
    pdf.add_font("body", "", str(FONTS[0]))
    pdf.set_font("body", size=11)
    for line in ["UBND HUYỆN TAM NÔNG", "TRUNG TÂM HTCĐ XÃ HIỀN QUAN", "Số: 07/BC-TTHTCĐ", "BÁO CÁO",
                 "Sơ kết hoạt động học kỳ I năm học 2023-2024"]:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=8)
    with pdf.table(col_widths=widths, width=sum(widths), wrapmode=getattr(WrapMode, wrap), line_height=4,
                   text_align=align, first_row_as_headings=False) as table:
        for cells in [HEAD, *ROWS]:
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.output(str(path))
    return path


def _activities(path: Path) -> list[tuple]:
    out = extract_file(path)
    return [(a["name"], a["participants"], a["host"], a["partners"]) for a in out["activities"]]


@needs_font
def test_narrow_columns_read_like_wide_ones(tmp_path):
    wide = _activities(_pdf(tmp_path / "wide.pdf", WIDE, "L"))
    narrow = _activities(_pdf(tmp_path / "narrow.pdf", NARROW, "P"))
    assert wide == narrow == EXPECTED


@needs_font
def test_header_words_broken_inside_are_whole_again(tmp_path):
    table = read_document(_pdf(tmp_path / "narrow.pdf", NARROW, "P")).tables()[0]
    assert [c.text for c in table.rows[0].cells] == HEAD  # "Số lượ/ng ng/ười th/am dự", "chủ t/rì", "ch/ú"


@needs_font
def test_words_wrapped_whole_stay_apart(tmp_path):
    """Wrapped at spaces, a line that ends near the edge is no broken word: "Trung" / "tâm" stay two."""
    table = read_document(_pdf(tmp_path / "words.pdf", NARROW, "P", wrap="WORD")).tables()[0]
    texts = [c.text for row in table.rows for c in row.cells]
    assert "Trung tâm học tập cộng đồng xã" in texts and "Hội Liên hiệp Phụ nữ xã" in texts


@needs_font
def test_a_right_aligned_cell_is_not_taken_for_a_broken_one(tmp_path):
    """Every line of a right-aligned cell ends at the edge; its next line does not start at the
    left one, so two short words are never glued ("Đơn vị chủ" / "trì" stays as written)."""
    table = read_document(_pdf(tmp_path / "right.pdf", NARROW, "P", wrap="WORD", align="RIGHT")).tables()[0]
    texts = [c.text for row in table.rows for c in row.cells]
    assert "Hội Nông dân xã, Trạm Khuyến nông huyện" in texts
    assert all("  " not in t for t in texts)

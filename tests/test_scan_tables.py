"""Ruled tables on scanned pages, read cell by cell along their rules.

The pages are drawn here (PIL, DejaVu Serif): a Tuần lễ result table with thin, faint rules that
fade in stretches, the page turned a little and sprinkled with specks, as a worn office scan is.
Nothing of the dev corpus is used: the unit, the wording of the rows and the figures are made up.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from extractor.extract import extract_file
from extractor.model import Table
from extractor.readers.scan import layout, page

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(),
                                reason="needs the DejaVu fonts to draw a page (apt-get install "
                                       "fonts-dejavu-core)")
needs_tesseract = pytest.mark.skipif(not (shutil.which("tesseract") and shutil.which("pdftoppm")),
                                     reason="needs Tesseract and poppler (apt-get install tesseract-ocr "
                                            "tesseract-ocr-vie poppler-utils)")

HEADER = ["UBND HUYỆN ĐÔNG SƠN", "TRUNG TÂM HTCĐ XÃ HÒA AN", "", "BÁO CÁO",
          "Kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023",
          "Trung tâm học tập cộng đồng xã Hòa An báo cáo kết quả như sau:"]
COLUMNS = [150, 260, 1250, 1700, 2050]  # x of the vertical rules: TT | Nội dung | Kết quả | Ghi chú
ROWS = [  # (TT, label lines, value)
    ("TT", ["Nội dung hoạt động"], "Kết quả"),
    ("1", ["Kế hoạch tổ chức Tuần lễ HTSĐ"], ""),
    ("", ["+ Cấp xã /thị trấn:"], "1"),
    ("2", ["Các phương tiện thông tin đại chúng:"], ""),
    ("", ["+ Số bài viết trên các báo:"], "14"),
    ("", ["+ Số tin, phóng sự phát trên đài", "truyền hình:"], "6"),
    ("3", ["Các hoạt động tuyên truyền; HTSĐ và", "xây dựng XHHT:"], ""),
    ("", ["+ Số lượng tờ rơi đã phát hành:"], "385"),
    ("", ["+ Số lượng sách, tài liệu đã phát hành:"], "47"),
    ("4", ["Hội thảo, tọa đàm, triển lãm"], ""),
    ("", ["+ Số lần hội thảo, tọa đàm:"], "3"),
    ("", ["+ Số người tham gia:"], "126"),
]
WANT = {"tuanle.ke_hoach.cap_xa": 1, "tuanle.thong_tin.bai_bao": 14, "tuanle.thong_tin.truyen_hinh": 6,
        "tuanle.tuyen_truyen.to_roi": 385, "tuanle.tuyen_truyen.sach_tai_lieu": 47,
        "tuanle.hoi_thao.so_lan": 3, "tuanle.hoi_thao.so_nguoi": 126}
LINE = 62  # pixels between text lines at 300 dpi


def _faint_rule(draw, box, grey: int, rng: random.Random) -> None:
    """A thin grey rule with a few faded stretches, as toner leaves it."""
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=grey)
    horizontal = x1 - x0 > y1 - y0
    for _ in range(3):
        at = rng.randint(x0, x1) if horizontal else rng.randint(y0, y1)
        gap = (at, y0, at + 25, y1) if horizontal else (x0, at, x1, at + 25)
        draw.rectangle(gap, fill=235)


def draw_scan(lean: float = 0.7, grey: int = 165, seed: int = 7):
    """The page as a worn scan: faint thin rules, turned by `lean` degrees, specks all over."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for k, text in enumerate(HEADER):
        draw.text((200, 180 + 70 * k), text, font=font, fill=0)
    top = 180 + 70 * len(HEADER) + 60
    ys = [top]
    for number, label, value in ROWS:
        y = ys[-1]
        draw.text((COLUMNS[0] + 25, y + 30), number, font=font, fill=0)
        for k, text in enumerate(label):
            draw.text((COLUMNS[1] + 20, y + 30 + LINE * k), text, font=font, fill=0)
        draw.text((COLUMNS[2] + 25, y + 30), value, font=font, fill=0)
        ys.append(y + 50 + LINE * len(label))
    for y in ys:
        _faint_rule(draw, (COLUMNS[0], y, COLUMNS[-1], y + 1), grey, rng)
    for x in COLUMNS:
        _faint_rule(draw, (x, ys[0], x + 1, ys[-1]), grey, rng)
    for _ in range(4000):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        draw.point((x, y), fill=rng.randint(90, 200))
    return image.rotate(lean, resample=Image.BICUBIC, fillcolor=255), len(ys)


@needs_font
def test_faint_broken_rules_of_a_leaning_scan_are_found_whole(tmp_path):
    image, rule_count = draw_scan()
    path = tmp_path / "page.png"
    image.save(path)
    straight, _ = page.straightened(path)
    found = page.rules(straight)
    horizontal = layout.unify(found["h"])
    assert len(horizontal) == rule_count  # every row closed: none lost to grey ink or a faded stretch
    assert all(x1 - x0 > 0.85 * (COLUMNS[-1] - COLUMNS[0]) for _, x0, x1 in horizontal)
    assert len(layout.unify(found["v"], tolerance=15)) == len(COLUMNS)  # and no letter stem taken for a rule


@pytest.mark.slow
@needs_font
@needs_tesseract
@pytest.mark.parametrize("lean", [0.0, 0.6, -1.0])
def test_a_scanned_ruled_table_is_read_cell_by_cell(tmp_path, monkeypatch, lean):
    from extractor.readers import read_document

    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    image, _ = draw_scan(lean)
    scan = tmp_path / "bao_cao.pdf"
    image.save(scan, "PDF", resolution=300)
    document = read_document(scan)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and len(tables[0].rows) == len(ROWS)
    for row, (_, _label, value) in zip(tables[0].rows, ROWS, strict=True):
        assert [c.col for c in row.cells] == [0, 1, 2, 3]
        assert row.cells[2].text.strip() == value  # the figure in its own cell, no neighbour's
        assert row.cells[1].location.endswith("cell 2") and row.cells[1].text.strip()
    result = extract_file(scan)
    got = {i["code"]: i["value"] for i in result["indicators"]}
    assert {code: got.get(code) for code in WANT} == WANT


def test_syllables_the_ocr_ran_together_are_set_apart():
    from extractor.readers.scan.syllables import split_run_together
    from extractor.readers.words import Word

    def split(text):
        return [w.text for w in split_run_together(Word(text, 100, 0, 100 + 20 * len(text), 40, 70.0))]

    assert split("Kếhoạch") == ["Kế", "hoạch"]
    assert split("Nộidung:") == ["Nội", "dung:"]
    assert split("chủtrì") == ["chủ", "trì"]  # not "chủt rì": the cut that makes a word wins
    assert split("thựchiện") == ["thực", "hiện"]
    for kept in ("nghiêng", "HTSĐ", "TTHTCĐ", "online", "năm2019", "Trườ"):
        assert split(kept) == [kept]
    left, right = split_run_together(Word("Kếhoạch", 100, 0, 240, 40, 70.0))
    assert (left.left, left.right, right.left, right.right) == (100, 140, 140, 240)  # the box shared out


def _row(page_no: int, index: int, texts: list[str]):
    from extractor.model import Cell, Line, Row

    where = f"page {page_no}, row {index}"
    return Row([Cell([Line(t, f"{where}, cell {c + 1}")] if t else [], f"{where}, cell {c + 1}", c)
                for c, t in enumerate(texts)], where)


def test_a_row_cut_by_the_page_break_is_joined_though_the_ocr_missed_the_repeated_tt():
    from extractor.readers.tables import join_tables

    header = ["TT", "Nội dung hoạt động", "Kết quả/ số lượng", "Ghi chú"]

    def first():
        return Table([_row(2, 1, header), _row(2, 2, ["", "Số lớp bồi dưỡng nâng cao trình độ", "4", ""])],
                     "table 1", page=2)
    repeated = ["", *header[1:]]  # the bold "TT" alone in its narrow cell was not read
    second = Table([_row(3, 1, repeated), _row(3, 2, ["", "chuyên môn cho cán bộ, công chức:", "", ""]),
                    _row(3, 3, ["", "Số lượt người tham gia:", "57", ""])], "table 2", page=3)
    [joined] = join_tables([first(), second])
    assert [r.cells[1].text for r in joined.rows[1:]] == [
        "Số lớp bồi dưỡng nâng cao trình độ chuyên môn cho cán bộ, công chức:", "Số lượt người tham gia:"]
    other = Table([_row(3, 1, ["", "Nội dung khác", "Kết quả/ số lượng", "Ghi chú"])], "table 3", page=3)
    assert len(join_tables([first(), other])[0].rows) == 3  # a row that differs is no repeated header

"""Text exports whose table cells are flattened: one cell holds the label lines, the next the
value lines, with a blank line kept for each blank value. They align one to one, whether the
value cell is the row's last (its blank lines then also run up to the next value) or another
cell follows it, and whatever blank values it ends on."""

import pytest

from extractor.extract import extract_file
from extractor.readers import read_document

OPENING = """UBND HUYỆN TAM NÔNG
TRUNG TÂM HTCĐ XÃ HIỀN QUAN
Số: 21/BC-TTHTCĐ
Hiền Quan, ngày 12 tháng 10 năm 2023
BÁO CÁO
Kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023

II. Kết quả cụ thể
"""
CLOSING = "\nNơi nhận:\n- Lưu: VT.\n"
CLASSES = ("\tCác lớp bồi dưỡng đã tổ chức:\n• Số lớp XMC:\n• Số lượt người tham gia:\n"
           "• Số lớp giáo dục kỹ năng sống:\n• Số lượt người tham gia:\n• Các lớp khác:\n• Số lượt người "
           "tham gia:\n")
AWARDS = "\tTổng kết, khen thưởng:\n• Số đơn vị được khen thưởng:\n• Số cá nhân được khen thưởng:\n"
# the heading's value, then one line per label: blank where the form was left blank
CLASS_VALUES = ["", "03 lớp", "", "04", "45", "", "38 lượt"]
EXPECTED = {"tuanle.lop.xoa_mu_chu.so_lop": 3, "tuanle.lop.ky_nang_song.so_lop": 4,
            "tuanle.lop.ky_nang_song.so_luot": 45, "tuanle.lop.khac.so_luot": 38,
            "tuanle.khen_thuong.don_vi": 4}


def _export(tmp_path, values: list[str], note_column: bool) -> dict:
    note_head, note = ("\tGhi chú\n", "\t\n") if note_column else ("", "")
    text = (OPENING + "\tTT\n\tNội dung hoạt động\n\tKết quả/ số lượng\n" + note_head + "\n"
            + "\t5\n" + CLASSES + "\t" + "\n".join(values) + "\n" + note + "\n"
            + "\t8\n" + AWARDS + "\t\n4\n\n" + note + "\n" + CLOSING)
    path = tmp_path / "flat.txt"
    path.write_text(text, encoding="utf-8")
    return extract_file(path)


@pytest.mark.parametrize("note_column", [True, False], ids=["value cell then a note cell", "value cell last"])
@pytest.mark.parametrize("values", [CLASS_VALUES, CLASS_VALUES[:-1] + [""], CLASS_VALUES[:5]],
                         ids=["ends on a value", "ends on a blank value", "trailing blanks lost"])
def test_label_lines_and_value_lines_align_one_to_one(tmp_path, values, note_column):
    out = _export(tmp_path, values, note_column)
    got = {i["code"]: i["value"] for i in out["indicators"]}
    expected = {code: v for code, v in EXPECTED.items()
                if not (code == "tuanle.lop.khac.so_luot" and values[-1:] != ["38 lượt"])}
    assert got == expected
    assert not [w for w in out["warnings"] if "labels but" in w]


def test_the_table_goes_on_after_a_blank_value_in_a_rows_last_cell(tmp_path):
    _export(tmp_path, CLASS_VALUES, note_column=False)
    doc = read_document(tmp_path / "flat.txt")
    assert len(doc.tables()) == 1 and len(doc.tables()[0].rows) == 3
    assert [ln.text for ln in doc.tables()[0].rows[1].cells[2].lines] == CLASS_VALUES


def test_a_sentence_after_a_blank_line_ends_the_table(tmp_path):
    """Body text after the table is no value: long, or a label with its own value."""
    text = (OPENING + "\tTT\n\tNội dung\n\tKết quả\n\n\t1\n\tSố lượng sách đã phát hành\n\t1.200\n\n"
            + "- Số lớp xóa mù chữ: 03 lớp\n" + CLOSING)
    path = tmp_path / "after.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert len(doc.tables()[0].rows) == 2
    assert any(getattr(b, "text", "") == "- Số lớp xóa mù chữ: 03 lớp" for b in doc.blocks)

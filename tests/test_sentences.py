"""Values in sentences and after connectors other than a colon (sentences.py and its use)."""

import pytest

from extractor.indicators import extract_indicators
from extractor.model import Document, Paragraph
from extractor.normalize import clean, normalize_document
from extractor.sentences import load_vocabulary, mentions, split_label_value


def values(report_type: str, *paragraphs: str, catalogue=None) -> dict:
    from extractor.patterns import default_catalogue

    doc = normalize_document(Document("x.txt", "txt", [Paragraph(t, f"line {i}") for i,
                                                       t in enumerate(paragraphs, 1)]))
    found = extract_indicators(doc, catalogue or default_catalogue(), report_type)
    return {(o.code, o.kind): o.value for o in found.observations}


def test_a_count_and_its_participants_in_one_sentence():
    got = values("tuanle", "Trong dịp này, Trung tâm đã mở 03 lớp xóa mù chữ, thu hút 41 lượt học viên "
                           "tham gia.",
                 "Ngoài ra tổ chức 2 lớp kỹ năng sống với 95 lượt người tham gia.")
    assert got == {("tuanle.lop.xoa_mu_chu.so_lop", "actual"): 3, (
        "tuanle.lop.xoa_mu_chu.so_luot", "actual"): 41,
                   ("tuanle.lop.ky_nang_song.so_lop", "actual"): 2,
                   ("tuanle.lop.ky_nang_song.so_luot", "actual"): 95}


def test_counted_noun_with_the_verb_before_it_and_thousands():
    got = values("tuanle", "Toàn xã đã phát hành 2.300 tờ rơi; có 5 cơ sở giáo dục có thư viện.")
    assert got == {("tuanle.tuyen_truyen.to_roi", "actual"): 2300,
                   ("tuanle.thu_vien.co_thu_vien", "actual"): 5}


@pytest.mark.parametrize("line", [
    "Số bài viết trên các báo là 7", "Số bài viết trên các báo: 7", "Số bài viết trên các báo - 7",
    "Số bài viết trên các báo 7", "Số bài viết trên các báo được 7 bài",
])
def test_connectors_between_label_and_value(line):
    assert values("tuanle", line) == {("tuanle.thong_tin.bai_bao", "actual"): 7}


def test_literacy_lines_with_la_and_dat_under_their_heading():
    got = values("tongket_xhht", "4.1.2. Đối với những người trong độ tuổi 15-35:",
                 "- Số người còn mù chữ độ tuổi 15-35 là 37 người",
                 "- Tỷ lệ người biết chữ đạt 99,4 %")
    assert got == {("xmc.15_35.con_mu_chu", "actual"): 37, ("xmc.15_35.ty_le_biet_chu", "actual"): 99.4}


def test_a_plan_is_never_read_as_a_result():
    assert values("tongket_xhht", "4.1.1. Đối với những người trong độ tuổi 15-60:",
                  "- Phấn đấu năm tới đạt 99,7% người trong độ tuổi 15 - 60 biết chữ.") == {}


def test_target_and_result_of_a_scheme_indicator_in_one_sentence():
    got = values("dean_1373", "Chỉ tiêu Gia đình học tập theo kế hoạch là 70%, kết quả thực hiện đạt 72,5%.")
    assert got == {("dean.mo_hinh.gia_dinh_hoc_tap", "target"): 70,
                   ("dean.mo_hinh.gia_dinh_hoc_tap", "actual"): 72.5}


def test_a_table_value_outranks_a_sentence_that_disagrees():
    from extractor.model import Cell, Line, Row, Table
    from extractor.patterns import default_catalogue

    table = Table([Row([Cell([Line("Nội dung", "h1")], "h1", 0), Cell([Line("Số lượng", "h2")], "h2", 1)],
                       "row 1"),
                   Row([Cell([Line("Số lớp xóa mù chữ", "l")], "c1", 0), Cell([Line("04", "v")], "c2", 1)],
                       "row 2")],
                  "table 1")
    doc = normalize_document(Document("x", "txt", [Paragraph("Xã đã mở 3 lớp xóa mù chữ.", "p1"), table]))
    found = extract_indicators(doc, default_catalogue(), "tuanle")
    assert [(o.code, o.value, o.method) for o in found.observations] == [
        ("tuanle.lop.xoa_mu_chu.so_lop", 4, "table")]
    assert any("sentence gives" in w for w in found.warnings)


@pytest.mark.parametrize("text", [
    "Thực hiện Công văn số 2869/BCĐ ngày 25/9/2023 của Ban chỉ đạo",
    "Tổ chức cho trẻ em 5 tuổi trong độ tuổi 15-35 năm 2023",
    "giai đoạn 2021-2030, mức độ 2",
])
def test_dates_ranges_names_and_levels_are_not_values(text):
    assert mentions(clean(text)) == []


def test_split_label_value_refuses_numbers_that_belong_to_the_label():
    assert split_label_value("Tổng dân số độ tuổi từ 15-60") is None
    assert split_label_value("Đạt chuẩn xóa mù chữ mức độ 2") is None
    assert split_label_value("Số người biết chữ là 1.234 người") == ("Số người biết chữ", "1.234 người")


def test_vocabulary_is_validated_on_load(tmp_path):
    from extractor.patterns import PatternError

    (tmp_path / "sentences.yaml").write_text("connectors: []\n", encoding="utf-8")
    with pytest.raises(PatternError, match="sentences.yaml: 'connectors'"):
        load_vocabulary(tmp_path)


def test_a_report_written_entirely_in_sentences():
    from conftest import sample

    from extractor.extract import extract_file

    out = extract_file(sample("BC_TuanLe_2023_XaTanLap_van_xuoi.txt"))
    got = {o["code"]: o["value"] for o in out["indicators"]}
    assert got == {
        "tuanle.thong_tin.bai_bao": 2, "tuanle.thong_tin.phat_thanh": 15, "tuanle.tuyen_truyen.to_roi": 600,
        "tuanle.tuyen_truyen.bang_ron": 12, "tuanle.hoi_thao.so_lan": 2, "tuanle.hoi_thao.so_nguoi": 140,
        "tuanle.lop.xoa_mu_chu.so_lop": 1, "tuanle.lop.xoa_mu_chu.so_luot": 18,
        "tuanle.lop.ky_nang_song.so_lop": 3, "tuanle.lop.ky_nang_song.so_luot": 96,
        "tuanle.lop.day_nghe.so_lop": 2, "tuanle.lop.day_nghe.so_luot": 65,
        "tuanle.thu_vien.co_thu_vien": 4, "tuanle.thu_vien.hoat_dong_huong_dan": 6,
        "tuanle.khen_thuong.ca_nhan": 9, "tuanle.khen_thuong.kinh_phi": 4500000,
    }
    assert all(o["method"] in ("sentence", "narrative") and o["location"] for o in out["indicators"])
    assert (out["document"]["unit_name"], out["document"]["district"]) == ("Tân Lập", "Đan Phượng")


def test_a_number_of_classes_never_fills_a_count_of_people():
    got = values("tongket_xhht", "Trong năm, các xã đã huy động 512 người học xóa mù chữ, hoàn thành hết "
                                 "chương trình "
                 "2 lớp là 301 người.")
    assert got.get(("xmc.hoan_thanh_chuong_trinh", "actual")) in (None, 301)
    assert 2 not in got.values()


# ---- a number inside the label is part of the label (issue 22, item 3) -----------------------
TUANLE_HEADER = ["UBND HUYỆN ĐAN PHƯỢNG", "TRUNG TÂM HTCĐ XÃ TÂN LẬP", "Tân Lập, ngày 16 tháng 10 năm 2023",
                 "", "BÁO CÁO", "Kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023", "",
                 "1. Công tác thông tin, tuyên truyền"]
QUALIFIED = [
    "- Số bài viết trên các báo (đợt 1): 03 bài",
    "- Số bài viết trên các báo (đợt 1) là 03 bài",
    "- Số bài viết trên các báo (đợt 1) - 03 bài",
    "- Số bài viết trên các báo (đợt 1, lần 2): 03 bài",
    "- Số bài viết trên các báo đợt 1 là 03 bài",
    "- Số bài viết trên các báo lần 2: 03",
    "Trong tuần lễ, số bài viết trên các báo (đợt 2) là 03; đài truyền thanh xã đã phát 15 bài.",
]


def bai_bao(result: dict) -> list:
    return [o["value"] for o in result["indicators"] if o["code"] == "tuanle.thong_tin.bai_bao"]


@pytest.mark.parametrize("line", QUALIFIED)
def test_a_number_inside_the_label_is_not_its_value_in_a_text_file(tmp_path, line):
    from extractor.extract import extract_file

    path = tmp_path / "bao_cao.txt"
    path.write_text("\n".join(TUANLE_HEADER + [line]) + "\n", encoding="utf-8")
    assert bai_bao(extract_file(path)) == [3]


def test_a_number_inside_the_label_is_not_its_value_in_a_word_file(tmp_path):
    import docx

    from extractor.extract import extract_file

    word = docx.Document()
    for text in TUANLE_HEADER:
        word.add_paragraph(text)
    word.add_paragraph(QUALIFIED[0])
    table = word.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("TT", "Nội dung", "Số lượng"),
                                       ("1", "Số tờ rơi (đợt 2) đã phát hành", "600"),
                                       ("2", "Số lớp xóa mù chữ (lần 1)", "02")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    path = tmp_path / "bao_cao.docx"
    word.save(path)
    result = extract_file(path)
    got = {o["code"]: o["value"] for o in result["indicators"]}
    assert got == {"tuanle.thong_tin.bai_bao": 3, "tuanle.tuyen_truyen.to_roi": 600,
                   "tuanle.lop.xoa_mu_chu.so_lop": 2}


def test_a_qualifier_in_a_line_of_a_narrative_report_agrees_with_its_sentence_reading():
    got = values("tongket_xhht", "4.1.1. Đối với những người trong độ tuổi 15-60:",
                 "- Số người biết chữ độ tuổi từ 15-60 (đợt 2) là 218.672 người; miễn giảm (lần 1): "
                 "864 người")
    assert got == {("xmc.15_60.biet_chu", "actual"): 218672, ("xmc.15_60.mien_giam", "actual"): 864}


@pytest.mark.parametrize("text, raw", [
    ("Số bài viết trên các báo (đợt 1): 03 bài", ["03 bài"]),
    ("Số bài viết trên các báo lần 2 là 05", ["05"]),
    ("Tổng số học viên: 150 (trong đó nữ 80)", ["150", "80"]),  # a value inside parentheses, after the value
    ("Trong đợt 1 có 3 lớp xóa mù chữ", ["3"]),
    ("Số bài viết trên các báo (đợt 1):", []),  # the value is on the next line, if anywhere
    ("Số bài viết trên các báo lần 2 là", []),
])
def test_the_value_is_what_follows_the_label_and_its_separator(text, raw):
    assert [m.raw for m in mentions(clean(text))] == raw

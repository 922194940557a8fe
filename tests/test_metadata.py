"""Metadata: letterheads as documents write them (wrapped, interleaved with the motto)."""

from conftest import sample

from extractor.metadata import _orgs, detect, lookup
from extractor.model import Document, Paragraph


def doc(*lines: str) -> Document:
    return Document(path="x.txt", format="txt", blocks=[Paragraph(t, f"line {i}") for i, t in enumerate(lines, 1)])


def test_letterhead_wrapped_and_interleaved_with_the_motto(catalogue):
    meta = detect(doc("UBND TỈNH NINH THUẬN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM", "ỦY BAN NHÂN DÂN HUYỆN",
                      "NINH PHƯỚC", "Độc lập - Tự do - Hạnh phúc", "Số: 1227/BC-UBND",
                      "Ninh Phước, ngày 04 tháng 12 năm", "2021", "BÁO CÁO",
                      "Tổng kết công tác Xây dựng xã hội học tập năm 2021"), catalogue)
    assert (meta.unit_level, meta.unit_name, meta.province, meta.district) == ("huyện", "Ninh Phước", "Ninh Thuận", None)
    assert (meta.report_type, meta.year, meta.doc_number) == ("tongket_xhht", 2021, "1227/BC-UBND")


def test_level_words_are_told_from_names_by_their_diacritics():
    assert _orgs(["UBND TỈNH HÀ TĨNH", "ỦY BAN NHÂN DÂN HUYỆN HƯƠNG SƠN", "BÁO CÁO"]) == [
        ("tỉnh", "ha tinh"), ("huyện", "huong son")]
    assert _orgs(["UBND HUYỆN NGHI LỘC", "TRUNG TÂM HTCĐ XÃ NGHI PHƯƠNG", "BÁO CÁO"])[-1] == ("xã", "nghi phuong")
    assert _orgs(["UBND HUYỆN CHỢ ĐỒN", "TRUNG TÂM HTCĐ XÃ YÊN", "PHONG", "BÁO CÁO"])[-1] == ("xã", "yen phong")
    assert _orgs(["UBND HUYỆN QUAN HÓA", "BAN CHỈ ĐẠO XÂY DỰNG XÃ HỘI HỌC TẬP", "BÁO CÁO"]) == [("huyện", "quan hoa")]
    assert _orgs(["ỦY BAN NHÂN DÂN", "THỊ XÃ NINH HÒA", "BÁO CÁO"]) == [("thị xã", "ninh hoa")]


def test_number_comes_from_the_letterhead_not_a_cited_letter(catalogue):
    meta = detect(doc("ỦY BAN NHÂN DÂN", "HUYỆN CẨM GIÀNG", "Số: /BC-UBND", "BÁO CÁO",
                      "Kết quả thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” năm 2023",
                      "Thực hiện Công văn số 2871/SGDĐT-GDTX ngày 14 tháng 10 năm 2023 của Sở GD&ĐT"), catalogue)
    assert meta.doc_number is None
    assert (meta.report_type, meta.period) == ("dean_1373", "2023")


def test_directive_with_vv_on_the_date_line_is_unknown(catalogue):
    meta = detect(doc("UBND HUYỆN TAM ĐẢO", "BAN CHỈ ĐẠO ĐỀ ÁN XDXHHT",
                      "Tam Đảo, ngày tháng 9 năm 2022 V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022",
                      "MẪU BÁO CÁO"), catalogue)
    assert meta.report_type == "unknown"


def test_register_fills_district_only_when_unambiguous():
    assert lookup("that khe", "thị trấn")["district"] == "Tràng Định"
    assert lookup("dai son", "xã") is None  # six communes share the name: left blank, not guessed
    assert lookup("dai son", "xã", text="… huyện Quảng Hòa …")["province"] == "Cao Bằng"


def test_commune_report_gets_district_and_province():
    from extractor.extract import extract_file

    doc_ = extract_file(sample("Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt"))["document"]
    assert (doc_["unit_name"], doc_["district"], doc_["province"], doc_["period"]) == (
        "Chân Sơn", "Yên Sơn", "Tuyên Quang", "2019")


def test_a_commune_the_register_cannot_place_is_left_empty_and_sent_to_review(catalogue):
    head = ("UBND XÃ MINH TÂN", "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", "Số: 12/BC-TTHTCĐ", "BÁO CÁO",
            "Sơ kết học kỳ I năm học 2019-2020")
    meta = detect(doc(*head), catalogue)
    assert (meta.unit_name, meta.district, meta.province) == ("Minh Tân", None, None)
    assert len(meta.warnings) == 1 and "units of that name" in meta.warnings[0]
    assert "warnings" not in meta.as_dict()
    placed = detect(doc("UBND HUYỆN VỤ BẢN", *head), catalogue)  # the letterhead names the district
    assert (placed.district, placed.province, placed.warnings) == ("Vụ Bản", "Nam Định", [])

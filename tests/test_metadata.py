"""Metadata: letterheads as documents write them (wrapped, interleaved with the motto)."""

import pytest
from conftest import SHARED, needs_shared, sample

from extractor.metadata import detect, header_lines
from extractor.metadata.body import body_unit
from extractor.metadata.dates import Dates, read_dates
from extractor.metadata.header import Header, report_type
from extractor.metadata.letterhead import Letterhead, agency_lines, read_letterhead
from extractor.metadata.names import Org, clean_name, cut_name, has_diacritics, title_words
from extractor.metadata.unit import Unit, school_unit, settle_unit
from extractor.model import Document, Paragraph
from extractor.register import lookup


def doc(*lines: str) -> Document:
    return Document(path="x.txt", format="txt", blocks=[Paragraph(t, f"line {i}") for i,
                                                        t in enumerate(lines, 1)])


def test_letterhead_wrapped_and_interleaved_with_the_motto(catalogue):
    meta = detect(doc("UBND TỈNH NINH THUẬN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "VIỆT NAM",
                      "ỦY BAN NHÂN DÂN HUYỆN", "NINH PHƯỚC", "Độc lập - Tự do - Hạnh phúc",
                      "Số: 1227/BC-UBND", "Ninh Phước, ngày 04 tháng 12 năm", "2021", "BÁO CÁO",
                      "Tổng kết công tác Xây dựng xã hội học tập năm 2021"), catalogue)
    assert (meta.unit_level, meta.unit_name, meta.province, meta.district) == (
        "huyện", "Ninh Phước", "Ninh Thuận", None)
    assert (meta.report_type, meta.year, meta.doc_number) == ("tongket_xhht", 2021, "1227/BC-UBND")


def _units(head: list[str]) -> list[tuple[str, str]]:
    return [(o.level, o.key) for o in read_letterhead(Header.of(head)).orgs]


def test_level_words_are_told_from_names_by_their_diacritics():
    assert _units(["UBND TỈNH HÀ TĨNH", "ỦY BAN NHÂN DÂN HUYỆN HƯƠNG SƠN", "BÁO CÁO"]) == [
        ("tỉnh", "ha tinh"), ("huyện", "huong son")]
    assert _units(["UBND HUYỆN NGHI LỘC", "TRUNG TÂM HTCĐ XÃ NGHI PHƯƠNG", "BÁO CÁO"])[-1] == (
        "xã", "nghi phuong")
    assert _units(["UBND HUYỆN CHỢ ĐỒN", "TRUNG TÂM HTCĐ XÃ YÊN", "PHONG", "BÁO CÁO"])[-1] == (
        "xã", "yen phong")
    assert _units(["UBND HUYỆN QUAN HÓA", "BAN CHỈ ĐẠO XÂY DỰNG XÃ HỘI HỌC TẬP", "BÁO CÁO"]) == [
        ("huyện", "quan hoa")]
    assert _units(["ỦY BAN NHÂN DÂN", "THỊ XÃ NINH HÒA", "BÁO CÁO"]) == [("thị xã", "ninh hoa")]


def test_number_comes_from_the_letterhead_not_a_cited_letter(catalogue):
    meta = detect(doc("ỦY BAN NHÂN DÂN", "HUYỆN CẨM GIÀNG", "Số: /BC-UBND", "BÁO CÁO",
                      "Kết quả thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” năm 2023",
                      "Thực hiện Công văn số 2871/SGDĐT-GDTX ngày 14 tháng 10 năm 2023 của Sở GD&ĐT"),
                  catalogue)
    assert meta.doc_number is None
    assert (meta.report_type, meta.period) == ("dean_1373", "2023")


def test_directive_with_vv_on_the_date_line_is_unknown(catalogue):
    meta = detect(doc("UBND HUYỆN TAM ĐẢO", "BAN CHỈ ĐẠO ĐỀ ÁN XDXHHT",
                      "Tam Đảo, ngày tháng 9 năm 2022 V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời "
                      "năm 2022",
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


# ---- openings as real documents are published and exported ---------------------------------
def meta_of(*lines: str):
    from extractor.normalize import normalize_document
    from extractor.patterns import default_catalogue

    return detect(normalize_document(doc(*lines)), default_catalogue())


def fields(meta) -> tuple:
    return (meta.report_type, meta.unit_level, meta.unit_name, meta.district, meta.province, meta.year,
            meta.issued_date, meta.doc_number)


def test_letterhead_flattened_with_pipes():
    meta = meta_of("UBND HUYỆN ĐÔNG HƯNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO | Độc lập - Tự do - Hạnh phúc",
                   "Số: 215/BC-PGDĐT | Đông Hưng, ngày 12 tháng 12 năm 2022", "BÁO CÁO",
                   "Tổng kết công tác xây dựng xã hội học tập năm 2022")
    assert fields(meta) == ("tongket_xhht", "huyện", "Đông Hưng", None, "Thái Bình", 2022, "2022-12-12",
                            "215/BC-PGDĐT")


def test_html_letterhead_and_a_trailing_letter_in_the_name():
    meta = meta_of("<p><b>ỦY BAN NHÂN DÂN</b><br/>XÃ LONG TRỊ A</p><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
                   "NAM</b></p>",
                   "<p>Số: 12/BC-UBND</p><p><i>Long Trị A, ngày 05 tháng 10 năm 2023</i></p>",
                   "<h2>BÁO CÁO</h2>", "<p>Kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023</p>")
    assert fields(meta) == ("tuanle", "xã", "Long Trị A", "Long Mỹ", "Hậu Giang", 2023, "2023-10-05",
                            "12/BC-UBND")


def test_download_site_text_before_the_letterhead():
    meta = meta_of("Tải về Văn bản gốc", "Thuộc tính | Lược đồ | Liên quan", "ỦY BAN NHÂN DÂN",
                   "THỊ XÃ KỲ ANH", "Số: 45/BC-UBND", "Kỳ Anh, ngày 20 tháng 11 năm 2021", "BÁO CÁO",
                   "Kết quả thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” năm 2021")
    assert fields(meta) == ("dean_1373", "thị xã", "Kỳ Anh", None, "Hà Tĩnh", 2021, "2021-11-20",
                            "45/BC-UBND")


def test_lost_space_and_lower_case_unit_line():
    meta = meta_of("UBNDxã an bình", "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", "Số: 07/BC-TTHTCĐ",
                   "An Bình, ngày 10 tháng 10 năm 2022", "BÁO CÁO",
                   "Kết quả Tuần lễ hưởng ứng học tập suốt đời năm 2022",
                   "Thực hiện Công văn số 88/PGDĐT ngày 20/9/2022 của Phòng GD&ĐT huyện Cao Lãnh")
    assert (meta.unit_level, meta.unit_name, meta.district, meta.province) == (
        "xã", "An Bình", "Cao Lãnh", "Đồng Tháp")


def test_province_line_split_mid_word_and_a_province_level_unit():
    meta = meta_of("UBND TỈNH QUẢNG N", "AM", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 1520 /BC-SGDĐT",
                   "Quảng Nam, ngày 03 tháng 11 năm 2023", "BÁO CÁO",
                   "Kết quả thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” năm 2023")
    assert fields(meta) == ("dean_1373", "tỉnh", "Quảng Nam", None, "Quảng Nam", 2023, "2023-11-03",
                            "1520/BC-SGDĐT")


def test_citations_give_neither_the_issue_date_nor_the_number():
    meta = meta_of("UBND HUYỆN THẠCH HÀ", "BAN CHỈ ĐẠO XDXHHT", "Số:     /BC-BCĐ",
                   "Thạch Hà, ngày      tháng 12 năm 2020", "BÁO CÁO",
                   "Tổng kết công tác xây dựng xã hội học tập năm 2020",
                   "Căn cứ Luật Giáo dục ngày 14 tháng 6 năm 2019;",
                   "Thực hiện Công văn số 77/SGDĐT-GDTX ngày 02 tháng 12 năm 2020 của Sở GD&ĐT Hà Tĩnh,")
    assert (meta.issued_date, meta.doc_number, meta.year) == (None, None, 2020)


def test_number_split_over_lines_with_spaces_inside():
    meta = meta_of("UBND HUYỆN HOÀI ĐỨC", "BAN CHỈ ĐẠO XDXHHT", "Số: 31 / BC-BCĐ-", "XHHT",
                   "Hoài Đức, ngày 15 tháng 12 năm 2023", "BÁO CÁO",
                   "Tổng kết công tác xây dựng xã hội học tập năm 2023")
    assert meta.doc_number == "31/BC-BCĐ-XHHT"


def test_a_numeric_place_date_and_the_motto_column_first():
    meta = meta_of("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND HUYỆN ĐẠI TỪ",
                   "Số: 77/BC-UBND", "Đại Từ, ngày 15/12/2021", "BÁO CÁO",
                   "Tổng kết công tác xây dựng xã hội học tập năm 2021")
    assert fields(meta) == ("tongket_xhht", "huyện", "Đại Từ", None, "Thái Nguyên", 2021, "2021-12-15",
                            "77/BC-UBND")


def test_the_year_in_the_title_beats_the_issue_date():
    meta = meta_of("UBND HUYỆN BẮC HÀ", "Số: 12/BC-UBND", "Bắc Hà, ngày 05 tháng 01 năm 2024", "BÁO CÁO",
                   "Tổng kết công tác xây dựng xã hội học tập năm 2023")
    assert (meta.year, meta.period, meta.issued_date) == (2023, "2023", "2024-01-05")


@pytest.mark.parametrize(("title", "expected"), [
    (("KẾ HOẠCH", "Triển khai thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”"), "unknown"),
    (("QUYẾT ĐỊNH", "Ban hành Kế hoạch thực hiện Đề án 1373 giai đoạn 2021-2030"), "unknown"),
    (("BÁO CÁO", "Kết quả hoạt động 6 tháng đầu năm 2024 của Trung tâm HTCĐ phường 4"), "soket_tthtcd"),
    (("BÁO CÁO", "Tổng kết hoạt động của trung tâm học tập cộng đồng năm 2023"), "soket_tthtcd"),
])
def test_report_type_from_real_titles(title, expected):
    assert meta_of("ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ", "Số: 302/BC-UBND", *title).report_type == expected


def test_unit_from_the_body_when_the_letterhead_is_gone():
    town = meta_of("BÁO CÁO", "Kết quả thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030” "
                              "năm 2024",
                   "Thực hiện Công văn số 3127/SGDĐT ngày 31 tháng 10 năm 2024 của Sở GD&ĐT tỉnh Quảng Trị, "
                   "UBND thị xã Quảng Trị báo cáo kết quả như sau:")
    assert (town.unit_level, town.unit_name, town.province, town.issued_date) == (
        "thị xã", "Quảng Trị", "Quảng Trị", None)
    guide = meta_of("HƯỚNG DẪN", "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023",
                    "Ban Chỉ đạo xây dựng xã hội học tập huyện Yên Thế hướng dẫn các xã, thị trấn tổ chức "
                    "Tuần lễ như sau:")
    assert (guide.report_type, guide.unit_level, guide.unit_name) == ("unknown", "huyện", "Yên Thế")


def test_run_on_words_never_join_the_name():
    meta = meta_of("UBND HUYỆN NAM ĐÀN PHÒNG GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Số: 77/BC-PGDĐT Nam Đàn, ngày 9 tháng 10 năm 2023", "BÁO CÁO",
                   "Kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023")
    assert (meta.unit_name, meta.province, meta.issued_date, meta.doc_number) == (
        "Nam Đàn", "Nghệ An", "2023-10-09", "77/BC-PGDĐT")


def test_a_letterhead_typed_without_accents_gets_the_registers_spelling():
    meta = meta_of("UBND HUYEN VAN BAN", "TRUNG TAM HTCD XA LIEM PHU", "So: 11/BC-TTHTCD",
                   "Liem Phu, ngay 05 thang 10 nam 2020", "BAO CAO",
                   "Ket qua Tuan le huong ung hoc tap suot doi nam 2020")
    assert fields(meta) == ("tuanle", "xã", "Liêm Phú", "Văn Bàn", "Lào Cai", 2020, "2020-10-05",
                            "11/BC-TTHTCD")


def test_a_school_is_a_school_not_its_district():
    meta = meta_of("PHÒNG GD&ĐT HUYỆN YÊN SƠN", "TRƯỜNG THCS CHÂN SƠN", "Số: 25/BC-THCS",
                   "Chân Sơn, ngày 10 tháng 10 năm 2023", "BÁO CÁO",
                   "Kết quả Tuần lễ hưởng ứng học tập suốt đời năm 2023")
    assert (meta.unit_level, meta.unit_name, meta.district, meta.province) == (
        "trường", None, "Yên Sơn", "Tuyên Quang")
    assert any("school" in w for w in meta.warnings)


def test_an_unknown_name_with_no_clear_end_is_not_emitted():
    meta = meta_of("UBND XÃ LẠC ĐÂU NAM BẮC TRUNG", "BÁO CÁO", "Kết quả Tuần lễ hưởng ứng học tập suốt đời "
                                                               "năm 2023")
    assert (meta.unit_name, meta.unit_level) == (None, None)
    assert any("not in the register" in w for w in meta.warnings)


@needs_shared
def test_the_seeds_name_their_units_in_the_body():
    from extractor.extract import extract_file

    got = {p.name[:3]: extract_file(p)["document"] for p in sorted((SHARED / "seeds").glob("*.txt"))}
    assert (got["000"]["unit_level"], got["000"]["unit_name"], got["000"]["district"]) == (
        "xã", "Hiền Hào", "Cát Hải")
    assert (got["001"]["unit_level"], got["001"]["unit_name"]) == ("xã", "Hiền Hào")  # from the signature
    assert (got["004"]["unit_level"], got["004"]["unit_name"]) == ("thị xã", "Hương Trà")
    assert got["003"]["unit_name"] is None  # a template with dots where the unit should be


# ---- each stage: its input and the record it returns ----------------------------------------
HEAD = ["UBND HUYỆN YÊN SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TRUNG TÂM HTCĐ XÃ CHÂN SƠN",
        "Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-TTHTCĐ", "Chân Sơn, ngày 10 tháng 10 năm 2023", "BÁO CÁO",
        "Sơ kết học kỳ I năm học 2023-2024"]


def test_header_finds_its_title_once_and_the_letterhead_above_it(catalogue):
    header = Header.of(HEAD)
    assert (header.title, header.top, header.keys[6]) == (6, HEAD[:6], "bao cao")
    assert Header.of([f"line {i}" for i in range(20)]).top == [f"line {i}" for i in range(12)]  # no title
    assert report_type(header, catalogue) == "soket_tthtcd"
    flat = doc("UBND HUYỆN ĐÔNG HƯNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBNDxã an bình",
               "Kính gửi: Sở GD&ĐT")
    assert header_lines(flat) == ["UBND HUYỆN ĐÔNG HƯNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                  "UBND xã an bình", "Kính gửi: Sở GD&ĐT"]


def test_letterhead_agency_lines_leave_out_the_motto_and_mark_xa_hoi():
    assert agency_lines(Header.of(HEAD[:4] + HEAD[5:])) == [["ubnd", "huyện", "yên", "sơn"],
                                                            ["trung", "tâm", "htcđ", "xã", "chân", "sơn"]]
    steering = Header.of(["UBND HUYỆN QUAN HÓA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                          "BAN CHỈ ĐẠO XÂY DỰNG XÃ HỘI HỌC TẬP", "BÁO CÁO"])
    assert agency_lines(steering) == [["ubnd", "huyện", "quan", "hóa"],
                                      ["ban", "chỉ", "đạo", "xây", "dựng", "#", "học", "tập"]]


def test_letterhead_record_gives_the_units_top_down_and_tells_a_school():
    assert read_letterhead(Header.of(HEAD)) == Letterhead(
        (Org("huyện", ("yên", "sơn"), True), Org("xã", ("chân", "sơn"), True)), school=False)
    school = read_letterhead(Header.of(["PHÒNG GD&ĐT HUYỆN YÊN SƠN", "TRƯỜNG THCS CHÂN SƠN", "BÁO CÁO"]))
    assert school.school and school.orgs == (Org("huyện", ("yên", "sơn"), True),)


def test_names_are_cut_where_the_register_says_they_end():
    # a letter after a known name and before the line's end is part of it ("Long Trị A")
    assert cut_name(["long", "trị", "a", "cộng"], 0, 4, {3}, "xã", True) == (
        Org("xã", ("long", "trị", "a"), True), 3)
    # OCR debris after the name, and a word an export broke over two lines
    assert cut_name(["thượng", "ninh", "n"], 0, 3, {3}, "xã", True) == (
        Org("xã", ("thượng", "ninh"), True), 2)
    assert cut_name(["quảng", "n", "am"], 0, 3, {2, 3}, "tỉnh", True) == (
        Org("tỉnh", ("quảng", "nam"), True), 3)
    unknown, used = cut_name(["lạc", "đâu", "huyện", "x"], 0, 4, {4}, "xã", True)
    assert (unknown, used, clean_name(unknown)) == (Org("xã", ("lạc", "đâu"), False), 2, True)
    assert title_words("Tân Phú A như sau") == ["Tân", "Phú", "A"]
    assert (has_diacritics("Xã Chân Sơn báo cáo"), has_diacritics("Xa Chan Son bao cao")) == (True, False)


@pytest.mark.parametrize("line", ["Trung tâm học tập cộng đồng xã Hiền Hào báo cáo kết quả như sau:",
                                  "Chủ tịch UBND xã Hiền Hào"])
def test_body_names_the_unit_as_subject_or_signature(line):
    found = body_unit(doc("BÁO CÁO", "Kết quả năm 2023", line), accents=True)
    assert found == Org("xã", ("hiền", "hào"), True)


def test_body_names_the_area_only_when_it_names_one():
    one = doc("BÁO CÁO", "Trên địa bàn huyện Yên Sơn có nhiều lớp học.")
    assert body_unit(one, accents=True) == Org("huyện", ("yên", "sơn"), True)
    two = doc("BÁO CÁO", "Trên địa bàn huyện Yên Sơn và trên địa bàn huyện Cát Hải có nhiều lớp học.")
    assert body_unit(two, accents=True) is None


def test_unit_is_settled_with_its_district_and_province_or_flagged():
    orgs = read_letterhead(Header.of(HEAD)).orgs
    text = "\n".join(HEAD)
    assert settle_unit(orgs, text, accents=True) == Unit("xã", "Chân Sơn", "Yên Sơn", "Tuyên Quang")
    school = school_unit(orgs, text, accents=True)
    assert (school.level, school.name, school.district, school.province) == (
        "trường", None, "Yên Sơn", "Tuyên Quang")
    assert [w.category for w in school.warnings] == ["unknown_unit"]
    alone = settle_unit((Org("xã", ("minh", "tân"), True),), "UBND XÃ MINH TÂN", accents=True)
    assert (alone.name, alone.district, alone.province) == ("Minh Tân", None, None)
    assert [w.category for w in alone.warnings] == ["ambiguous_unit"]


@pytest.mark.parametrize(("head", "expected"), [
    (HEAD, Dates("2023-10-10", "12/BC-TTHTCĐ", 2023, "HK1 2023-2024")),
    (["UBND XÃ AN BÌNH", "Số:   /BC-UBND", "An Bình, ngày   tháng 01 năm 2024", "BÁO CÁO", "Sơ kết học kỳ I"],
     Dates(None, None, 2023, "HK1 2023-2024")),  # a term with the issue month: the school year it began
    (["Đại Từ, ngày 15/12/2021", "BÁO CÁO",
      "Kết quả thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”"],
     Dates("2021-12-15", None, 2021, "2021")),  # the quoted span is the scheme's name, not the period
    (["UBND HUYỆN X", "Thực hiện Công văn số 77/SGDĐT ngày 02 tháng 12 năm 2020", "BÁO CÁO",
      "Kết quả giai đoạn 2016-2020"], Dates(None, None, 2016, "2016-2020")),  # a cited date is not its own
])
def test_dates_from_the_place_and_date_line_and_the_title(head, expected):
    assert read_dates(Header.of(head)) == expected

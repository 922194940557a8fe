"""Activity tables: the roles come from the header's words, whatever the columns and their order."""

from conftest import sample

from extractor.extract import extract_file


def test_two_row_header_and_extra_columns():
    out = extract_file(sample("BC_TongKet_TTHTCD_LongTriA_2023-2024.docx"))
    got = [(a["name"], a["participants"], a["host"], a["partners"]) for a in out["activities"]]
    # "Thành phần tham gia" says who took part, in words: the count is "Số lượng người tham dự";
    # "Đơn vị" spans "Chủ trì" and "Phối hợp" in a second header row
    assert got == [
        ("Tập huấn kỹ thuật nuôi cá lóc", 52, "Trung tâm HTCĐ", "Hội Nông dân xã"),
        ("Tuyên truyền phòng chống ma túy", 85, "Công an xã", "TTHTCĐ, Đoàn Thanh niên"),
        ("Nói chuyện chuyên đề nuôi dạy con", 40, "Hội Phụ nữ xã", "TTHTCĐ"),
    ]
    assert out["document"]["report_type"] == "soket_tthtcd"


def test_narrow_pdf_columns_keep_whole_words():
    out = extract_file(sample("BC_SoKet_HK1_AnBinh_2023_cot_hep.pdf"))
    assert [a["partners"] for a in out["activities"]] == [
        "Hội Nông dân xã", "Trung tâm HTCĐ, Đoàn Thanh niên", "TTHTCĐ, Hội Phụ nữ xã"]
    assert [a["participants"] for a in out["activities"]] == [45, 120, 38]

import pytest
from conftest import SHARED, needs_shared, sample

from extractor.extract import extract_file


def values(result):
    return {(i["code"], i["kind"]): i["value"] for i in result["indicators"]}


def test_tuanle_multiline_docx():
    result = extract_file(sample("BC ket qua TLHTSD ChanSon 2023.docx"))
    doc = result["document"]
    assert (doc["report_type"], doc["unit_name"], doc["unit_level"]) == ("tuanle", "Chân Sơn", "xã")
    assert (doc["district"], doc["province"], doc["issued_date"]) == ("Yên Sơn", "Tuyên Quang", "2023-10-16")
    v = values(result)
    assert v[("tuanle.lop.xoa_mu_chu.so_luot", "actual")] == 35
    assert v[("tuanle.khen_thuong.kinh_phi", "actual")] == 2793106
    for ind in result["indicators"]:
        assert ind["location"] and ind["label"] and ind["raw_value"] and ind["score"] >= 88


def test_dean_target_and_result_columns():
    result = extract_file(sample("BC_DeAn1373_BachThong_2023.docx"))
    v = values(result)
    assert v[("dean.xmc.muc_do_2", "target")] == 100
    assert v[("dean.xmc.muc_do_2", "actual")] == "Đạt"
    assert v[("dean.nang_luc.ky_nang_song", "actual")] == 35.11


def test_tongket_narrative_prose_and_headings():
    result = extract_file(sample("TongKet_XDXHHT_BacHa_2017.docx"))
    v = values(result)
    assert v[("xmc.15_35.mien_giam", "actual")] == 777
    assert v[("xmc.15_60.ty_le_biet_chu", "actual")] == 99.37
    assert v[("xmc.huy_dong_hoc", "actual")] == 344
    assert ("xmc.15_60.mien_giam", "actual") not in v  # not written for 15-60 in this report


def test_activities_table():
    result = extract_file(sample("Bao cao so ket TTHTCD AnPhu 2023.pdf"))
    assert result["document"]["report_type"] == "soket_tthtcd"
    assert len(result["activities"]) == 10
    assert result["activities"][0]["participants"] == 45


def test_directive_is_unknown_with_no_values():
    result = extract_file(sample("Cong van KyAnh 2021.docx"))
    assert result["document"]["report_type"] == "unknown"
    assert result["indicators"] == [] and result["activities"] == []


@needs_shared
def test_seeds_read_sensibly():
    seeds = SHARED / "seeds"
    s000 = extract_file(next(seeds.glob("000_*.txt")))
    codes = {i["code"] for i in s000["indicators"]}
    assert {"tuanle.thu_vien.doc_sach_online", "tuanle.tthtcd.hoat_dong_hang_thang"} <= codes
    assert not any(c.startswith(("tuanle.ke_hoach", "tuanle.thong_tin", "tuanle.lop")) for c in codes)
    assert s000["warnings"]
    s001 = extract_file(next(seeds.glob("001_*.txt")))
    assert len(s001["activities"]) == 11
    s002 = extract_file(next(seeds.glob("002_*.txt")))
    assert s002["document"]["report_type"] == "unknown" and not s002["indicators"]
    s003 = extract_file(next(seeds.glob("003_*.txt")))
    assert len(s003["indicators"]) >= 20
    s004 = extract_file(next(seeds.glob("004_*.txt")))
    assert len([i for i in s004["indicators"] if i["kind"] == "target"]) >= 12


@pytest.mark.parametrize("name", ["BC ket qua TLHTSD ChanSon 2022.pdf",
                                  "Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt"])
def test_every_sample_extracts_without_error(name):
    assert extract_file(sample(name))["source"]["sha256"]


def test_flattened_cell_with_bullets_inside_the_line():
    """A txt export that runs a cell's paragraphs into one line ("… HTSĐ + Cấp huyện: 00 * Số …")."""
    v = values(extract_file(sample("Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt")))
    assert v[("tuanle.ke_hoach.cap_huyen", "actual")] == 0
    assert v[("tuanle.lop.xoa_mu_chu.so_luot", "actual")] == 44
    assert v[("tuanle.khen_thuong.kinh_phi", "actual")] == 4000000

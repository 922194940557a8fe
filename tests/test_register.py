"""The register of administrative units: names, spellings, parents, the 2025 merger."""

from extractor import register


def test_old_and_new_units_are_both_known():
    assert register.is_known("chân sơn", "xã")
    assert {c["era"] for c in register.candidates("yen phong", "xã")} == {"old", "new"}


def test_spelling_is_given_only_when_every_unit_writes_it_alike():
    assert register.spelling("an phu",
                             "xã") is None  # An Phú or Ân Phú: typed without accents it is unsettled
    assert register.spelling("liem phu", "xã") == "Liêm Phú"


def test_names_with_a_trailing_letter_or_number():
    assert register.is_known("long tri a", "xã")
    assert register.is_known("dai an 1", "xã")
    assert not register.is_known("long tri b", "xã")


def test_province_level_units():
    assert register.is_province_level("Hà Nội", "thành phố")
    assert not register.is_province_level("Hà Tĩnh", "thành phố")  # the city, not the province
    assert register.is_province_level("Hà Tĩnh", "tỉnh")
    assert register.province_name("QUẢNG NAM") == "Quảng Nam"


def test_lookup_uses_the_district_the_text_names_but_not_the_units_own_name():
    assert register.lookup("dai son", "xã") is None
    assert register.lookup("dai son", "xã", text="… huyện Quảng Hòa …")["province"] == "Cao Bằng"
    # "Phú Lộc" names the town itself; only "huyện Phú Lộc" would name the district
    assert register.lookup("phu loc", "thị trấn", text="Phú Lộc, ngày 10 tháng 1") is None


def test_merger_of_2025():
    new = register.merged_unit("Chân Sơn", "xã", "Yên Sơn", "Tuyên Quang")
    assert new is not None and new[1]

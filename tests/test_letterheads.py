"""Letterheads and titles as published documents write them (tests/data/letterheads.yaml): the
motto broken after its "XÃ", agency names broken inside a word, plans, decisions and letters that
are no reports, terms and school years however the title words them, and place names as the
document writes them, not as they were renamed later."""

from pathlib import Path

import pytest
import yaml

from extractor.metadata import detect
from extractor.metadata.header import Header
from extractor.metadata.letterhead import read_letterhead
from extractor.model import Document, Paragraph
from extractor.register import renamed_province

CASES = yaml.safe_load((Path(__file__).parent / "data" / "letterheads.yaml").read_text(encoding="utf-8"))


def _doc(lines: list[str]) -> Document:
    return Document(path="x.txt", format="txt", blocks=[Paragraph(t, f"line {i}") for i,
                                                        t in enumerate(lines, 1)])


@pytest.mark.parametrize("case", CASES, ids=[c["kind"] for c in CASES])
def test_opening_reads_without_a_wrong_field(case, catalogue):
    meta = detect(_doc(case["lines"]), catalogue).as_dict()
    got = {field: meta[field] for field in case["expect"]}
    expected = {field: str(v) if field in ("period", "issued_date") and v is not None else v
                for field, v in case["expect"].items()}
    assert got == expected


def test_the_kinds_are_all_there():
    kinds = " ".join(c["kind"] for c in CASES)
    for word in ("motto", "broken inside", "plan", "decision", "letter", "guide", "term", "span of months",
                 "before it"):
        assert word in kinds
    assert len(CASES) >= 12


def test_the_motto_broken_after_xa_names_no_unit():
    orgs = read_letterhead(Header.of(["ỦY BAN NHÂN DÂN", "XÃ HẠ HÒA", "CỘNG HÒA XÃ", "HỘI CHỦ NGHĨA VIỆT NAM",
                                      "BÁO CÁO"])).orgs
    assert [(o.level, o.key) for o in orgs] == [("xã", "ha hoa")]
    # a commune whose name starts with "Hội" is still one
    orgs = read_letterhead(Header.of(["UBND HUYỆN ANH SƠN", "TRUNG TÂM HTCĐ XÃ", "HỘI SƠN", "BÁO CÁO"])).orgs
    assert [(o.level, o.key) for o in orgs] == [("huyện", "anh son"), ("xã", "hoi son")]


def test_a_province_is_taken_from_a_later_level_only_when_one_province_holds_the_name():
    assert renamed_province("Đông Triều", "thị xã") == "Quảng Ninh"  # a thành phố since 2019
    assert renamed_province("Tam Sơn", "xã", "Từ Sơn") == "Bắc Ninh"  # a phường of Từ Sơn
    assert renamed_province("Sơn Tây", "thành phố") is None  # a thị xã in Hà Nội, a huyện in Quảng Ngãi
    assert renamed_province("Tam Sơn", "xã") is None  # several provinces

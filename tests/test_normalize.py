"""Normalisation: every variant of one text becomes one canonical text (tested once, for all readers)."""

import unicodedata

import pytest

from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.normalize import clean, fold, normalize_document, place_tone, strip_bullet, words

CANONICAL = "Trung tâm học tập cộng đồng xã Hòa Thủy, quý I: 12 người khỏe"
VARIANTS = {
    "nfd": unicodedata.normalize("NFD", CANONICAL),
    "old tone": "Trung tâm học tập cộng đồng xã Hoà Thuỷ, qúy I: 12 người khoẻ",
    "nbsp": CANONICAL.replace(" ", "\u00a0"),
    "zero width in words": "Tru\u200bng tâm họ\u200dc tập cộ\u2060ng đồng xã Hòa Thủy, quý I: 12 người khỏe",
    "soft hyphen in words": "Trung tâm học tập cộng đồng xã Hò\u00ada Thủy, quý I: 12 ngư\u00adời khỏe",
    "bom and spaces": "\ufeff  Trung tâm học tập   cộng đồng xã Hòa Thủy, quý I: 12 người khỏe \t",
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_cleans_to_the_canonical_text(name):
    assert clean(VARIANTS[name]) == CANONICAL


@pytest.mark.parametrize(("written", "modern"), [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("qúy", "quý"), ("khoẻ", "khỏe"), ("HOÀ", "HÒA"), ("Qủang", "Quảng"),
    ("hoàng", "hoàng"), ("người", "người"), ("giữa", "giữa"), ("Nguyễn", "Nguyễn"), ("hoài", "hoài"),
    ("khuỷu", "khuỷu"), ("gìn", "gìn"), ("quốc", "quốc"), ("tuyển", "tuyển"),
])
def test_tone_is_placed_as_the_register_writes_it(written, modern):
    assert place_tone(written) == modern


def test_words_that_are_not_one_syllable_are_left_alone():
    assert place_tone("online") == "online"
    assert place_tone("2023") == "2023"


def test_normalize_document_cleans_paragraphs_and_every_cell_line():
    doc = Document("x.txt", "txt", [
        Paragraph(VARIANTS["old tone"], "line 1"),
        Table([Row([Cell([Line(VARIANTS["nfd"], "t1 l1"), Line(VARIANTS["soft hyphen in words"], "t1 l2")],
                         "c1")], "r1")],
              "table 1"),
    ])
    normalize_document(doc)
    assert doc.blocks[0].text == CANONICAL
    assert [ln.text for ln in doc.blocks[1].rows[0].cells[0].lines] == [CANONICAL, CANONICAL]


def test_fold_keeps_length_and_drops_marks():
    text = "Đạt tỉ lệ: 99,89%"
    assert fold(text) == "dat ti le: 99,89%"
    assert len(fold(text)) == len(text)


def test_strip_bullet_variants():
    for raw in ("- Số lớp", "+ Số lớp", "• Số lớp", "· Số lớp", "1. Số lớp", "a) Số lớp"):
        assert strip_bullet(raw) == "Số lớp"


def test_words_key():
    assert words("Số người còn mù chữ độ tuổi 15 – 60 tuổi:") == "so nguoi con mu chu do tuoi 15 60 tuoi"

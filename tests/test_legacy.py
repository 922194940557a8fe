import unicodedata

from extractor import legacy

# Every base letter × every tone, written from the TCVN 5712 (ABC) chart.
BASES = "aăâeêioôơuưy"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def all_letters():
    for base in BASES:
        for tone in TONES:
            yield unicodedata.normalize("NFC", base + tone)


def test_tcvn3_table_covers_every_letter_and_tone():
    inverse = {v: k for k, v in legacy.TCVN3_TO_UNICODE.items()}
    for letter in all_letters():
        if letter in "aeiouy":
            continue  # plain ASCII letters are themselves
        assert letter in inverse, letter
        assert legacy.tcvn3_to_unicode(inverse[letter]) == letter
    assert legacy.tcvn3_to_unicode("®") == "đ"


def test_tcvn3_sentence_and_caps_font():
    assert legacy.tcvn3_to_unicode("Sè liÖu b¸o c¸o") == "Số liệu báo cáo"
    assert legacy.tcvn3_to_unicode("b¸o c¸o", caps=True) == "BÁO CÁO"
    assert legacy.font_encoding(".VnTimeH") == "tcvn3" and legacy.is_caps_font(".VnTimeH")
    assert legacy.font_encoding("Times New Roman") is None


def test_vni_letters():
    assert legacy.vni_to_unicode("Baùo caùo") == "Báo cáo"
    assert legacy.vni_to_unicode("Soá lieäu") == "Số liệu"
    assert legacy.vni_to_unicode("Ñaït") == "Đạt"
    assert legacy.vni_to_unicode("ngöôøi") == "người"


def test_detection():
    assert legacy.detect_encoding("Sè liÖu b¸o c¸o kÕt qu¶ thùc hiÖn") == "tcvn3"
    assert legacy.detect_encoding("Số liệu báo cáo kết quả thực hiện") is None

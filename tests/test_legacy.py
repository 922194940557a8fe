import unicodedata

from extractor import legacy

# Every base letter × every tone, written from the TCVN 5712 (ABC) chart.
BASES = "aăâeêioôơuưy"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def all_letters():
    for base in BASES:
        for tone in TONES:
            yield unicodedata.normalize("NFC", base + tone)


# Reference charts, typed from the standards as code points, independent of the module's tables.
# Tone order of both charts' rows: none, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot).
CHART_TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]

# TCVN 5712:1993 (VN3, "ABC"): one byte per letter; None = the plain ASCII letter.
TCVN3_CHART = {
    "a": [None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9],
    "ă": [0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6],
    "â": [0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB],
    "e": [None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1],
    "ê": [0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6],
    "i": [None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE],
    "o": [None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4],
    "ô": [0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9],
    "ơ": [0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE],
    "u": [None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4],
    "ư": [0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9],
    "y": [None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE],
}
TCVN3_OTHERS = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# VNI-Windows: base letter + mark characters (lower-case marks; capitals take the capital marks).
VNI_TONE = ["", "ø", "û", "õ", "ù", "ï"]          # after a, e, i, o, u, y, ơ, ư
VNI_HAT_TONE = ["â", "à", "å", "ã", "á", "ä"]      # â ê ô: the hat and its tone in one mark
VNI_BREVE_TONE = ["ê", "è", "ú", "ü", "é", "ë"]    # ă: the breve and its tone in one mark
VNI_I = ["i", "ì", "æ", "ó", "í", "ò"]             # i with a tone is one character
VNI_OWN = {"ơ": "ô", "ư": "ö", "đ": "ñ"}


def vni_spelling(base: str, tone: int) -> str:
    """How VNI-Windows writes a lower-case base letter with a tone (index into CHART_TONES)."""
    if base in "âêô":
        return {"â": "a", "ê": "e", "ô": "o"}[base] + VNI_HAT_TONE[tone]
    if base == "ă":
        return "a" + VNI_BREVE_TONE[tone]
    if base == "i":
        return VNI_I[tone]
    if base == "y" and tone == 5:
        return "î"  # ỵ has its own code
    return VNI_OWN.get(base, base) + VNI_TONE[tone]


def vni_capital(spelling: str) -> str:
    """VNI capitals: every character of the spelling in its capital form (Ơ = "Ô", Ự = "ÖÏ")."""
    return spelling.upper()


def test_tcvn3_every_letter_and_tone_round_trips_against_the_chart():
    count = 0
    for base, codes in TCVN3_CHART.items():
        for tone, code in zip(CHART_TONES, codes, strict=True):
            letter = unicodedata.normalize("NFC", base + tone)
            typed = chr(code) if code is not None else base
            assert legacy.tcvn3_to_unicode(typed) == letter, (letter, hex(code or 0))
            # the "H" fonts draw the same code as the capital letter
            assert legacy.tcvn3_to_unicode(typed, caps=True) == letter.upper(), letter
            count += 1
    for letter, code in TCVN3_OTHERS.items():
        assert legacy.tcvn3_to_unicode(chr(code)) == letter
    assert count == 72  # 12 vowels × 6 tones
    word = "".join(chr(TCVN3_CHART[b][t]) if TCVN3_CHART[b][t] else b for b, t in [("ư", 0), ("ơ", 1)])
    assert legacy.tcvn3_to_unicode("ng" + word + "i") == "người"


def test_vni_every_letter_and_tone_round_trips_against_the_chart():
    count = 0
    for base in BASES:
        for index, tone in enumerate(CHART_TONES):
            letter = unicodedata.normalize("NFC", base + tone)
            spelling = vni_spelling(base, index)
            assert legacy.vni_to_unicode(spelling) == letter, (letter, spelling)
            assert legacy.vni_to_unicode(vni_capital(spelling)) == letter.upper(), (letter, spelling)
            # inside a word, between consonants
            assert legacy.vni_to_unicode("th" + spelling + "n") == "th" + letter + "n"
            count += 1
    assert count == 72
    assert legacy.vni_to_unicode("ñ") == "đ" and legacy.vni_to_unicode("Ñ") == "Đ"


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


def test_docx_mixing_legacy_and_unicode_runs_is_converted_run_by_run(tmp_path):
    """One paragraph typed in .VnTime, Times New Roman (Unicode), VNI-Times and .VnTimeH."""
    import docx

    from extractor.readers import read_document

    document = docx.Document()
    paragraph = document.add_paragraph()
    for text, font in [("B¸o c¸o ", ".VnTime"), ("kết quả ", "Times New Roman"), ("naêm hoïc ", "VNI-Times"),
                       ("x· héi häc tËp", ".VnTimeH")]:
        paragraph.add_run(text).font.name = font
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).paragraphs[0].add_run("Sè líp xãa mï ch÷:").font.name = ".VnTime"
    table.cell(0, 1).paragraphs[0].add_run("01").font.name = ".VnTime"
    path = tmp_path / "mixed.docx"
    document.save(path)

    text = read_document(path).full_text()
    assert "Báo cáo kết quả năm học XÃ HỘI HỌC TẬP" in text
    assert "Số lớp xóa mù chữ:" in text


def test_docx_paragraph_inherits_a_legacy_font_through_based_on_styles(tmp_path):
    """A paragraph without run fonts, in a style based on one set in .VnTime, is converted even
    when the styles part also holds numbering and table styles (which have no font of their own)."""
    import docx

    from extractor.readers import read_document

    document = docx.Document()
    legacy_style = document.styles.add_style("Legacy Body", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    legacy_style.font.name = ".VnTime"
    child = document.styles.add_style("Legacy Child", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    child.base_style = legacy_style
    document.add_paragraph("Sè líp xãa mï ch÷ trong n¨m", style="Legacy Child")
    for _ in range(5):
        document.add_paragraph("Báo cáo kết quả thực hiện nhiệm vụ xây dựng xã hội học tập năm 2023.")
    path = tmp_path / "styled.docx"
    document.save(path)

    assert any(s.type == docx.enum.style.WD_STYLE_TYPE.LIST for s in document.styles)
    assert "Số lớp xóa mù chữ trong năm" in read_document(path).full_text()

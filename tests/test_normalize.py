from extractor.normalize import clean, fold, strip_bullet, words


def test_clean_nfc_spaces_and_tone_placement():
    assert clean("Ho\u0300a\u00a0Bi\u0300nh\u200b") == "Hòa Bình"
    assert clean("thuỷ lợi  hoà") == "thủy lợi hòa"


def test_fold_keeps_length_and_drops_marks():
    text = "Đạt tỉ lệ: 99,89%"
    assert fold(text) == "dat ti le: 99,89%"
    assert len(fold(text)) == len(text)


def test_strip_bullet_variants():
    for raw in ("- Số lớp", "+ Số lớp", "• Số lớp", "· Số lớp", "1. Số lớp", "a) Số lớp"):
        assert strip_bullet(raw) == "Số lớp"


def test_words_key():
    assert words("Số người còn mù chữ độ tuổi 15 – 60 tuổi:") == "so nguoi con mu chu do tuoi 15 60 tuoi"

"""The scan package's geometry and second-reading rules, on synthetic pages and words (no Tesseract
needed)."""

from PIL import Image, ImageDraw

from extractor.readers.scan import layout, ocr, page
from extractor.readers.words import Word


def _page_with_rules(path, lean: float) -> None:
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    for y in range(300, 1900, 120):
        draw.rectangle((200, y, 1500, y + 3), fill=0)  # rules
        for x in range(260, 1200, 45):
            draw.rectangle((x, y + 40, x + 30, y + 70), fill=40)  # a "text line": letters with gaps
    image.rotate(lean, resample=Image.BICUBIC, fillcolor=255).save(path)


def test_a_leaning_page_is_straightened(tmp_path):
    path = tmp_path / "page.png"
    _page_with_rules(path, 0.7)
    straight, angle = page.straightened(path)
    assert abs(angle + 0.7) <= 0.11
    rules = layout.unify(page.rules(straight)["h"])
    assert len(rules) == 14  # every rule whole again, none broken by the lean


def test_moved_matches_how_pil_turns_a_page():
    image = Image.new("L", (400, 300), 255)
    ImageDraw.Draw(image).rectangle((300, 50, 304, 54), fill=0)
    turned = image.rotate(10, resample=Image.NEAREST, fillcolor=255)
    dark = [(x, y) for y in range(300) for x in range(400) if turned.getpixel((x, y)) < 128]
    xs, ys = zip(*dark, strict=True)
    dx, dy = page.moved(302, 52, 10, (200, 150))
    assert abs(302 + dx - sum(xs) / len(xs)) < 1.5 and abs(52 + dy - sum(ys) / len(ys)) < 1.5


def _word(text, left, top, right, bottom, conf=95.0):
    return Word(text, left, top, right, bottom, conf)


def _read_twice(text, conf, second, second_conf):
    """A word as the OCR cache keeps it: box, confidence, Tesseract's line id, then the second reading."""
    return [text, 0, 0, 40, 40, conf, "1.1.1", second, second_conf]


def test_second_reading_settles_a_word_only_when_sure():
    assert ocr.settled(_read_twice("“", 0.0, "01", 93.0)).text == "01"
    agreed = ocr.settled(_read_twice("145", 71.0, "145", 96.0))
    assert (agreed.text, agreed.conf) == ("145", 96.0)
    unsure = ocr.settled(_read_twice("l", 0.0, "`", 96.0))
    assert (unsure.text, unsure.conf) == ("l", 0.0)  # not a number: the low confidence stands
    weak = ocr.settled(_read_twice("0", 59.0, "01", 80.0))
    assert (weak.text, weak.conf) == ("0", 59.0)  # a second reading below REREAD_ACCEPT is not used
    once = ocr.settled(["7", 0, 0, 40, 40, 97.0, "1.1.1"])
    assert (once.text, once.conf, once.cx) == ("7", 97.0, 20.0)  # read once: as the OCR read it


def test_a_figure_broken_into_marks_is_joined_before_reading_again():
    words = [[":", 1404, 1100, 1428, 1137, 28.0, "7.1.8"], [":", 1435, 1101, 1452, 1138, 19.0, "7.1.9"],
             ["Có", 1500, 1100, 1560, 1138, 96.0, "7.1.9"]]
    ocr.join_pieces(words)
    assert [w[0] for w in words] == ["::", "Có"] and words[0][1:5] == [1404, 1100, 1452, 1138]


def test_lines_are_grouped_by_overlap_so_a_raised_asterisk_stays_on_its_line():
    words = [_word("*", 400, 1000, 420, 1015), _word("Có", 440, 1000, 500, 1040),
             _word("tổ", 520, 995, 560, 1040), _word("chức", 580, 998, 680, 1042),
             _word("Về", 440, 1060, 500, 1100)]
    lines = layout.group_lines(words)
    assert [" ".join(w.text for w in ws) for _, ws in lines] == ["* Có tổ chức", "Về"]


def test_values_that_drift_off_their_labels_are_not_aligned():
    items = [[100, 100, []], [160, 160, []], [220, 220, []]]
    level = [(102.0, ["a"]), (218.0, ["b"])]
    assert layout.aligned(level, items, tolerance=20) == [["a"], [], ["b"]]
    drifting = [(130.0, ["a"]), (190.0, ["b"])]  # half-way between labels
    assert layout.aligned(drifting, items, tolerance=20) is None


def test_a_rule_that_survives_only_in_part_still_closes_its_row():
    vertical = [[346, 598, 2944], [489, 613, 2944], [1197, 598, 2944], [1971, 603, 2945]]
    table = [[598, 351, 1977], [1142, 350, 1977]]
    partial = [1329, 511, 1020]  # faded except under the label column
    assert layout.linked(table, partial, vertical)
    short = [[346, 598, 1500], [489, 598, 1500]]
    assert not layout.linked(table, [2500, 351, 1977], short)  # the vertical rules end well above it


def test_specks_are_dropped_from_text_lines_but_bullets_kept():
    assert layout.speck(_word("ˆ", 0, 0, 10, 10, 88.0))
    assert layout.speck(_word("P", 0, 0, 10, 10, 0.0))
    assert not layout.speck(_word("-", 0, 0, 10, 10, 40.0))
    assert not layout.speck(_word("1", 0, 0, 10, 10, 96.0))


def test_confidence_of_a_line_is_that_of_its_figures():
    line = [_word("»", 0, 0, 10, 10, 19.0), _word("Số", 20, 0, 60, 10, 93.0),
            _word("4", 70, 0, 80, 10, 96.0)]
    assert layout.confidence(line) == 96.0
    assert layout.confidence([_word("Đạt", 0, 0, 10, 10, 70.0)]) == 70.0

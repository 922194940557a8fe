"""Value parsing: the ways reports write numbers, into numbers (or a status word, or nothing).

`01` → 1, `1.234` → 1234 (dot groups thousands), `99,89` → 99.89 (comma is the decimal mark),
`97,29%` → 97.29, `2.500.000 đồng` → 2500000, `00 người` and `Không` → 0, `Đạt` / `Chưa đạt`
stay words, and a blank, `-`, `x`, `…` or a row of dots is no value at all. Anything else
(two numbers, a number inside a sentence, a word we do not know) is `Unclear`: the caller sends
it to review instead of guessing, because a wrong number is worse than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.normalize import fold

STATUS_WORDS = {"dat": "Đạt", "chua dat": "Chưa đạt", "khong dat": "Chưa đạt"}
ZERO_WORDS = {"khong", "khong co", "chua co", "chua"}
BLANK = re.compile(r"^[\s\-–—_.…xX/]*$")
# A number: thousands groups with dots (1.234.567) optionally with a decimal comma, or plain
# digits with an optional decimal comma or dot.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?"
_NUMBER_RE = re.compile(rf"^(?:{NUMBER})$")
# Words that may follow a number as its unit ("150 người", "03 lớp", "2.500.000 đồng").
UNIT_WORDS = {
    "nguoi", "luot", "luot nguoi", "lop", "bai", "tin", "to", "cuon", "cai", "lan", "buoi",
    "co so", "tai lieu", "hoat dong", "trung tam", "don vi", "dong", "vnd", "d", "hoc sinh",
    "hs", "ban", "cuoc", "chiec", "bo", "phong su", "bai viet", "van ban", "ke hoach", "tt",
    "nguoi tham gia", "luot tham gia", "nghin dong", "trieu dong", "tram", "xa", "thon",
}
_SCALE = {"nghin dong": 1000, "trieu dong": 1_000_000}


@dataclass(frozen=True)
class Parsed:
    """A settled value: a number or a status word, and the unit word written after it."""

    value: float | int | str
    unit: str | None = None


@dataclass(frozen=True)
class Unclear:
    """Text that holds something but cannot be settled; `reason` says why, for the review list."""

    reason: str


def is_blank(text: str | None) -> bool:
    return text is None or bool(BLANK.match(text))


def to_number(token: str) -> int | float:
    """`1.234` → 1234, `99,89` → 99.89, `7.5` → 7.5 (a dot before 1-2 digits is a decimal point)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):
        token = token.replace(".", "").replace(",", ".")
    else:
        token = token.replace(",", ".")
    number = float(token)
    return int(number) if number.is_integer() and "." not in token else number


def parse_value(text: str | None, value_type: str = "count") -> Parsed | Unclear | None:
    """Parse one value cell or value text. None means blank (no value: emit nothing)."""
    if is_blank(text):
        return None
    raw = text.strip().strip(".;:,").strip()
    raw = re.sub(r"\s*\([^)]*\)\s*$", "", raw) or raw  # "99,89 % ( Vượt 5,77 % so năm 2012)"
    if is_blank(raw):
        return None
    key = " ".join(re.findall(r"[a-z0-9%]+|\d+", fold(raw)))
    if key in STATUS_WORDS:
        if value_type != "percent_or_status":
            return Unclear(f"status word '{raw}' where a number is expected")
        return Parsed(STATUS_WORDS[key])
    if key in ZERO_WORDS:
        return Parsed(0)
    # The number ends where no digit follows: "1.0442" is not "1.044" with a unit "2" (a doubled
    # digit or a misplaced dot), it is read whole and judged whole.
    match = re.fullmatch(rf"({NUMBER})(?![.,]?\d)\s*(%?)\s*(.*)", raw)
    if not match:
        return Unclear(f"not a number: '{raw}'")
    number_text, percent, rest = match.groups()
    number = to_number(number_text)
    rest_key = " ".join(re.findall(r"[a-z%]+", fold(rest)))
    if rest_key.startswith("%"):
        percent, rest_key = "%", rest_key.lstrip("% ").strip()
    if rest_key and rest_key not in UNIT_WORDS:
        return Unclear(f"number with extra text: '{raw}'")
    if rest_key in _SCALE:
        number = number * _SCALE[rest_key]
    if value_type == "count" and isinstance(number, float) and not percent:
        return Unclear(f"fraction where a count is expected: '{raw}'")
    unit = "%" if percent else (rest.strip() or None)
    return Parsed(number, unit)


def numbers_in(text: str) -> list[str]:
    """Every number written in `text`, as written (for counting values in a cell)."""
    return re.findall(NUMBER, text)

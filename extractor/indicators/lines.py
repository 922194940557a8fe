"""Values written as "label: value" lines: in the body (narrative) and inside a label cell (inline).

  narrative  "- Tổng dân số độ tuổi từ 15-60 là 221.988 người; miễn giảm: 864 người"
  inline     "Số bài viết: 05; Số tin: 12" in a table's label cell, or one such line of it

The separator is a colon or any connector of sentences.yaml ("là", "đạt", …); a line holding
several pairs is cut at ";" and at bullets inside it.
"""

from __future__ import annotations

import re

from extractor.indicators.labels import pair
from extractor.indicators.state import Reading
from extractor.sentences import split_label_value
from extractor.values import is_blank, numbers_in

_INLINE = re.compile(r"^(?P<label>[^:：]{3,}?)\s*[:：]\s*(?P<value>.*)$")
_PART_SPLIT = re.compile(r";\s*|\s[*+•▪–-]\s+(?=[A-ZĐÀ-Ỹ])")


def read_pairs(reading: Reading, pairs: list[tuple[str, str]], location: str, method: str,
               confidence: float | None, quiet: bool = False) -> None:
    """Store the (label, value) pairs of one line, each matched on its own."""
    for label, value in pairs:
        pair(reading, label, [("value", value, location)], location, method, quiet=quiet,
             confidence=confidence)


def read_parts(reading: Reading, text: str, location: str, confidence: float | None) -> None:
    """A label cell holding "label: value" parts: each part is a pair, or a heading opening a group."""
    for part in parts(text):
        found = split_pair(part)
        if not found:
            reading.open_heading(part)
            continue
        read_pairs(reading, [found], location, "inline", confidence)


def parts(text: str) -> list[str]:
    """Cut a line at ";" and at bullets inside it ("… HTSĐ + Cấp huyện: 00 * Số bài: 05"),
    which is how flattened exports run a cell's paragraphs together."""
    return [p.strip() for p in _PART_SPLIT.split(text) if p and p.strip()]


def split_pair(part: str) -> tuple[str, str] | None:
    """One "label: value" or "label là value" (any connector of sentences.yaml) as (label, value)."""
    match = _INLINE.match(part)
    if match:
        if re.search(r"\d{1,2}/\d{1,2}/\d{4}$", match.group("label")):
            return None
        return match.group("label"), match.group("value").strip()
    return split_label_value(part)


def segments(text: str) -> list[tuple[str, str]]:
    """Split "label: value; label là value" into pairs; [] when the text holds no such pair."""
    return [found for part in parts(text) if (found := split_pair(part))]


def has_inline_value(text: str) -> bool:
    """The line carries a value of its own ("Số bài: 05")."""
    return any(not is_blank(v) for _, v in segments(text))


def has_number(text: str) -> bool:
    """A pair of the line holds a number: such a line is never a heading."""
    return any(numbers_in(v) for _, v in segments(text))

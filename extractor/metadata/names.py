"""Cutting a unit's name out of the words after its level word, with the register's help.

Letterheads and sentences run the next words on into a name ("UBND HUYỆN NAM ĐÀN PHÒNG GIÁO
DỤC …"), break a word over two lines ("QUẢNG N" / "AM") and leave OCR debris after it
("THƯỢNG NINH N"). The register of administrative units says where a known name ends; a name it
does not know ends at the next level word or line end, and is taken only when it is short and
all letters (`clean_name`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractor import register
from extractor.normalize import fold

# Level words, compared with their diacritics ("tỉnh" is a level, "Tĩnh" a name) unless the
# whole text was typed without them.
LEVEL_PHRASES = ["thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường"]
ACCENTED = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                      re.IGNORECASE)
# A trailing letter or number that is part of a name ("Tân Phú A", "Phường 4").
SUFFIX = re.compile(r"^(?:[abcd]|\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Org:
    """A unit a letterhead or a sentence names: its level, its name's words (as written, lower
    case) and whether the register knows a unit of that level and name."""

    level: str
    name: tuple[str, ...]
    known: bool

    @property
    def key(self) -> str:
        return fold(" ".join(self.name))


def has_diacritics(text: str) -> bool:
    """False for a text typed without accents (then level words are compared without them too)."""
    sample = text[:20000]
    letters = sum(n for ch, n in Counter(sample).items() if ch.isalpha())
    return not letters or len(ACCENTED.findall(sample)) > 0.02 * letters


def phrase_at(tokens: list[str], i: int, phrases: list[str], accents: bool) -> str | None:
    """The phrase of `phrases` that `tokens` spell from index i (without accents if the text has none)."""
    for phrase in phrases:
        parts = phrase.split()
        found = tokens[i:i + len(parts)]
        if found == parts or (not accents and [fold(t) for t in found] == [fold(p) for p in parts]):
            return phrase
    return None


def cut_name(tokens: list[str], j: int, k: int, ends: set[int], level: str, accents: bool) -> tuple[Org, int]:
    """The unit name in tokens[j:k] and how many tokens it used: the longest one the register
    knows, else up to the next level word.

    `ends` holds the token indexes before which a line ends. A word split by a line break
    ("QUẢNG N" / "AM") is joined again when that makes a known name; a letter A-D or a number
    right after a known name and before the line's end belongs to it.
    """
    span = tokens[j:k]
    for n in range(len(span), 0, -1):
        if register.is_known(" ".join(span[:n]), level):
            if n < len(span) and SUFFIX.match(fold(span[n])) and (j + n + 1 in ends or n + 1 == len(span)):
                longer = tuple(span[:n + 1])
                return Org(level, longer, register.is_known(" ".join(longer), level)), n + 1
            return Org(level, tuple(span[:n]), True), n
    for n in range(len(span) - 1):  # a word an export broke over two lines
        if j + n + 1 in ends:
            glued = span[:n] + [span[n] + span[n + 1]]
            for m in range(len(glued), 0, -1):
                if register.is_known(" ".join(glued[:m]), level):
                    return Org(level, tuple(glued[:m]), True), min(m + 1, len(span)) if m == len(glued) else m
    name: list[str] = []
    for n, token in enumerate(span):
        if n and (phrase_at(span, n, LEVEL_PHRASES, accents) or j + n in ends):
            break
        name.append(token)
    name = name[:5]
    while len(name) > 1 and len(name[-1]) == 1 and not SUFFIX.match(fold(name[-1])):
        name.pop()  # OCR debris after the name ("THƯỢNG NINH N")
    return Org(level, tuple(name), False), max(1, len(name))


def title_words(raw: str) -> list[str]:
    """The leading words of `raw` that make a proper name: capitalised, a number, or a letter A-D."""
    out = []
    for word in re.findall(r"[\w'’-]+", raw):
        if word[:1].isupper() or word.isdigit() or (out and SUFFIX.match(fold(word))):
            out.append(word)
        else:
            break
    return out[:5]


def clean_name(org: Org) -> bool:
    """A name the register does not know is still taken when it is short and all letters."""
    return 1 <= len(org.name) <= 4 and all(re.fullmatch(r"[^\W\d_][\w'’-]*|\d{1,2}", t) for t in org.name)

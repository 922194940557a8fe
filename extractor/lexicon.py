"""Which fragments of text are Vietnamese words: syllables and the abbreviations reports use.

A PDF breaks a word that does not fit a narrow cell ("TTHTC" / "Đ", "Trung tâ" / "m"), and
glyph positions alone cannot tell that break from an ordinary one between two words ("Trung" /
"tâm"). The language can: two fragments belong together when joined they make a syllable (or
a known abbreviation) and apart they do not both make words. Syllables come from underthesea's
Viet74K word list, read from the installed package without importing it (a spot-check should
not pay for the NLP stack it does not use).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

_LETTERS = re.compile(r"^([^\W\d_]+)(.*)$")


@lru_cache(maxsize=1)
def entries() -> frozenset[str]:
    """The word list's entries, lower case: syllables and words of several syllables ("khuyến nông")."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip())


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    return frozenset(s for entry in entries() for s in entry.split())


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from extractor.patterns import default_catalogue

    return frozenset(default_catalogue().abbreviations)


def is_word(token: str) -> bool:
    """A syllable, a known abbreviation (or several joined by "&": "TH&THCS"), or a number."""
    if "&" in token:
        return all(part and is_word(part) for part in token.split("&"))
    if len(token) > 1 and token.isupper():  # in capitals: an abbreviation or nothing ("CS" is no word)
        return token in _abbreviations()
    return token.isdigit() or token.lower() in syllables() or token in _abbreviations()


def completes(left: str, right: str) -> bool:
    """True when `left` and the letters that start `right` join into a word (a syllable, or a known
    abbreviation: "TTHTC" + "Đ"), whether or not the halves are words too ("ngư" + "ời")."""
    head = _LETTERS.match(right)
    if not head or not re.fullmatch(r"[^\W\d_]+(?:&[^\W\d_]*)*", left) or not syllables():
        return False
    letters = head.group(1)
    last = left.rsplit("&", 1)[-1]
    return is_word(left + letters) or bool(last and "&" in left and is_word(last + letters))


def belong_together(left: str, right: str, following: str = "") -> bool:
    """True when `left` and the letters that start `right` are the two halves of one broken word.

    Halves that are words themselves ("Khu" / "yến") are joined only when the word list knows the
    joined word with the next one ("khuyến nông") and not the two halves as a word.
    """
    if not completes(left, right):
        return False
    letters = _LETTERS.match(right).group(1)
    joined = left + letters
    if not (is_word(left) and is_word(letters)):
        return True
    nxt = following.split()[0].lower() if following.split() else ""
    return bool(nxt) and (f"{joined.lower()} {nxt}" in entries()
                          and f"{left.lower()} {letters.lower()}" not in entries())


__all__ = ["belong_together", "completes", "entries", "is_word", "syllables"]

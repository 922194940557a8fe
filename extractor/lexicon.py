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
def syllables() -> frozenset[str]:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(path.read_text(encoding="utf-8").lower().split())


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from extractor.patterns import default_catalogue

    return frozenset(default_catalogue().abbreviations)


def is_word(token: str) -> bool:
    """A syllable, a known abbreviation, or a number."""
    return token.isdigit() or token.lower() in syllables() or token in _abbreviations()


def belong_together(left: str, right: str) -> bool:
    """True when `left` and the letters that start `right` are the two halves of one broken word."""
    head = _LETTERS.match(right)
    if not head or not left.isalpha() or not syllables():
        return False
    letters = head.group(1)
    return is_word(left + letters) and not (is_word(left) and is_word(letters))


__all__ = ["belong_together", "is_word", "syllables"]

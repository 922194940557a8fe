"""Text normalisation: one canonical Unicode form, and a diacritic-folded form for matching.

Reports arrive as NFC or NFD Unicode, with non-breaking and zero-width spaces, with the old
("hoà", "thuỷ") or new ("hòa", "thủy") tone placement, and sometimes typed without accents.
`clean` makes text canonical for storage and display; `fold` makes a key that compares equal
across all of those variants. `fold` maps character for character, so a position found in the
folded text is the same position in the cleaned text (used to cut raw values out of prose).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Vowel clusters whose tone mark moved between the old and new orthography (oà/òa, uỷ/ủy, oẻ/ỏe).
_OLD_TONE = re.compile(r"[oóòỏõọ][aàáảãạeèéẻẽẹ]|[uúùủũụ][yýỳỷỹỵ]", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-+*•·●○◦▪■□➢➤►✓–—…]+|\(?[0-9]{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}[.)])\s*")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]{1,4}\.|[A-Z]\.)\s+")


def clean(text: str) -> str:
    """NFC, no invisible characters, one space between words, old tone placement modernised."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _SPACES.sub(" ", text).strip()
    if _OLD_TONE.search(text):
        text = " ".join(_fix_tone(word) for word in text.split(" "))
    return text


@lru_cache(maxsize=8192)
def _fix_tone(word: str) -> str:
    """Move a tone mark to its modern place with underthesea, one word at a time.

    underthesea's `text_normalize` re-tokenises whole sentences (it spaces out punctuation),
    so it is applied to the letters of single words only and the punctuation is kept as is.
    """
    if not _OLD_TONE.search(word):
        return word
    match = re.match(r"^(\W*)(\w+)(\W*)$", word)
    if not match:
        return word
    from underthesea import text_normalize  # heavy import: paid only when a word needs it

    head, core, tail = match.groups()
    fixed = text_normalize(core)
    if " " in fixed or fold(fixed) != fold(core):
        return word
    return head + fixed + tail


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch


def fold(text: str) -> str:
    """Lower case without diacritics, same length as `text` (for NFC input)."""
    return "".join(_fold_char(ch) for ch in text)


def strip_bullet(text: str) -> str:
    """Remove a leading bullet or list number ("- ", "+ ", "• ", "1. ", "a) ")."""
    previous = None
    while previous != text:
        previous = text
        text = _BULLET.sub("", text, count=1)
    return text.strip()


def strip_numbering(text: str) -> str:
    """Remove section numbering such as "4.1.1." or "II." from a heading."""
    return _NUMBERING.sub("", text, count=1).strip()


def words(text: str) -> str:
    """Folded text reduced to letters and digits separated by single spaces: a matching key."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def has_bullet(text: str) -> bool:
    return bool(re.match(r"^\s*[-+*•·●○◦▪■□➢➤►✓–—]", text))

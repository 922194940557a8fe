"""Vietnamese syllables that the OCR ran together ("Kếhoạch", "Nộidung") set apart again.

Vietnamese writes one syllable a word. Tesseract sometimes misses the narrow space after an
accented letter and gives two syllables as one word; the label then no longer matches its heading
or column wording. A word is split only when it is no syllable of the word list (`lexicon`), falls
entirely into two to four of its syllables, and carries a Vietnamese letter (so "online" or "HTSĐ"
stay as they are). Where a consonant could end one syllable or open the next ("chủtrì": "chủ trì"
or "chủt rì"), the cut whose syllables make a word of the list wins.
"""

from __future__ import annotations

import unicodedata

from extractor.lexicon import entries, syllables
from extractor.readers.words import Word

_PLAIN = set("abcdefghijklmnopqrstuvwxyz")
_PUNCTUATION = ".,;:!?)(\"'“”"


def split_run_together(word: Word) -> list[Word]:
    """The word, or the syllables it ran together, each with its share of the box."""
    text = word.text
    core = text.strip(_PUNCTUATION)
    lower = unicodedata.normalize("NFC", core).lower()
    known = syllables()
    if (not core or len(lower) != len(core) or lower in known or not set(lower) - _PLAIN
            or not lower.isalpha()):
        return [word]
    parts = _best_cut(lower, known)
    if not parts or not 2 <= len(parts) <= 4:
        return [word]
    lead = text[:text.index(core)]
    pieces, at = [], 0
    for part in parts:
        pieces.append(core[at:at + len(part)])
        at += len(part)
    pieces[0], pieces[-1] = lead + pieces[0], pieces[-1] + text[len(lead) + len(core):]
    width = (word.right - word.left) / len(text)
    out, left = [], word.left
    for piece in pieces:
        right = left + width * len(piece)
        out.append(Word(piece, round(left), word.top, round(right), word.bottom, word.conf))
        left = right
    return out


def _best_cut(text: str, known: frozenset[str]) -> list[str] | None:
    """`text` cut into known syllables, a cut that makes a known word first; None if it cannot be."""
    cuts = list(_cuts(text, known))
    if not cuts:
        return None
    words = entries()
    return min(cuts, key=lambda parts: (" ".join(parts) not in words, len(parts)))


def _cuts(text: str, known: frozenset[str]):
    """Every way of cutting `text` into known syllables, longer first syllables first."""
    if not text:
        yield []
        return
    for end in range(min(len(text), 8), 0, -1):
        if text[:end] in known and _has_vowel(text[:end]):
            for rest in _cuts(text[end:], known):
                yield [text[:end], *rest]


def _has_vowel(syllable: str) -> bool:
    """A syllable has a vowel at its heart; the word list also holds lone letters ("c", "đ")."""
    return any(unicodedata.normalize("NFD", ch)[0] in "aeiouy" for ch in syllable)

"""Text normalisation: one canonical Unicode form, and a diacritic-folded form for matching.

Reports arrive as NFC or NFD Unicode, with non-breaking, zero-width and soft-hyphen characters
inside words, with either tone placement ("hoà"/"hòa", "thuỷ"/"thủy", "qúy"/"quý"), and
sometimes typed without accents. `clean` makes text canonical for storage and display, and
`normalize_document` applies it to every piece of a read document: it is the one path every
reader's output goes through before extraction. `fold` makes a key that compares equal across
all of those variants; it maps character for character, so a position found in the folded text
is the same position in the cleaned text (used to cut raw values out of prose).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from extractor.model import Document, Paragraph

# Zero-width characters, the soft hyphen, word joiners and BOMs: invisible, never meaningful.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\ufeff\u180e"), None)
_HAS_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\ufeff\u180e]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]|  ")  # what _SPACES would change
# "TTHTCĐ , Đoàn": a PDF's glyph spacing sets a mark apart; no Vietnamese text spaces before one
_SPACE_BEFORE_MARK = re.compile(r"(?<=\w) ([,;!?)])")
_SPACED_MARKS = (" ,", " ;", " !", " ?", " )")
_BULLET = re.compile(r"^\s*(?:[-+*•·●○◦▪■□➢➤►✓–—…]+|\(?[0-9]{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}[.)])\s*")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]{1,4}\.|[A-Z]\.)\s+")

# ---- tone placement -------------------------------------------------------------------------
# The five tone marks as combining characters; vowel letters with their quality marks (â, ơ…)
# stay precomposed once a tone is lifted off with NFD + recomposition.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_MARKED = set("ăâêôơưĂÂÊÔƠƯ")
# The places where the two spellings differ: the tone on the a/e of a final oa/oe or the y of a
# final uy ("hoà", "khoẻ", "thuỷ"), on the u of qu ("qúy"), on the i of gi ("gìa"). Only a word
# with one of these is re-placed, so canonical text is left untouched at no cost.
_MISPLACED = re.compile(r"\w*(?:o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ])(?!\w)|\w*(?:q[ùúủũụ]|(?<!\w)g[ìíỉĩị])[aeiouy]\w*",
                        re.IGNORECASE)
# The same places without the rest of the word: found by a scan far cheaper than the one above.
_MAYBE_MISPLACED = re.compile(r"o[àáảãạèéẻẽẹ](?!\w)|u[ỳýỷỹỵ](?!\w)|q[ùúủũụ][aeiouy]|(?<!\w)g[ìíỉĩị][aeiouy]",
                              re.IGNORECASE)


def canonical(value):
    """Every text in a value (a string, or lists and mappings of them) in NFC: stored text shown as
    it was stored, but with each tone mark on its letter (a decomposed source once stored its
    context with the marks beside the letters, and a page shows them so)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value


def clean(text: str) -> str:
    """NFC, no invisible characters, one space between words, tones placed as the register writes them.

    Each rewrite runs only where a quick test finds something for it to do: most text is
    already clean, and this runs on every line of every document."""
    text = unicodedata.normalize("NFC", text)
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    if _ODD_SPACES.search(text):
        text = _SPACES.sub(" ", text)
    text = text.strip()
    if any(pair in text for pair in _SPACED_MARKS):
        text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    if _MAYBE_MISPLACED.search(text):
        text = _MISPLACED.sub(lambda m: place_tone(m.group(0)), text)
    return text


@lru_cache(maxsize=16384)
def place_tone(word: str) -> str:
    """Put the tone mark of one Vietnamese word on the vowel the modern spelling uses.

    Rules (the ones the register of administrative units follows: "Hòa", "Thủy", "Quý"):
    a vowel with a quality mark (â ê ô ơ ư ă) takes the tone, the last one if several ("ườ");
    otherwise, with a final consonant the last vowel takes it ("hoàng"); at the end of the word
    the middle of three vowels ("hoài") or the first of two ("hòa", "thủy", "mùa"). The "u" of
    "qu" and the "i" of "gi" before a vowel are consonants. A word that is not shaped like a
    Vietnamese syllable is returned unchanged.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    start = next((i for i, ch in enumerate(bare) if ch in _VOWELS), None)
    if start is None:
        return word
    end = start
    while end < len(bare) and bare[end] in _VOWELS:
        end += 1
    if any(ch in _VOWELS for ch in bare[end:]) or not bare[:start].isalpha() and start:
        return word  # two vowel groups or digits: not one syllable
    onset = bare[:start].lower()
    if end - start > 1 and ((onset == "q" and bare[start] in "uU") or (onset == "g" and bare[start] in "iI")):
        start += 1
    cluster = range(start, end)
    marked = [i for i in cluster if bare[i] in _MARKED]
    if marked:
        target = marked[-1]
    elif end < len(bare):
        target = end - 1
    elif end - start == 3:
        target = start + 1
    else:
        target = start
    fixed = bare[: target + 1] + tones[0] + bare[target + 1:]
    return unicodedata.normalize("NFC", fixed)


def normalize_document(document: Document) -> Document:
    """Clean every paragraph, cell line and location of a read document, in place; returns it.

    Readers hand over text as the file holds it; this is the single place where it becomes
    canonical, so a variant spelling can never reach one reader's output and not another's.
    """
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = clean(block.text)
            continue
        for row in block.rows:
            for cell in row.cells:
                for line in cell.lines:
                    line.text = clean(line.text)
    return document


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch


# Every Latin letter a report can hold (ASCII, Latin-1, Latin Extended, Vietnamese) → its folded
# letter; one character for one, so `fold` keeps positions.
_FOLD = {code: _fold_char(chr(code)) for code in [*range(0x41, 0x5B), *range(0xC0, 0x250),
                                                  *range(0x1E00, 0x1F00)]}


def fold(text: str) -> str:
    """Lower case without diacritics, same length as `text` (for NFC input)."""
    return text.translate(_FOLD)


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


# The Vietnamese alphabet in its order (đ after d, ă â after a, …), the other Latin letters where
# the Latin alphabet puts them; and the tones in the order dictionaries list them.
_ALPHABET = {letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONE_ORDER = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key that sorts names as a Vietnamese reader expects ("Bắc" < "Bình" < "Dĩ" < "Đắk"):
    letters in the Vietnamese alphabet's order, capitals and tones ignored but for ties, where a
    name without a tone comes first. Digits come before letters; other signs before both."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", clean(text).lower()):
        if char in _TONE_ORDER and letters:
            tones[-1] = _TONE_ORDER[char]
        elif unicodedata.combining(char) and letters:  # a breve, circumflex or horn: another letter
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        else:
            letters.append(char)
            tones.append(0)
    ranked = tuple(100 + _ALPHABET[c] if c in _ALPHABET else 1 + int(c) if c.isdigit() and c.isascii()
                   else 0 for c in letters)
    return ranked, tuple(tones)


def collate(a: str, b: str) -> int:
    """`collation_key` as an SQLite collation (`conn.create_collation("vi", collate)`)."""
    key_a, key_b = collation_key(a), collation_key(b)
    return (key_a > key_b) - (key_a < key_b)


def has_bullet(text: str) -> bool:
    return bool(re.match(r"^\s*[-+*•·●○◦▪■□➢➤►✓–—]", text))

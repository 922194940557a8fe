"""How counts and names appear in messages to people.

One place for both, so every message says "1 file" and "2 files" (not "1 warnings"), and no file
name, however it was made, can break a line, move the cursor or recolour the terminal it is
printed on.
"""

from __future__ import annotations

import unicodedata

# Control characters, invisible format characters (bidi overrides among them), lone surrogates (bytes
# of a file name that are not UTF-8) and line/paragraph separators: each is written as its escape.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` with the noun in agreement: count(1, "file") is "1 file", count(2, "file") is "2 files";
    nouns that do not take an "s" give their plural (count(2, "activity", "activities"))."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def printable(text: str) -> str:
    """`text` with every unsafe character written as its Python escape (\\n, \\x1b, \\u202e, \\udcff).

    A file name may hold any character but "/" and NUL; printed raw, a newline forges a second log
    line, an escape sequence recolours or clears the terminal, and a lone surrogate cannot be
    encoded at all. Letters, marks and spaces (Vietnamese names) are kept as they are.
    """
    if text.isprintable():
        return text
    return "".join(_escaped(ch) if unicodedata.category(ch) in UNSAFE_CATEGORIES else ch for ch in text)


def _escaped(ch: str) -> str:
    return ch.encode("unicode_escape").decode("ascii")

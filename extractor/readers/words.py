"""The word both PDF readers lay out: its text, its box on the page and, from OCR, its confidence.

pdfplumber (points, born-digital PDF) and Tesseract (pixels, scanned page) both give words with
boxes; lines, cells and columns are rebuilt from those boxes, so one word type serves both readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    conf: float | None = None  # the OCR's confidence (0–100); None for a text layer's word
    cx: float = field(init=False)  # the centre decides which cell a word is in
    cy: float = field(init=False)

    def __post_init__(self) -> None:
        self.cx, self.cy = (self.left + self.right) / 2, (self.top + self.bottom) / 2


def split_at_gaps(line: list[Word], gap: float) -> list[list[Word]]:
    """A visual line (sorted left to right) cut wherever the space between two words is wider than
    `gap`: the letterhead's two columns ("TRUNG TÂM HTCĐ XÃ CHÂN" … "Độc lập - Tự do") must not
    run into one another."""
    parts = [[line[0]]]
    for word in line[1:]:
        if word.left - parts[-1][-1].right > gap:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts

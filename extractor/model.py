"""The document model every reader yields: paragraphs and tables in reading order.

Readers differ wildly (Word XML, PDF glyphs, text exports, OCR word boxes); everything after
them must not care. So a reader's only job is to produce a `Document` whose pieces each carry a
`location` a person can use to find the value in the original file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    """One logical line of text (a Word paragraph, a PDF text line, a text-export line)."""

    text: str
    location: str
    confidence: float | None = None  # OCR word confidence (0-100) when the line was OCR'd
    box: tuple[int, int, int, int] | None = None  # OCR: left, top, right, bottom on the straightened page


@dataclass(slots=True)
class Cell:
    """A table cell: its lines in order, blank lines kept (they align values with labels)."""

    lines: list[Line]
    location: str
    col: int = 0  # grid column where the cell starts (merged cells are read once)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def nonblank(self) -> list[Line]:
        return [line for line in self.lines if line.text.strip()]


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    location: str


@dataclass(slots=True)
class Table:
    rows: list[Row]
    location: str
    page: int | None = None


@dataclass(slots=True)
class Paragraph:
    text: str
    location: str
    confidence: float | None = None
    style: str = ""
    box: tuple[int, int, int, int] | None = None  # as Line.box


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    """A read document: blocks in reading order plus what the reader learnt about the file."""

    path: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "converted from TCVN3", "OCR"
    method: str = "text"  # how text was obtained: text, ocr (of some pages or all), converted
    ocr_pages: tuple[int, ...] = ()  # the pages read by OCR (a PDF's pages without a text layer)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def full_text(self) -> str:
        """All text in reading order, one line per line, for metadata search and full-text indexes."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            else:
                for row in block.rows:
                    out.append("\t".join(" / ".join(ln.text for ln in c.lines) for c in row.cells))
        return "\n".join(out)

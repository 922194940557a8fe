"""Word (.docx) reader: paragraphs and tables in body order, straight from the XML.

python-docx's `row.cells` repeats a merged cell once per grid column it spans, which would read
a value twice; so rows are walked as their `w:tc` elements: a horizontally merged cell is read
once (at its first grid column), a vertically merged continuation is an empty cell. Runs typed
in legacy fonts (.VnTime, VNI-Times) are converted run by run, so mixed documents come out whole.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

from extractor import legacy
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.readers import ReadError

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a zip bomb expands far beyond this


def read(path: Path) -> Document:
    _check_zip(path)
    word = docx.Document(str(path))
    reader = _Reader(word)
    reader.walk(word.element.body)
    document = Document(path=str(path), format="docx", blocks=reader.blocks)
    if reader.legacy_runs:
        document.notes.append(f"converted {reader.legacy_runs} runs from legacy fonts")
        document.method = "converted"
    else:
        _convert_by_statistics(document)
    _drop_soft_hyphens(document)  # what conversion did not turn into "ư" was a hyphenation hint
    return document


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "word/document.xml" not in names:
                raise ReadError("not a Word document (zip without word/document.xml)")
            if archive.getinfo("word/document.xml").flag_bits & 0x1:
                raise ReadError("encrypted Word document")
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_UNCOMPRESSED:
                raise ReadError(f"refused: expands to {total // (1024 * 1024)} MiB (zip bomb?)")
            with archive.open("word/document.xml") as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ReadError("refused: Word XML declares a DTD or entities (entity expansion attack?)")
    except zipfile.BadZipFile as exc:
        raise ReadError(f"corrupt Word file: {exc}") from exc


class _Reader:
    def __init__(self, word):
        self.blocks: list = []
        self.paragraphs = 0
        self.tables = 0
        self.legacy_runs = 0
        self.style_fonts = _style_fonts(word)

    def walk(self, container) -> None:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraphs += 1
                for i, text in enumerate(self.paragraph_lines(child)):
                    if text.strip():
                        suffix = f".{i + 1}" if i else ""
                        self.blocks.append(Paragraph(text, f"paragraph {self.paragraphs}{suffix}",
                                                     style=self._style(child)))
            elif child.tag == qn("w:tbl"):
                self.tables += 1
                self.table(child, f"table {self.tables}")
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.walk(content)

    def table(self, tbl, location: str) -> None:
        rows: list[Row] = []
        nested: list = []
        for r, tr in enumerate(tbl.findall(qn("w:tr")), 1):
            cells, col = [], 0
            for c, tc in enumerate(_cells_of(tr), 1):
                span = _int_attr(tc, "w:tcPr/w:gridSpan") or 1
                where = f"{location}, row {r}, cell {c}"
                lines: list[Line] = []
                if not _is_merge_continuation(tc):
                    for child in tc.iterchildren():
                        if child.tag == qn("w:p"):
                            lines += [Line(t, f"{where}, line {len(lines) + 1}")
                                      for t in self.paragraph_lines(child)]
                        elif child.tag == qn("w:tbl"):
                            nested.append(child)
                cells.append(Cell(lines, where, col))
                col += span
            rows.append(Row(cells, f"{location}, row {r}"))
        self.blocks.append(Table(rows, location))
        for i, inner in enumerate(nested, 1):
            self.table(inner, f"{location}.{i}")

    def paragraph_lines(self, p) -> list[str]:
        """A paragraph's text, split at manual line breaks, legacy runs converted."""
        style_font = self.style_fonts.get(self._style(p))
        parts: list[str] = []
        for run in p.iter(qn("w:r")):
            font = _run_font(run) or style_font
            encoding = legacy.font_encoding(font)
            text = []
            for node in run.iterchildren():
                if node.tag == qn("w:t"):
                    text.append(node.text or "")
                elif node.tag == qn("w:tab"):
                    text.append("\t")
                elif node.tag in (qn("w:br"), qn("w:cr")):
                    text.append("\n")
                elif node.tag == qn("w:softHyphen"):
                    # LibreOffice writes TCVN3's "ư" (0xAD, the soft-hyphen byte) as this element
                    text.append("\xad")
            chunk = "".join(text)
            if encoding and chunk.strip():
                self.legacy_runs += 1
                chunk = legacy.convert(chunk, encoding, caps=legacy.is_caps_font(font))
            parts.append(chunk)
        return "".join(parts).split("\n")

    @staticmethod
    def _style(p) -> str:
        node = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        return node.get(qn("w:val"), "") if node is not None else ""


def _cells_of(tr):
    for child in tr.iterchildren():
        if child.tag == qn("w:tc"):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from content.findall(qn("w:tc"))


def _int_attr(el, path: str) -> int | None:
    node = el.find("/".join(qn(p) for p in path.split("/")))
    if node is None:
        return None
    try:
        return int(node.get(qn("w:val")))
    except (TypeError, ValueError):
        return None


def _is_merge_continuation(tc) -> bool:
    node = tc.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
    return node is not None and node.get(qn("w:val"), "continue") == "continue"


def _run_font(run) -> str | None:
    fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    if fonts is None:
        return None
    return fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))


def _style_fonts(word) -> dict[str, str]:
    """Paragraph style id → font name, following `based on` (runs without a font inherit it)."""
    out: dict[str, str] = {}
    try:
        for style in word.styles:
            font, current = None, style
            while current is not None and font is None:
                font = getattr(current.font, "name", None)
                current = current.base_style
            if font:
                out[style.style_id] = font
    except (AttributeError, KeyError, ValueError):
        return out
    return out


def _convert_by_statistics(document: Document) -> None:
    """Legacy text whose font is not named on the runs: detect it from character statistics."""
    encoding = legacy.detect_encoding(document.full_text())
    if not encoding:
        return
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = legacy.convert(block.text, encoding)
        else:
            for row in block.rows:
                for cell in row.cells:
                    for line in cell.lines:
                        line.text = legacy.convert(line.text, encoding)
    document.notes.append(f"converted from {encoding} (detected from characters)")
    document.method = "converted"


def _drop_soft_hyphens(document: Document) -> None:
    """In Unicode text a soft hyphen is only a hyphenation hint: remove it."""
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = block.text.replace("\xad", "")
        else:
            for row in block.rows:
                for cell in row.cells:
                    for line in cell.lines:
                        line.text = line.text.replace("\xad", "")

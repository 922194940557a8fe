"""Text-export reader (.txt): the export styles seen in real archives, turned into tables.

* "cells" style: a table cell starts with a tab-indented line; its further paragraphs follow
  as plain lines (blank lines kept, they align values with labels, also at the end of a cell
  that is not its row's last). The header row fixes how
  many cells a row has; a row that has them all ends, and a plain line after a blank line at
  a row's end is body text again.
* "rows" style: each table row is one line with tab-separated cells.
* Markdown pipe tables and HTML fragments (<b>, <li>, <br>) left by PDF converters.

The encoding is detected: UTF-8 (with or without BOM), UTF-16, else Windows-1258; legacy
TCVN3/VNI text is recognised from its characters and converted.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from extractor import legacy
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.readers.errors import ReadError

_TAG_BREAK = re.compile(r"<\s*(?:br|/p|/li|/div|/tr)\s*/?>|<\s*li[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,200}>")
_VALUE_LINE = re.compile(r"^(?:[\d.,%]+(?:\s+\w+)?|không|khong|-|x|…|\.+)$", re.IGNORECASE)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises ReadError for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    sample = data[:65536]
    bom_less = _utf16_without_bom(sample)
    if bom_less:
        return data.decode(bom_less, errors="replace"), bom_less
    if sample.count(b"\x00") > len(sample) // 100:
        raise ReadError("binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1258", errors="replace")
    control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if control > len(text[:65536]) // 50:
        raise ReadError("binary data, not text")
    return text, "cp1258"


def _utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the zero bytes fall on one side of the byte pairs.

    Vietnamese text in UTF-16 has a zero high byte for every ASCII letter, digit and space and
    0x1E for most accented letters, so one half of the pairs is mostly zero and the other almost
    never is; in any 8-bit text zero bytes are rare on both sides.
    """
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def read(path: Path) -> Document:
    text, encoding = decode(path.read_bytes())
    notes = [] if encoding.startswith("utf-8") else [f"decoded as {encoding}"]
    legacy_encoding = legacy.detect_encoding(text)
    if legacy_encoding:
        text = legacy.convert(text, legacy_encoding)
        notes.append(f"converted from {legacy_encoding}")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    del text  # the lines hold it now: the whole text and its lines are not kept side by side
    blocks = parse(lines)
    return Document(path=str(path), format="txt", blocks=blocks, notes=notes,
                    method="converted" if legacy_encoding else "text")


def parse(lines: list[str]) -> list:
    """Split text lines into paragraphs and tables (see the module docstring for the styles)."""
    blocks: list = []
    i, tables = 0, 0
    while i < len(lines):
        line = lines[i]
        if _is_row_line(line) or _is_md_row(line):
            tables += 1
            table, i = _rows_table(lines, i, f"table {tables}")
            blocks.append(table)
        elif _is_cell_start(line):
            tables += 1
            table, i = _cells_table(lines, i, f"table {tables}")
            blocks.append(table)
        else:
            for part in _strip_html(line).split("\n"):
                if part.strip():
                    blocks.append(Paragraph(part.strip().strip("*#").strip(), f"line {i + 1}"))
            i += 1
    return blocks


def _is_cell_start(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:].rstrip("\t")


def _is_row_line(line: str) -> bool:
    core = line.rstrip("\t ")
    return "\t" in core.lstrip("\t") or (line.startswith("\t") and line.count("\t") >= 2
                                         and bool(core.strip()))


def _is_md_row(line: str) -> bool:
    return line.strip().startswith("|") and line.strip().endswith("|") and line.count("|") >= 3


def _cell(text: str, where: str, col: int) -> Cell:
    parts = _strip_html(text).split("\n")
    return Cell([Line(p, f"{where}, line {k}") for k, p in enumerate(parts, 1)], where, col)


def _rows_table(lines: list[str], i: int, location: str) -> tuple[Table, int]:
    rows: list[Row] = []
    while i < len(lines) and (_is_row_line(lines[i]) or _is_md_row(lines[i])
                              or _MD_RULE.match(lines[i] or "x")):
        line = lines[i]
        i += 1
        if _MD_RULE.match(line):
            continue
        raw = line.strip().strip("|").split("|") if _is_md_row(line) else line.split("\t")
        where = f"{location}, row {len(rows) + 1}"
        rows.append(Row([_cell(t, f"{where}, cell {c}", c - 1) for c, t in enumerate(raw, 1)], where))
    return Table(rows, location), i


def _cells_table(lines: list[str], i: int, location: str) -> tuple[Table, int]:
    rows: list[list[list[str]]] = []
    current: list[list[str]] = []
    blanks = 0
    while i < len(lines):
        line = lines[i]
        width = len(rows[0]) if rows else None  # the header row fixes the number of cells
        # A row is complete when it has the header's cells; the first row (a letterhead, or
        # the header itself) is taken as complete once it has two cells.
        complete = not current or len(current) >= (width or 2)
        if not line.strip() and not line.startswith("\t"):
            blanks += 1
            if current:
                current[-1].append("")
            i += 1
            continue
        if _is_cell_start(line) or (line.startswith("\t") and not line.strip()):
            if current and ((width is None and blanks) or (width is not None and len(current) >= width)):
                rows.append(current)
                current = []
            current.append([line[1:]])
        elif _is_row_line(line) or (blanks and complete and not _more_values(current, line)):
            break
        elif current:
            current[-1].append(line)
        else:
            break
        blanks = 0
        i += 1
    if current:
        rows.append(current)
    table_rows = []
    for r, cells in enumerate(rows, 1):
        where = f"{location}, row {r}"
        built = []
        for c, parts in enumerate(cells, 1):
            # the blank lines that separate rows are not part of the row's last cell; in a cell
            # the row goes on after, a blank line is a blank value kept level with its label
            while parts and not parts[-1].strip() and (c == len(cells) or not any(p.strip() for p in parts)):
                parts.pop()
            label = max(cells, key=_filled)
            if label is not parts and _keeps_blanks(parts, label):
                # blank values at its end went with the row's blank line (or the export dropped
                # them): the cell lines up with its label cell one to one, the lines it lacks
                # are blank values
                parts += [""] * (_filled(label) - len(parts))
            built.append(_cell("\n".join(parts), f"{where}, cell {c}", c - 1))
        table_rows.append(Row(built, where))
    return Table(table_rows, location), i


def _filled(parts: list[str]) -> int:
    """How many lines a cell has up to its last non-blank one."""
    return max((k + 1 for k, p in enumerate(parts) if p.strip()), default=0)


def _keeps_blanks(parts: list[str], label: list[str]) -> bool:
    """A cell that keeps a blank line for each blank value: a blank line stands before its last
    value, and the `label` cell has no blank line among its labels (labels spaced by blank
    lines are another layout, whose value lines need not face their labels)."""
    texts = [p.strip() for p in parts]
    last = max((k for k, t in enumerate(texts) if t), default=-1)
    return (last > 0 and "" in texts[:last] and len(texts) <= _filled(label)
            and all(line.strip() for line in label[:_filled(label)]))


def _more_values(cells: list[list[str]], line: str) -> bool:
    """After a blank line at a complete row's end, `line` is the next value of the row's last
    cell, not body text, when that cell has fewer lines than the row's label cell (its blank
    lines stand for blank values) and the line is a short value ("45", "03 lớp", "Không")."""
    lines = [len(c) - (1 if c and not c[-1].strip() else 0) for c in cells]  # the blank just read
    text = line.strip()
    return (len(cells) > 1 and lines[-1] < max(lines[:-1]) and len(text) <= 24 and not text.endswith(":")
            and bool(_VALUE_LINE.match(text)))


def _strip_html(text: str) -> str:
    if "<" not in text and "&" not in text:
        return text
    text = _TAG_BREAK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)

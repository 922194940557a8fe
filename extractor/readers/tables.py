"""A table continued on the next page, joined into one: below both PDF readers, which both use it.

A report's table often runs over a page break, with its header repeated or not; a row cut by the
break is joined to the row above when its continuation has no number of its own. The born-digital
reader (`pdf_reader`) and the OCR reader (`scan`) both lay out pages one at a time, then join.
"""

from __future__ import annotations

import re

from extractor.lexicon import belong_together
from extractor.model import Row, Table
from extractor.normalize import words


def _header_key(row: Row) -> str:
    return words(" ".join(c.text for c in row.cells))


def _repeats_header(row: Row, header: Row) -> bool:
    """The header repeated at the top of the next page, though a short cell of it may be missing.

    OCR often misses a bold "TT" alone in a narrow cell; the repeated header must still be known
    as one, or the row the page break cut is not joined. Every cell read must say what the
    header's cell says, and a cell left blank may only be a short one ("TT", "STT").
    """
    if _header_key(row) == _header_key(header):
        return True
    if len(row.cells) != len(header.cells):
        return False
    read = 0
    for cell, head in zip(row.cells, header.cells, strict=True):
        key, head_key = words(cell.text), words(head.text)
        if key:
            if key != head_key:
                return False
            read += 1
        elif len(head_key) > 4:
            return False
    return read >= 2


def join_tables(blocks: list) -> list:
    """Join a table continued on the next page (header repeated or not) into the one before."""
    out: list = []
    reaches: dict[int, int] = {}  # id of a joined table → the last page it runs on
    for block in blocks:
        previous = out[-1] if out else None
        last_page = reaches.get(id(previous), getattr(previous, "page", None))
        if (isinstance(block, Table) and isinstance(previous, Table) and block.page and last_page
                and block.page == last_page + 1 and len(block.rows[0].cells) == len(previous.rows[0].cells)):
            reaches[id(previous)] = block.page
            rows = list(block.rows)
            if rows and _repeats_header(rows[0], previous.rows[0]):
                rows = rows[1:]
            if rows and _continues(previous.rows[-1], rows[0]):
                _merge_row(previous.rows[-1], rows.pop(0))
            previous.rows.extend(rows)
            continue
        out.append(block)
    return out


def _continues(last: Row, first: Row) -> bool:
    """A row cut by the page break: its continuation has no number and reads on mid-sentence."""
    if not first.cells or first.cells[0].text.strip():
        return False
    texts = [c.text.strip() for c in first.cells[1:] if c.text.strip()]
    if not texts or (len(first.cells) > 2 and not first.cells[1].text.strip()):
        return True  # neither number nor label: the rest of the row above
    head = texts[0]
    last_label = last.cells[1].text.strip() if len(last.cells) > 1 else ""
    if head[:1].islower():
        return True
    return head.isupper() and last_label.isupper() and not re.search(r"[:.]$", last_label)


def _merge_row(target: Row, extra: Row) -> None:
    for cell, more in zip(target.cells, extra.cells, strict=False):
        more.lines = [ln for ln in more.lines if ln.text.strip()]
        last = cell.lines[-1].text.split() if cell.lines else []
        first = more.lines[0].text.split(" ", 1) if more.lines else []
        if last and first and belong_together(last[-1], first[0], first[1] if len(first) > 1 else ""):
            cell.lines[-1].text += more.lines[0].text  # a word cut by the page break
            cell.lines.extend(more.lines[1:])
        elif cell.lines and more.lines and more.lines[0].text[:1].islower():
            cell.lines[-1].text += " " + more.lines[0].text
            cell.lines.extend(more.lines[1:])
        else:
            cell.lines.extend(more.lines)

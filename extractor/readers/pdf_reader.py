"""Born-digital PDF reader (pdfplumber): text lines and ruled tables, in reading order.

A PDF has no paragraphs, only glyphs. Lines are rebuilt from word boxes; a line that stopped
because it ran out of room (the next line's first word would not have fitted) continues on the
next line, so wrapped labels and sentences are joined while short value lines stay apart.
Wide gaps split a line into columns (the two-column letterhead). Tables come from ruling
lines; a table continued on the next page with its header repeated is joined into one, and a
row broken across the page break is joined when its continuation has no number of its own.
A PDF with no text layer is handed to OCR (the `scan` package); in one that mixes typed and scanned
pages, each scanned page (an image, no text layer) is OCR'd and put in its place among the typed
ones. OCR never calls back here: the page-break join both use is in `tables`.
Pages are read as `GlyphPage`s, which skip pdfplumber's copy of glyph attributes nothing here reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
from pdfminer.layout import LTChar
from pdfplumber.page import Page

from extractor.lexicon import belong_together, completes
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.normalize import has_bullet
from extractor.readers.errors import ReadError
from extractor.readers.tables import join_tables
from extractor.readers.words import Word, split_at_gaps

# pdfplumber table settings, as plain data (see pdfplumber's `table_settings`).
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}
COLUMN_GAP = 24.0  # points: a wider gap between words splits a line into columns
ALIGN_TOLERANCE = 2.0  # points: a value line this close to a label line's top sits beside that label
MIN_CHARS_PER_PAGE = 20  # fewer characters than this: the page is a scan
SCANNED_PAGE_IMAGE = 0.5  # a page without text whose images cover this share of it is a scanned page


def read(path: Path) -> Document:
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        message = str(exc) or type(exc).__name__
        if _is_password_error(exc):
            raise ReadError("encrypted PDF (password protected)") from exc
        raise ReadError(f"corrupt PDF: {message[:120]}") from exc
    with pdf:
        pages = len(pdf.pages)
        if pages == 0:
            raise ReadError("PDF has no pages")
        by_page: list[list] = []
        scanned: list[int] = []
        chars = 0
        for number, page in enumerate(glyph_pages(pdf), 1):
            chars += len(page.chars)
            if _scanned_page(page):
                scanned.append(number)
            by_page.append([])
            _read_page(page, number, by_page[-1])
            page.close()  # a page's parsed glyphs are large: keep only what was read from them
    if _no_text_layer(chars, pages):
        from extractor.readers import scan

        return scan.read(path, pages)
    if scanned:
        return _with_scanned_pages(path, by_page, scanned)
    return Document(path=str(path), format="pdf", blocks=join_tables(_flat(by_page)), pages=pages)


class GlyphPage(Page):
    """pdfplumber's page whose glyphs keep only what words are built from: text, box, upright.

    pdfplumber copies each of pdfminer's glyphs into a dict of every attribute it has (font,
    colours, matrix, marked content), resolving each value: on a typed report that was a third of
    the reading time, for keys nothing here reads. The kept keys have pdfplumber's own values; every
    other object (rules, rectangles, images) is pdfplumber's, so words and tables come out as from
    a plain page.
    """

    def process_object(self, obj) -> dict:
        if not isinstance(obj, LTChar):
            return super().process_object(obj)
        left, top = self.mediabox[:2]  # pdfminer's boxes are relative to the MediaBox, as pdfplumber
        upper = self.height - obj.y1 + top
        return {"object_type": "char", "text": obj.get_text(), "upright": obj.upright,
                "x0": obj.x0 + left, "x1": obj.x1 + left, "top": upper,
                "bottom": self.height - obj.y0 + top, "doctop": self.initial_doctop + upper}


def glyph_pages(pdf) -> list[GlyphPage]:
    """The pages of an open pdfplumber PDF as `GlyphPage`s (a page parses nothing until read)."""
    return [GlyphPage(pdf, page.page_obj, page.page_number, page.initial_doctop) for page in pdf.pages]


def _flat(by_page: list[list]) -> list:
    return [block for blocks in by_page for block in blocks]


def _scanned_page(page) -> bool:
    """A page with no usable text layer (fewer than MIN_CHARS_PER_PAGE characters) that is mostly
    an image: a scanned page bound among typed ones. A typed page that merely says little (a
    signature page, a blank back) is no image and is read as the text it has."""
    if len(page.chars) >= MIN_CHARS_PER_PAGE:
        return False
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, min(i["x1"], page.width) - max(i["x0"], 0))
                  * max(0.0, min(i["bottom"], page.height) - max(i["top"], 0)) for i in page.images)
    return covered / area >= SCANNED_PAGE_IMAGE


def _with_scanned_pages(path: Path, by_page: list[list], scanned: list[int]) -> Document:
    """A PDF of typed and scanned pages (a volume bound from both): the scanned pages read by OCR,
    each in its place among the typed ones, so no report in it is lost to the other kind."""
    from extractor.readers import scan

    for number, blocks in scan.read_pages(path, len(by_page), scanned):
        by_page[number - 1] = blocks
    return Document(path=str(path), format="pdf", blocks=join_tables(_flat(by_page)), pages=len(by_page),
                    notes=[ocr_note(scanned)], method=mixed_method(len(scanned), len(by_page)),
                    ocr_pages=tuple(scanned))


def ocr_note(pages: list[int] | tuple[int, ...]) -> str:
    """The reader's note naming the pages of typed and scanned PDF (or of one part of it) read by OCR."""
    from extractor.readers.scan.ocr import OCR_SETTINGS

    return (f"OCR (tesseract {OCR_SETTINGS['lang']}, {OCR_SETTINGS['dpi']} dpi) of the pages without a "
            f"text layer: {', '.join(map(str, pages))}")


def mixed_method(ocr_pages: int, pages: int) -> str:
    """How a PDF of typed and scanned pages counts as read: "ocr" (its format then shows as a scan)
    only when most of its pages were OCR'd; a typed report with a scanned page or two is text. One
    simple rule, for a whole file and for each part of a volume alike."""
    return "ocr" if 2 * ocr_pages > pages else "text"


def is_scan(pdf) -> bool:
    """Does `read` hand this PDF (open in pdfplumber), or some of its pages, to OCR?"""
    pages = glyph_pages(pdf)
    return (_no_text_layer(sum(len(page.chars) for page in pages), len(pages))
            or any(_scanned_page(page) for page in pages))


def _no_text_layer(chars: int, pages: int) -> bool:
    """Fewer than MIN_CHARS_PER_PAGE characters a page: no text layer, the pages are images."""
    return chars < MIN_CHARS_PER_PAGE * pages


def _is_password_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's PDFPasswordIncorrect; look through the chain and the args."""
    seen = [exc, exc.__cause__, exc.__context__, *[a for a in exc.args if isinstance(a, BaseException)]]
    return any(e is not None and ("password" in f"{type(e).__name__} {e}".lower()
                                  or "encrypt" in str(e).lower()) for e in seen)


def _read_page(page, number: int, blocks: list) -> None:
    tables = page.find_tables(TABLE_SETTINGS)
    words = [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"])
             for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)]
    in_tables = [[w for w in words if _inside(w, table.bbox)] for table in tables]
    taken = {id(w) for inside in in_tables for w in inside}
    outside = [w for w in words if id(w) not in taken]
    items: list[tuple[float, object]] = []
    right_margin = max((w.right for w in outside), default=page.width)
    for k, text in enumerate(_paragraphs(_lines(outside), right_margin), 1):
        items.append((text[1], Paragraph(text[0], f"page {number}, line {k}")))
    for t, (table, inside) in enumerate(zip(tables, in_tables, strict=True), 1):
        items.append((table.bbox[1], _table(table, inside, f"page {number}, table {t}", number)))
    items.sort(key=lambda item: item[0])
    blocks.extend(block for _, block in items)


def _inside(word: Word, box) -> bool:
    return box[0] <= word.cx <= box[2] and box[1] <= word.cy <= box[3]


def _lines(words: list[Word]) -> list[list[Word]]:
    """Group words into visual lines by their vertical position, each sorted left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top), w.left)):
        if lines and abs(lines[-1][0].top - word.top) <= 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _wrapped(previous: list[Word], following: list[Word], right: float) -> bool:
    """Did `previous` end only because the next word would not fit before `right`?"""
    if has_bullet(_text(following)) or re.match(r"^\s*(\d+(\.\d+)*\.|[IVX]+\.|[a-z]\))\s", _text(following)):
        return False
    if re.search(r"[:;.!?]$", previous[-1].text):
        return False
    space = max(2.0, (previous[-1].right - previous[-1].left) / max(1, len(previous[-1].text)))
    first = following[0]
    return previous[-1].right + space + (first.right - first.left) > right - 1


def _paragraphs(lines: list[list[Word]], right: float) -> list[tuple[str, float]]:
    """Join wrapped single-column lines into paragraphs; multi-column lines stay apart."""
    out: list[tuple[str, float]] = []
    previous: list[Word] | None = None
    for line in lines:
        segments = split_at_gaps(line, COLUMN_GAP)
        if len(segments) > 1:
            out.extend((_text(seg), seg[0].top) for seg in segments)
            previous = None
            continue
        if previous is not None and _wrapped(previous, line, right):
            out[-1] = (out[-1][0] + " " + _text(line), out[-1][1])
        else:
            out.append((_text(line), line[0].top))
        previous = line
    return out


def _table(table, words: list[Word], location: str, page: int) -> Table:
    """A ruled table from the words inside it, each put in the cell its centre falls in."""
    rows: list[Row] = []
    for r, row in enumerate(table.rows, 1):
        columns: list[list[tuple[str, float]]] = []
        in_row = [w for w in words if _inside(w, row.bbox)]
        for box in row.cells:
            inner = [w for w in in_row if _inside(w, box)] if box is not None else []
            columns.append(_cell_lines(_lines(inner), box[2] - 2, _text_edges(inner, box))
                           if box is not None else [])
        _align_with_labels(columns, row.bbox)
        cells = []
        for c, lines in enumerate(columns, 1):
            where = f"{location}, row {r}, cell {c}"  # a covered (merged) cell stays empty: read once
            text = [Line(t, f"{where}, line {k}") for k, (t, _) in enumerate(lines, 1)]
            cells.append(Cell(text, where, c - 1))
        rows.append(Row(cells, f"{location}, row {r}"))
    return Table(rows, location, page)


def _align_with_labels(columns: list[list[tuple[str, float]]], box: tuple) -> None:
    """Give a value cell a blank line where its label cell has an item with no value beside it.

    A Word cell keeps blank paragraphs that put each value level with its label; the PDF drops
    them. Each line still sits on the baseline of its label, so a cell with fewer lines than the
    label cell (the one with the most text) is laid out on the label's lines — only when every
    line sits on one (within ALIGN_TOLERANCE points), in order, and the cell is not a single line
    centred in its row (a centred value sits level with the middle label by chance).
    """
    label = max(range(len(columns)), key=lambda c: sum(len(t) for t, _ in columns[c]), default=0)
    tops = [top for _, top in columns[label]] if columns else []
    middle = (box[1] + box[3]) / 2
    for c, lines in enumerate(columns):
        if c == label or not lines or len(lines) >= len(tops):
            continue
        centred = abs(lines[0][1] + ALIGN_TOLERANCE * 3 - middle) < 2 * ALIGN_TOLERANCE
        if len(lines) == 1 and len(tops) >= 3 and centred:
            continue
        slots = [min(range(len(tops)), key=lambda k, top=top: abs(tops[k] - top)) for _, top in lines]
        if (any(abs(tops[k] - top) > ALIGN_TOLERANCE for k, (_, top) in zip(slots, lines, strict=True))
                or slots != sorted(set(slots))):
            continue
        laid = [("", top) for top in tops]
        for k, line in zip(slots, lines, strict=True):
            laid[k] = line
        columns[c] = laid[: max(slots) + 1]


def _text_edges(words: list[Word], box) -> tuple[float, float] | None:
    """Where a cell's text may start and end: its leftmost word, and the cell's right side less
    the same padding (cell margins are alike on both sides)."""
    if not words:
        return None
    left = min(w.left for w in words)
    return left, box[2] - (left - box[0])


def _cell_lines(lines: list[list[Word]], right: float,
                edges: tuple[float, float] | None = None) -> list[tuple[str, float]]:
    """A cell's text lines with their tops, wrapped lines joined, broken words mended (`_mend`)."""
    out: list[tuple[str, float]] = []
    previous = None
    for line in _mend(lines, edges):
        if previous is not None and (_wrapped(previous, line, right) or _continues_label(previous, line)):
            out[-1] = (out[-1][0] + " " + _text(line), out[-1][1])
        else:
            out.append((_text(line), min(w.top for w in line)))
        previous = line
    return out


def _continues_label(previous: list[Word], line: list[Word]) -> bool:
    """A line in lower case after one that does not close its item ("…, số bài viết liên" /
    "quan chuyển đổi số …") is the rest of that item, wherever the first line stopped."""
    return line[0].text[:1].islower() and not re.search(r"[:;.!?]$", previous[-1].text)


def _mend(lines: list[list[Word]], edges: tuple[float, float] | None = None) -> list[list[Word]]:
    """Join the pieces of words a narrow cell broke, until none is left.

    A word too long for its column is cut at the line's end ("TTHTC" / "Đ", "TH&" / "THC" / "S,")
    and letter spacing can split one on a line ("Trung tâ m"); the lexicon says which neighbours
    are halves of one word. A piece joined across a line break moves up to the line it continues.
    Where the lexicon cannot tell, because both pieces are words ("Số lượn" / "g ngư" / "ời"),
    the cell's `edges` (its text's left and right) can: a line filled to the right edge so that
    not even the next piece's first letter would fit, followed by a piece at the left edge, was
    cut inside a word, not between two.
    """
    lines = [list(line) for line in lines]
    start, joined = 0, True
    while joined:
        joined = False
        flat = [(i, j) for i, line in enumerate(lines) for j in range(len(line))]
        for k in range(start, len(flat) - 1):
            (i, j), (i2, j2) = flat[k], flat[k + 1]
            a, b = lines[i][j], lines[i2][j2]
            following = lines[flat[k + 2][0]][flat[k + 2][1]].text if k + 2 < len(flat) else ""
            if i == i2 and b.left - a.right >= a.bottom - a.top:
                continue  # a real space on the line
            if belong_together(a.text, b.text, following) or (
                    i != i2 and _cut_at_edge(a, b, edges) and completes(a.text, b.text)):
                right = max(a.right, b.right) if i == i2 else a.right
                lines[i][j] = Word(a.text + b.text, a.left, a.top, right, a.bottom)
                del lines[i2][j2]
                lines = [line for line in lines if line]
                # only the two pairs before the joined word see it changed (as their right or
                # following word): the pairs before those were judged on the same words already
                start, joined = max(0, k - 2), True
                break
    return lines


def _cut_at_edge(last: Word, first: Word, edges: tuple[float, float] | None) -> bool:
    """`last` ends a line at the cell's right edge, with no room left for `first`'s first letter,
    and `first` starts the next line at the left edge (so the cell is not right-aligned or centred)."""
    if edges is None or not first.text:
        return False
    letter = (first.right - first.left) / len(first.text)
    return last.right + letter > edges[1] - 1.0 and abs(first.left - edges[0]) < 1.0

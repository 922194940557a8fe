"""Workbook (.xlsx, .xls, .ods) reader: each visible sheet's used range as a table.

Values come from python-calamine, which reads all three formats fast and gives a formula's cached
value (the figure the author saw), dates as dates and numbers as floats. Each cell is written the
way `values.parse_value` reads it: 1234.0 → "1234", 99.89 → "99,89", never a float artefact
(97.28999999999999 is printed to 15 significant digits, as the spreadsheet shows it).

calamine gives a percent-formatted 97,29 % as 0.9729 and does not say it was a percent, so the
cell formats are read where each format keeps them:

* .xlsx: the styles part says which cell styles have a percent number format (built-in 9 and 10,
  or a custom code with a % outside its quoted text); only when some do are the sheets' cells
  streamed for their style index (`c/@s`) — openpyxl would give the same `number_format`, at
  fifty times calamine's time;
* .ods: a percent cell says so itself (`office:value-type="percentage"`), read from content.xml,
  which also gives the merged cells (calamine has them only for Excel formats);
* .xls: xlrd reads the cell formats of the legacy binary format (XF records).

A percent cell is written "97,29 %", which the value parser reads as 97.29.

Merged cells are read as docx_reader reads Word's: the value once, in the first cell, which
records the grid column it starts at; the columns it spans are left out of its row and the rows
below it carry one empty cell at that column. Hidden sheets (calamine's sheet visibility, from
the workbook part for .xlsx/.xls and the sheet's table style for .ods) are skipped, with a note.

Rows above the table (a letterhead, a title) are given as a document opens, so metadata and the
table readers see what they see in a Word report: a row with one filled cell is a paragraph, a
run of rows with several (the issuer beside the national motto) a small letterhead table. The
table starts at the first row filled as fully as the sheet's table rows are (three cells, or
fewer when no row has three).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree

from extractor.model import Block, Cell, Document, Line, Paragraph, Row, Table
from extractor.readers.errors import ReadError

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a zip bomb expands far beyond this
# The sheets' XML (or a .xls file) of a real annex is well under 1 MiB; a workbook with more is a
# data dump, not a report, and its cells would not fit in memory as a document model.
MAX_SHEET_BYTES = 32 * 1024 * 1024
# Cells in the used ranges of all visible sheets: the document model takes under 1 KiB a cell (18 MiB
# for a 23,000-cell summary, bench_excel's), so this keeps a read near 200 MiB; an annex has < 10,000.
MAX_CELLS = 200_000
TABLE_CELLS = 3  # a row with this many filled cells (or the sheet's most, if fewer) starts the table

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PERCENT_BUILTIN = {9, 10}  # xlsx built-in number formats 0% and 0.00%
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')  # literal text and [colour]/[locale] in a format code

Value = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass
class Formats:
    """What calamine does not give: per sheet, the merged ranges (for .ods) and the percent cells,
    as absolute (row, column) positions counted from 0."""

    merges: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = field(default_factory=dict)
    percent: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    unvalued: dict[str, list[str]] = field(default_factory=dict)  # formula cells with no saved value


def read(path: Path, kind: str) -> Document:
    """Read a workbook of `kind` ("xlsx", "xls" or "ods") into a Document."""
    import python_calamine as calamine

    _check_size(path, kind)
    try:
        book = _open(path, calamine)
    except calamine.PasswordError as exc:
        raise ReadError("encrypted workbook (password protected)") from exc
    document = Document(path=str(path), format=kind)
    with book:
        visible = [m.name for m in book.sheets_metadata if _is_visible(m, calamine)]
        document.notes += [f"hidden sheet '{m.name}' skipped" for m in book.sheets_metadata
                           if m.name not in visible and m.typ == calamine.SheetTypeEnum.WorkSheet]
        formats = _formats(path, kind, visible)
        document.notes += [f"formulas without a saved value, read as empty: sheet '{name}' {', '.join(cells)}"
                           for name, cells in formats.unvalued.items() if cells and name in visible]
        cells = 0
        for name in visible:
            sheet = book.get_sheet_by_name(name)
            if sheet.start is None:
                continue
            cells += sheet.height * sheet.width
            if cells > MAX_CELLS:
                raise ReadError(f"refused: over {MAX_CELLS} cells in the sheets (a data dump, not a report)")
            merges = formats.merges.get(name) if kind == "ods" else sheet.merged_cell_ranges
            grid = _Grid(name, sheet.start, sheet.to_python(skip_empty_area=True), merges or [],
                         formats.percent.get(name, set()))
            document.blocks += grid.blocks()
    return document


def _open(path: Path, calamine):
    """The workbook opened by its content: calamine's `from_path` picks the format by the file's
    extension, so a .xlsx saved as .xls (or any other renaming) would fail; read from the bytes,
    calamine tells the format by what they hold, as `readers.sniff` did."""
    with path.open("rb") as fh:
        return calamine.CalamineWorkbook.from_filelike(fh)


def _is_visible(meta, calamine) -> bool:
    return meta.visible == calamine.SheetVisibleEnum.Visible and meta.typ == calamine.SheetTypeEnum.WorkSheet


def _check_size(path: Path, kind: str) -> None:
    """Refuse zip bombs and workbooks whose sheets are too big to be a report, before parsing."""
    if kind == "xls":
        size = path.stat().st_size
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
        except zipfile.BadZipFile as exc:
            raise ReadError(f"corrupt workbook: {exc}") from exc
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
            raise ReadError(f"refused: expands to {sum(i.file_size for i in infos) // (1024 * 1024)} MiB "
                            "(zip bomb?)")
        size = sum(i.file_size for i in infos
                   if i.filename.startswith("xl/worksheets/") or i.filename == "content.xml")
    if size > MAX_SHEET_BYTES:
        raise ReadError(f"refused: the sheets are {size // (1024 * 1024)} MiB, over the "
                        f"{MAX_SHEET_BYTES // (1024 * 1024)} MiB limit (a data dump, not a report)")


# ---- cell formats ------------------------------------------------------------------------------

def _formats(path: Path, kind: str, sheets: list[str]) -> Formats:
    if kind == "xlsx":
        return _xlsx_formats(path, sheets)
    if kind == "ods":
        return _ods_formats(path)
    return _xls_formats(path, sheets)


def is_percent_format(code: str | None) -> bool:
    """A number format shows a percent when it has a % outside its quoted text and brackets."""
    return bool(code) and "%" in _QUOTED.sub("", code)


def _xlsx_formats(path: Path, sheets: list[str]) -> Formats:
    """Percent cells of an .xlsx: those whose style (`c/@s`, an index into the styles' cellXfs)
    has a percent number format. Only the cells' attributes are read, streamed from each sheet's
    XML, and only when some style is a percent one: openpyxl's read-only cells cost ~40 µs each,
    50 times calamine's whole read of a 20,000-cell summary (benchmarks/bench_excel.py)."""
    with zipfile.ZipFile(path) as archive:
        styles = _xlsx_percent_styles(archive)
        parts = _xlsx_sheet_parts(archive)
        formats = Formats()
        for name in sheets:
            if parts.get(name) not in archive.namelist():
                continue
            formats.unvalued[name] = _xlsx_unvalued(archive.read(parts[name]))
            if styles:
                with archive.open(parts[name]) as fh:
                    formats.percent[name] = _cells_styled(fh, styles)
    return formats


_XLSX_UNVALUED = re.compile(rb'<(?:\w+:)?c\b([^>]*)>\s*(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*'
                            rb'</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*'
                            rb'</(?:\w+:)?c>')
_REF = re.compile(rb'\br="([A-Z]+\d+)"')


def _xlsx_unvalued(sheet: bytes) -> list[str]:
    """The cells of a sheet part holding a formula but no saved value (a workbook written by a
    program that does not compute, such as openpyxl): calamine gives them as empty, and a reader
    must be told, or a missing figure looks like a figure the author left blank. A bytes search,
    only for a sheet with a formula at all."""
    if b"<f" not in sheet and b":f" not in sheet:
        return []
    return [ref.group(1).decode() for cell in _XLSX_UNVALUED.finditer(sheet)
            if (ref := _REF.search(cell.group(1)))]


def _xlsx_percent_styles(archive: zipfile.ZipFile) -> set[str]:
    """The cell style indices (as written in `c/@s`) whose number format shows a percent."""
    try:
        styles = _parse(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    ns = {"m": _XLSX_MAIN}
    custom = {int(f.get("numFmtId")) for f in styles.iterfind("m:numFmts/m:numFmt", ns)
              if is_percent_format(f.get("formatCode"))}
    return {str(i) for i, xf in enumerate(styles.iterfind("m:cellXfs/m:xf", ns))
            if int(xf.get("numFmtId", "0")) in custom | _PERCENT_BUILTIN}


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the package, through the workbook's relationships."""
    rels = _parse(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in _parse(archive.read("xl/workbook.xml")).iter(f"{{{_XLSX_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_XLSX_REL}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _cells_styled(fh, styles: set[str]) -> set[tuple[int, int]]:
    """(row, column) of the cells of a sheet part whose style is one of `styles`."""
    found = set()
    tag = f"{{{_XLSX_MAIN}}}c"
    row_tag = f"{{{_XLSX_MAIN}}}row"
    for event, element in etree.iterparse(fh, events=("start", "end"), tag=(tag, row_tag),
                                          resolve_entities=False, no_network=True):
        if event == "start":
            if element.tag == tag and element.get("s") in styles and element.get("t", "n") == "n" \
                    and element.get("r"):
                found.add(_position(element.get("r")))
        elif element.tag == row_tag:  # a row read: let it go
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    return found


def _position(ref: str) -> tuple[int, int]:
    """"C5" → (4, 2)."""
    col, i = 0, 0
    while i < len(ref) and ref[i].isalpha():
        col = col * 26 + ord(ref[i].upper()) - 64
        i += 1
    return int(ref[i:]) - 1, col - 1


def _ods_formats(path: Path) -> Formats:
    """Merged cells and percent cells of an .ods, from its content.xml (spans and value types)."""
    formats = Formats()
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as fh:
        content = _parse(fh.read())
    for table in content.iter(f"{{{_TABLE}}}table"):
        name = table.get(f"{{{_TABLE}}}name", "")
        merges, percent = formats.merges.setdefault(name, []), formats.percent.setdefault(name, set())
        for r, row in _ods_rows(table):
            c = 0
            for cell in row:
                if cell.tag not in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                    continue
                repeat = int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
                if cell.get(f"{{{_OFFICE}}}value-type") == "percentage":
                    percent.update((r, c + i) for i in range(min(repeat, 1024)))
                if cell.get(f"{{{_TABLE}}}formula") and not cell.get(f"{{{_OFFICE}}}value-type"):
                    formats.unvalued.setdefault(name, []).append(f"{column_letters(c)}{r + 1}")
                across = int(cell.get(f"{{{_TABLE}}}number-columns-spanned", "1"))
                down = int(cell.get(f"{{{_TABLE}}}number-rows-spanned", "1"))
                if across > 1 or down > 1:
                    merges.append(((r, c), (r + down - 1, c + across - 1)))
                c += repeat
    return formats


def _ods_rows(table):
    """(row index, row element) of an ODS table, rows inside row groups and headers included."""
    r = 0
    for row in table.iter(f"{{{_TABLE}}}table-row"):
        yield r, row
        r += int(row.get(f"{{{_TABLE}}}number-rows-repeated", "1"))


def _xls_formats(path: Path, sheets: list[str]) -> Formats:
    """Percent cells of a .xls, from its XF records (xlrd): a number cell whose format shows a %."""
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        percent_xf = {i for i, xf in enumerate(book.xf_list)
                      if xf.format_key in book.format_map
                      and is_percent_format(book.format_map[xf.format_key].format_str)}
        percent = {}
        for name in sheets:
            sheet = book.sheet_by_name(name)
            percent[name] = {(r, c) for r in range(sheet.nrows) for c in range(sheet.ncols)
                             if sheet.cell_type(r, c) == xlrd.XL_CELL_NUMBER
                             and sheet.cell_xf_index(r, c) in percent_xf}
        return Formats(percent=percent)
    finally:
        book.release_resources()


def _parse(data: bytes):
    """Parse package XML with entities and network access off (untrusted files)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


# ---- values ------------------------------------------------------------------------------------

def cell_text(value: Value, percent: bool = False) -> str:
    """A cell's value written as the value parser reads it: numbers with a decimal comma and no
    float artefacts (a percent cell ×100 with " %"), dates and times in ISO form."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if not percent and (isinstance(value, int) or (value.is_integer() and abs(value) < 1e15)):
            return str(int(value))  # the common case, without Decimal
        number = Decimal(f"{value:.15g}")
        if percent:
            number = number.scaleb(2)
        text = _plain(number)
        return f"{text} %" if percent else text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _plain(number: Decimal) -> str:
    """A Decimal in plain notation, no trailing zeros, decimal comma: 1234, 97,29, 0,5."""
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---- layout ------------------------------------------------------------------------------------

class _Grid:
    """One sheet's used range, with its merges and percent cells, turned into blocks."""

    def __init__(self, name: str, start: tuple[int, int], values: list[list[Value]],
                 merges: list[tuple[tuple[int, int], tuple[int, int]]], percent: set[tuple[int, int]]):
        self.name, self.top, self.left = name, start[0], start[1]
        self.values, self.percent = values, percent
        self.letters = [column_letters(self.left + j) for j in range(max(map(len, values), default=0))]
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}  # covered cell → its range's first cell
        for (r0, c0), (r1, c1) in merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.merged[(r, c)] = (r0, c0)

    def where(self, row: int | None = None, col: int | None = None) -> str:
        text = f"sheet '{self.name}'"
        if row is not None:
            text += f", row {row + 1}"
        if col is not None:
            text += f", cell {self.letters[col - self.left]}"
        return text

    def blocks(self) -> list[Block]:
        read = [self.row(i) for i in range(len(self.values))]
        rows = [row for row, filled in read if filled]
        filled = [n for _, n in read if n]
        enough = min(TABLE_CELLS, max(filled, default=0))
        start = next((i for i, n in enumerate(filled) if n >= enough), 0)
        blocks: list[Block] = []
        letterhead: list[Row] = []
        for row, n in zip(rows[:start], filled[:start], strict=True):
            if n > 1:
                letterhead.append(row)
                continue
            if letterhead:
                blocks.append(Table(letterhead, letterhead[0].location))
                letterhead = []
            cell = next(c for c in row.cells if c.text.strip())
            blocks += [Paragraph(line.text, line.location) for line in cell.lines if line.text.strip()]
        if letterhead:
            blocks.append(Table(letterhead, letterhead[0].location))
        if rows[start:]:
            blocks.append(Table(rows[start:], self.where()))
        return blocks

    def row(self, i: int) -> tuple[Row, int]:
        """Row i of the used range, merged cells read once, and how many of its cells are filled."""
        r = self.top + i
        prefix = f"{self.where(r)}, cell "
        cells: list[Cell] = []
        filled = 0
        for j, value in enumerate(self.values[i]):
            c = self.left + j
            first = self.merged.get((r, c)) if self.merged else None
            if first is not None and (first[1] != c or first[0] == r):
                continue  # inside a merge, not its first column: read with the merge's first cell
            where = prefix + self.letters[j]
            text = "" if first is not None else cell_text(value, bool(self.percent)
                                                          and (r, c) in self.percent)
            if "\n" in text:
                lines = [Line(part, f"{where}, line {k}") for k, part in enumerate(text.split("\n"), 1)]
            else:
                lines = [Line(text, where)]
            filled += bool(text.strip())
            cells.append(Cell(lines, where, j))
        return Row(cells, self.where(r)), filled

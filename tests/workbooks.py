"""Workbooks built for the tests and the samples, in each format the Excel reader takes.

A sheet is given as rows of cell values; a value may be a `Pct` (a percent-formatted number), a
`Formula` (a formula with the value the spreadsheet last computed, as a saved file holds it), a
date, a number or text. `merges` are ranges like "A1:D1". xlsx is written with openpyxl (whose
formulas carry no computed value: `write_xlsx` adds it, as Excel would on saving), xls with xlwt
(when installed) and ods by hand (an OpenDocument spreadsheet is a zip of a few XML parts).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Pct:
    value: float
    format: str = "0.00%"


@dataclass(frozen=True)
class Formula:
    expression: str  # without "=", in A1 notation: "C3*2"
    cached: float


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merges: list[str] = field(default_factory=list)
    hidden: bool = False


def cell_ref(ref: str) -> tuple[int, int]:
    """"C5" → (4, 2): row and column counted from 0."""
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits) - 1, col - 1


def span(merge: str) -> tuple[tuple[int, int], tuple[int, int]]:
    first, last = merge.split(":")
    return cell_ref(first), cell_ref(last)


# ---- xlsx ----------------------------------------------------------------------------------------

def write_xlsx(path: Path, sheets: list[Sheet]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    cached: dict[str, dict[str, float]] = {}
    for index, sheet in enumerate(sheets, 1):
        ws = book.create_sheet(sheet.name)
        for r, row in enumerate(sheet.rows, 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(r, c)
                if isinstance(value, Pct):
                    cell.value, cell.number_format = value.value, value.format
                elif isinstance(value, Formula):
                    cell.value = "=" + value.expression
                    cached.setdefault(f"xl/worksheets/sheet{index}.xml", {})[cell.coordinate] = value.cached
                elif isinstance(value, dt.date):
                    cell.value, cell.number_format = value, "dd/mm/yyyy"
                elif value is not None:
                    cell.value = value
        for merge in sheet.merges:
            ws.merge_cells(merge)
        if sheet.hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    if cached:
        _add_cached_values(path, cached)
    return path


def _add_cached_values(path: Path, cached: dict[str, dict[str, float]]) -> None:
    """Give each formula cell the value Excel stores beside the formula when it saves."""
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            for ref, value in cached.get(info.filename, {}).items():
                data = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>.*?</f>)(<v></v>|<v/>)?'.encode(),
                              rb"\1\2<v>" + repr(value).encode() + rb"</v>", data)
            archive.writestr(info, data)


# ---- xls -----------------------------------------------------------------------------------------

def write_xls(path: Path, sheets: list[Sheet]) -> Path:
    """A legacy .xls (BIFF8) written with xlwt; formulas are written as their computed values
    (xlwt stores no result for a formula)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, object] = {}

    def style(code: str):
        return styles.setdefault(code, xlwt.easyxf(num_format_str=code))

    for sheet in sheets:
        ws = book.add_sheet(sheet.name)
        starts = {span(m)[0]: span(m) for m in sheet.merges}
        covered = {(r, c) for (r0, c0), (r1, c1) in starts.values()
                   for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if (r, c) in covered and (r, c) not in starts:
                    continue
                args = _xls_value(value, style)
                if (r, c) in starts:
                    (_, _), (r1, c1) = starts[(r, c)]
                    ws.write_merge(r, r1, c, c1, *args)
                elif value is not None:
                    ws.write(r, c, *args)
        if sheet.hidden:
            ws.visibility = 1
    book.save(str(path))
    return path


def _xls_value(value, style) -> tuple:
    if isinstance(value, Pct):
        return value.value, style(value.format)
    if isinstance(value, Formula):
        return (value.cached,)
    if isinstance(value, dt.date):
        return value, style("DD/MM/YYYY")
    return (value,) if value is not None else ("",)


# ---- ods -----------------------------------------------------------------------------------------

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
           'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"')
_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
_ODS_STYLES = """<office:automatic-styles>
 <style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>
 <style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>
 <number:percentage-style style:name="N1"><number:number number:decimal-places="2" number:min-integer-digits="1"/>
  <number:text>%</number:text></number:percentage-style>
 <style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>
</office:automatic-styles>"""


def write_ods(path: Path, sheets: list[Sheet]) -> Path:
    tables = "".join(_ods_table(sheet) for sheet in sheets)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>{_ODS_STYLES}'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return path


def _ods_table(sheet: Sheet) -> str:
    starts = {span(m)[0]: span(m) for m in sheet.merges}
    covered = {(r, c) for (r0, c0), (r1, c1) in starts.values()
               for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    out = [f'<table:table table:name={quoteattr(sheet.name)} '
           f'table:style-name="{"ta2" if sheet.hidden else "ta1"}">']
    width = max(len(row) for row in sheet.rows)
    out.append(f'<table:table-column table:number-columns-repeated="{width}"/>')
    for r, row in enumerate(sheet.rows):
        out.append("<table:table-row>")
        for c in range(width):
            value = row[c] if c < len(row) else None
            if (r, c) in covered and (r, c) not in starts:
                out.append("<table:covered-table-cell/>")
                continue
            extra = ""
            if (r, c) in starts:
                (_, _), (r1, c1) = starts[(r, c)]
                extra = (f' table:number-columns-spanned="{c1 - c + 1}"'
                         f' table:number-rows-spanned="{r1 - r + 1}"')
            out.append(_ods_cell(value, extra))
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def _ods_cell(value, extra: str) -> str:
    if value is None:
        return f"<table:table-cell{extra}/>"
    if isinstance(value, Pct):
        attrs = f'table:style-name="ce1" office:value-type="percentage" office:value="{value.value!r}"'
        shown = f"{value.value * 100:.2f}%"
    elif isinstance(value, Formula):
        attrs = (f'table:formula="of:={escape(value.expression)}" office:value-type="float" '
                 f'office:value="{value.cached!r}"')
        shown = repr(value.cached)
    elif isinstance(value, dt.date):
        attrs = f'office:value-type="date" office:date-value="{value.isoformat()}"'
        shown = value.isoformat()
    elif isinstance(value, int | float):
        attrs = f'office:value-type="float" office:value="{value!r}"'
        shown = repr(value)
    else:
        attrs, shown = 'office:value-type="string"', str(value)
    paragraphs = "".join(f"<text:p>{escape(part)}</text:p>" for part in shown.split("\n"))
    return f"<table:table-cell {attrs}{extra}>{paragraphs}</table:table-cell>"

"""Writing query results: terminal table, CSV, Excel, JSON, and the line chart of a comparison."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from extractor.i18n import N_, _, kind_name, number
from extractor.query import Pivot
from extractor.research import View

FORMATS = ("table", "csv", "xlsx", "json")


def render(columns: list[str], rows: list[list], fmt: str, output: str | Path | None = None,
           title: str | None = None, unit: str | None = None, localized: bool = False) -> str | None:
    """Write rows in `fmt` to `output` (a file) or return the text to print (xlsx needs a file).

    Whole numbers are written as integers everywhere (3, not 3.0). CSV and JSON stay
    machine-readable (4000000, 57.4); the terminal table and Excel show numbers the way the
    interface's language writes them — the table only when the cells are values (`localized`,
    never ids or years); `unit` "%" adds the percent sign in Excel."""
    rows = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in rows]
    if fmt == "xlsx":
        if not output:
            raise ValueError(_("xlsx needs --output FILE"))
        _xlsx(columns, rows, Path(output), title, unit)
        return None
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        text = buffer.getvalue()
    elif fmt == "json":
        text = json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False,
                          indent=1) + "\n"
    elif fmt == "table":
        text = _table(columns, rows, title, localized)
    else:
        raise ValueError(_("unknown format '{format}' (one of {formats})").format(
            format=fmt, formats=", ".join(FORMATS)))
    if output:  # a CSV file starts with a BOM so that Excel reads it as UTF-8 (Vietnamese intact)
        Path(output).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        return None
    return text


FLAG_COLUMN = "kiểm tra"  # the flag column's stable name in CSV and JSON (programs key on it)
MARK = "⚠"


def flagged(pivot: Pivot, flags: list[dict], fmt: str) -> tuple[list[str], list[list], list[str]]:
    """The pivot as `fmt` shows it with its failed checks: (columns, rows, notes).

    A terminal table marks each flagged figure (⚠1, ⚠2, …) and `notes` say why and where to look;
    CSV, Excel and JSON carry one last column (`kiểm tra`) holding, for each flagged figure of the
    row, "YEAR: reason [check] (review item N)", empty when nothing is flagged. One column rather
    than one per year: the year columns stay numbers only (they sum, sort and chart as before),
    and filtering on the one column finds every row to look at."""
    columns, rows = pivot.header(translated=fmt in ("table", "xlsx")), pivot.table()
    flags = flags or [{}] * len(rows)
    cells = [(year, kind) for year in pivot.years for kind in pivot.kinds]
    if fmt != "table":
        name = _("Failed checks") if fmt == "xlsx" else FLAG_COLUMN
        return [*columns, name], [[*row, _flag_text(pivot, found) or None]
                                  for row, found in zip(rows, flags, strict=True)], []
    notes: list[str] = []
    marked = []
    for row, found in zip(rows, flags, strict=True):
        out = list(row)
        for k, cell in enumerate(cells, 1):
            for check in found.get(cell, []):
                see = " — " + _("see `xhht review show {id}`").format(id=check["item_id"]) \
                    if check.get("item_id") else ""
                notes.append(f"{MARK}{len(notes) + 1} {row[0]}, {_when(pivot, cell)}: {check['message']} "
                             f"[{check['check']}]{see}")
                out[k] = f"{number(out[k]) if out[k] is not None else ''} {MARK}{len(notes)}"
        marked.append(out)
    return columns, marked, notes


def _when(pivot: Pivot, cell: tuple[int, str]) -> str:
    return str(cell[0]) if pivot.kinds == ["actual"] else f"{cell[0]} {kind_name(cell[1])}"


def _flag_text(pivot: Pivot, found: dict) -> str:
    return " | ".join(f"{_when(pivot, cell)}: {check['message']} [{check['check']}]"
                      + (f" ({_('review item {id}').format(id=check['item_id'])})" if check.get("item_id")
                         else "")
                      for cell in sorted(found) for check in found[cell])


def _table(columns: list[str], rows: list[list], title: str | None, localized: bool = False) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for k, column in enumerate(columns):
        numeric = k > 0 and all(v is None or _is_number(v) for v in (row[k] for row in rows))
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else _fmt(v, localized and k > 0) for k, v in enumerate(row)])
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(table)
    return console.export_text()


def _is_number(value) -> bool:
    """A cell that is a number: right-aligned, so that digits line up (text reads from the left)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value, localized: bool = False) -> str:
    """A cell as a person reads it: 44.0 as 44; with `localized` (values, not ids or years) the
    number as the interface's language writes it (4.000.000 and 57,4 in Vietnamese)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if localized:
        return number(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def excel_format(value: int | float, unit: str | None = None) -> str:
    """The Excel number format of a numeric cell: grouped thousands, decimals only when there are
    some. Excel draws the separators of the reader's locale (4.000.000 and 57,4 % in Vietnamese)
    while the cell stays a number that sums and sorts."""
    code = "#,##0" if isinstance(value, int) else "#,##0.0#"
    return code + ' "%"' if unit == "%" else code


def _xlsx(columns: list[str], rows: list[list], path: Path, title: str | None,
          unit: str | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "xhht"
    start = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True)
        start = 3
    for k, column in enumerate(columns, 1):
        sheet.cell(row=start, column=k, value=column).font = Font(bold=True)
    for r, row in enumerate(rows, start + 1):
        for k, value in enumerate(row, 1):
            cell = sheet.cell(row=r, column=k, value=value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = excel_format(value, unit)
    sheet.freeze_panes = sheet.cell(row=start + 1, column=2)
    sheet.column_dimensions["A"].width = 40
    book.save(path)


def plot(pivot: Pivot, path: str | Path, width_px: int = 1200, height_px: int = 700) -> None:
    """A line chart: one line per unit over the years (targets dashed); numbers only."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dpi = 100
    fig, ax = plt.subplots(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    drawn = 0
    for name, values in pivot.rows:
        for kind in pivot.kinds:
            points = [(y, values.get((y, kind))) for y in pivot.years]
            points = [(y, v) for y, v in points if isinstance(v, int | float)]
            if not points:
                continue
            label = name if kind == "actual" else f"{name} ({kind_name(kind)})"
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                    linestyle="--" if kind == "target" else "-", label=label)
            drawn += 1
    if not drawn:
        plt.close(fig)
        raise ValueError(_("no numeric values of {code} to plot").format(code=pivot.code))
    ax.set_title(f"{pivot.label} ({pivot.code})", fontsize=11)
    ax.set_xlabel(_("Year"))
    ax.set_ylabel(pivot.unit or _("value"))
    ax.set_xticks(pivot.years)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


# The stable (CSV, JSON) and the translated names of a research view's added columns, by part.
PART_NAMES = {"coverage": ("{cell} đơn vị báo cáo", N_("{cell} units reporting")),
              "own": ("{cell} tự báo cáo", N_("{cell} own report")),
              "change": ("{cell} thay đổi", N_("{cell} change")),
              "pct": ("{cell} thay đổi %", N_("{cell} change %"))}
APART = ("{name} (chưa rõ đơn vị sau 2025)", N_("{name} (no known 2025 unit)"))
# Coverage as CSV and JSON write it: words between the numbers, so that a spreadsheet opening the
# CSV keeps it as text ("3/4" becomes the 3rd of April in Excel); the table, Excel and the page
# show "3/4". A 2025 unit's own report, standing for the whole unit, is said so.
COVERAGE = ("{reported} trên {total}", "{reported}/{total}")
OWN_REPORT = ("tự báo cáo", N_("own report"))


def view_table(view: View, fmt: str) -> tuple[list[str], list[list], list[str]]:
    """A research view as `fmt` shows it: the pivot's columns as `flagged` writes them (marks and
    the flag column included), each value followed by the parts the view adds — units reporting
    ("3/4"), the district's or province's own figure, the change and the change in % against the
    previous reported year — and the units set apart as last rows, named so."""
    translated = fmt in ("table", "xlsx")
    parts = [p for p in ("coverage", "own") if getattr(view, p)] + (["change", "pct"] if view.changes else [])
    pivot = view.pivot
    apart_name = _(APART[1]) if translated else APART[0]
    shown = Pivot(pivot.code, pivot.label, pivot.unit, pivot.kinds, pivot.years,
                  [*pivot.rows, *[(apart_name.format(name=n), v) for n, v in view.apart]])
    columns, rows, notes = flagged(shown, [*view.flags, *view.apart_flags], fmt)
    cells = view.cells()
    names = [_(PART_NAMES[p][1]) if translated else PART_NAMES[p][0] for p in parts]
    out_columns = [columns[0]]
    for k, cell in enumerate(cells, 1):
        out_columns += [columns[k], *[name.format(cell=_when(pivot, cell)) for name in names]]
    out_rows = []
    for r, row in enumerate(rows):
        out = [row[0]]
        for k, cell in enumerate(cells, 1):
            out += [row[k], *[part_value(view, r, cell, p, translated) if r < len(pivot.rows) else None
                              for p in parts]]
        out_rows.append(out + row[len(cells) + 1:])
    return out_columns + columns[len(cells) + 1:], out_rows, notes


def part_value(view: View, row: int, cell: tuple[int, str], part: str, translated: bool = True):
    """What a view adds to a row's cell: units reporting ("3/4", or "3 trên 4" in CSV and JSON: see
    COVERAGE), the own figure, or the change (empty where a sum's units differ between the years)."""
    if part == "coverage":
        if cell not in view.coverage[row]:
            return None
        found = view.coverage[row][cell]
        if found is None:
            return _(OWN_REPORT[1]) if translated else OWN_REPORT[0]
        return COVERAGE[translated].format(reported=found[0], total=found[1])
    if part == "own":
        return view.own[row].get(cell)
    change = view.changes[row].get(cell)
    return None if change is None else change[0 if part == "change" else 1]


PANEL_BATCH = 20_000  # rows per Parquet row group: a few MiB in memory however large the archive


def panel_csv(rows, stream, bom: bool = True) -> None:
    """The tidy panel as CSV, a row at a time (a file starts with a BOM for Excel)."""
    from extractor.research import PANEL_COLUMNS

    if bom:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(PANEL_COLUMNS)
    writer.writerows(["" if v is None else v for v in row] for row in rows)


def panel_parquet(rows, path: str | Path) -> None:
    """The tidy panel as Parquet (pyarrow), PANEL_BATCH rows at a time: memory stays flat."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from extractor.research import PANEL_COLUMNS

    types = {"year": pa.int32(), "value": pa.float64(), "corrected": pa.int8(), "in_compare": pa.int8()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in PANEL_COLUMNS])
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == PANEL_BATCH:
                writer.write_batch(_panel_batch(batch, schema))
                batch = []
        if batch:
            writer.write_batch(_panel_batch(batch, schema))


def _panel_batch(rows: list[tuple], schema):
    import pyarrow as pa

    columns = zip(*rows, strict=True)
    return pa.RecordBatch.from_arrays([pa.array(values, type=f.type) for values, f in zip(
        columns, schema, strict=True)], schema=schema)

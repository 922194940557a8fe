"""Research views over one indicator's pivot: units as of the 2025 merger, roll-ups of communes by
district or province, the change against each unit's previous reported year, a server-side sort,
and the tidy panel of every stored value. The CLI (`compare`, `export --format panel`) and the
web compare page both call this; it only reads.

What may be added up is the catalogue's word, never guessed: counts and sums of money are summed
over the units that reported that year, with the coverage beside the sum ("3/4"); a rate is
recomputed from its summed parts where `patterns/` declares them (`rate:` of the indicator),
else shown per predecessor and not summed; a status (Đạt / Chưa đạt) is never aggregated. A
unit whose 2025 successor is unknown is listed apart, never dropped. A figure flagged by a
failed check keeps its mark in every view: a sum carries the marks of the figures in it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.checks.results import disagreements, pivot_flags
from extractor.i18n import _
from extractor.normalize import collation_key, words
from extractor.patterns import Rate, default_catalogue
from extractor.query import Pivot, QueryError, compare, pivot_cells
from extractor.register import (
    commune_count,
    predecessor_count,
    province_commune_count,
    split_level,
    tier,
    unit_2025,
)
from extractor.store.units import unit_key

AS_OF = (2025,)  # the mergers the register knows
BY = ("district", "province")
Cell = tuple[int, str]  # (year, kind)
Apart = list[tuple[int, int | None]]  # rows set apart, each with the year its cells end before (or None)


@dataclass
class View:
    """One indicator as a research view: `pivot` holds the rows shown (units, 2025 units, districts
    or provinces), `flags` their failed checks per cell; for sums, `coverage` is (reported, of)
    per cell (None where a 2025 unit's own report is the figure) and `own` the figure the district
    or province reported itself, `reporters` the units summed per cell; `apart` the units set aside
    (no known 2025 unit), `changes` the change per cell against the previous reported year:
    (absolute, percent), or None where a sum's units differ between the two years."""

    pivot: Pivot
    flags: list[dict[Cell, list[dict]]]
    as_of: int | None = None
    by: str | None = None
    summed: bool = False
    coverage: list[dict[Cell, tuple[int, int] | None]] = field(default_factory=list)
    own: list[dict[Cell, object]] = field(default_factory=list)
    apart: list[tuple[str, dict[Cell, object]]] = field(default_factory=list)
    apart_flags: list[dict[Cell, list[dict]]] = field(default_factory=list)
    changes: list[dict[Cell, tuple[float, float | None] | None]] = field(default_factory=list)
    reporters: list[dict[Cell, frozenset]] = field(default_factory=list)

    def cells(self) -> list[Cell]:
        return [(year, kind) for year in self.pivot.years for kind in self.pivot.kinds]


class DistrictsAbolished(QueryError):
    """Districts asked as of 2025, when there are none: the way out is worded by each interface in
    its own terms (the CLI's options, the web form's fields), so it is told apart from other refusals."""


def research(conn: sqlite3.Connection, code: str, unit: str | None = None, district: str | None = None,
             province: str | None = None, year_from: int | None = None, year_to: int | None = None,
             as_of: int | None = None, by: str | None = None, change: bool = False,
             sort: str | None = None, descending: bool = False) -> View:
    """The view asked: the plain pivot, or its units gathered as of `as_of` and/or `by` district or
    province; with `change`, the change columns; sorted on the column id `sort` (see `column_ids`)."""
    if as_of is not None and as_of not in AS_OF:
        raise QueryError(_("no merger known as of {year} (known: {years})").format(
            year=as_of, years=", ".join(map(str, AS_OF))))
    if as_of is not None and by == "district":
        raise DistrictsAbolished(_("districts were abolished in the 2025 merger: use --by province with "
                                   "--as-of"))
    gathered = as_of is not None or by is not None
    # a sum links to no document: the sources are read only for the marks of the figures summed
    sources = not gathered or _aggregation(conn, code) == "none" or _flagged(conn, code)
    base = compare(conn, code, unit, district, province, year_from, year_to, with_sources=sources)
    marks = [flags | {cell: [*flags.get(cell, []), *other] for cell, other in apart.items()}
             for flags, apart in zip(pivot_flags(conn, base), disagreements(conn, base), strict=True)]
    view = View(base, marks, as_of, by)
    if gathered:
        view = _gathered(conn, view, year_from, year_to)
    if change:
        view.changes = [changes_of(view.pivot, values, _same_units(view, k) if view.summed else None)
                        for k, (_name, values) in enumerate(view.pivot.rows)]
    if sort:
        sort_view(view, sort, descending)
    return view


# ---- gathering units ---------------------------------------------------------------------------------
@dataclass
class _Group:
    name: str
    register: tuple[str, str]  # its names as the register has them: (2025 unit or district, province)
    members: list[int] = field(default_factory=list)  # rows of the base pivot
    total: int = 0  # units it gathers (coverage's "of")
    own_unit: int | None = None  # the district's or province's own unit


@dataclass
class _Counted:
    """How the base rows count in their sums as of 2025. A 2025 unit's own report (a row of `since`)
    counts from the merger's year on, for as many units as became it (`weight`); a predecessor's
    figure of a year its 2025 unit reported itself is left out, not counted twice."""

    since: dict[int, int] = field(default_factory=dict)  # own report's row → first year it counts
    weight: dict[int, int] = field(default_factory=dict)
    unit_2025: dict[int, tuple] = field(default_factory=dict)  # row → its 2025 unit's key
    reported: set[tuple] = field(default_factory=set)  # (2025 unit's key, cell) reported by that unit

    def usable(self, row: int, cell: Cell) -> bool:
        since = self.since.get(row)
        if since is not None:
            return cell[0] >= since
        return not self.reported or (self.unit_2025.get(row), cell) not in self.reported


def _gathered(conn: sqlite3.Connection, view: View, year_from: int | None, year_to: int | None) -> View:
    base = view.pivot
    units = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, level, name, district, province, merged_into, merged_province FROM units")}
    keys = {unit_id: _group_key(unit, view.as_of, view.by) for unit_id, unit in units.items()}
    groups, apart, counted = _groups(keys, base, view.as_of)
    _count_totals(groups, units, keys, view, set(base.unit_ids))
    kind = _aggregation(conn, base.code)
    if kind == "none":  # rates without parts, statuses: each unit as it reported, under its group
        return _per_unit(view, groups, apart)
    if kind == "rate":
        rate = default_catalogue().indicator(base.code).rate
        cells = _rate_cells(conn, view, groups, counted, rate, year_from, year_to)
    else:
        cells = _sum_cells(view, groups, counted)
    values, coverage, flags, reporters = cells
    keys = sorted(groups, key=lambda k: unit_order(groups[k].name))
    own = _own_figures(conn, base.code, [groups[k].own_unit for k in keys], year_from, year_to) if view.by \
        else []
    out = View(Pivot(base.code, base.label, base.unit, base.kinds, [],
                     [(groups[k].name, values[k]) for k in keys], [groups[k].own_unit or 0 for k in keys],
                     [{} for _k in keys]),
               [flags[k] for k in keys], view.as_of, view.by, True, [coverage[k] for k in keys], own)
    out.reporters = [reporters[k] for k in keys]
    _set_apart(out, view, apart)
    out.pivot.years = _years([*out.pivot.rows, *out.apart], own)
    return out


def _years(rows: list[tuple[str, dict]], own: list[dict]) -> list[int]:
    """The years of a gathered view: those of its sums, of the own figures and of the units set
    apart (a year only a unit set apart reported keeps its column)."""
    return sorted({y for _name, values in rows for y, _kind in values}
                  | {y for cells in own for y, _kind in cells})


def table_years(view: View) -> tuple[list[int], list[int]]:
    """The years of the main table (its rows and their own figures) and those of the units set
    apart: a page shows each table, and the chart, over its own years, where a download keeps one
    set of columns for both."""
    return _years(view.pivot.rows, view.own), _years(view.apart, [])


def _set_apart(out: View, view: View, apart: Apart) -> None:
    """The rows set apart, each with its cells before `before` when given (a 2025 unit's reports of
    the years before the merger: it did not exist then, and its predecessors are not known)."""
    for row, before in apart:
        name, values = view.pivot.rows[row]
        flags = view.flags[row]
        if before is not None:
            values = {c: v for c, v in values.items() if c[0] < before}
            flags = {c: f for c, f in flags.items() if c[0] < before}
        out.apart.append((name, values))
        out.apart_flags.append(flags)


@lru_cache(maxsize=65536)
def _fold(name: str | None) -> str:
    """A place name folded as unit keys are (the same few hundred names recur on every unit)."""
    return words(name or "")


def _flagged(conn: sqlite3.Connection, code: str) -> bool:
    return conn.execute("SELECT 1 FROM check_cells WHERE code = ? LIMIT 1", (code,)).fetchone() is not None


def _groups(keys: dict, base: Pivot, as_of: int | None) -> tuple[dict, Apart, _Counted]:
    """The base pivot's rows gathered: {group key: _Group}, the rows set apart (row, and the year
    its cells set apart end before, or None for all) and how the rows count. Only communes are
    gathered (a district's or province's own report is shown beside its communes' sum)."""
    groups: dict[tuple, _Group] = {}
    apart: Apart = []
    counted = _Counted()
    for row, unit_id in enumerate(base.unit_ids):
        found = keys[unit_id]
        if found is None:
            if as_of is not None:
                apart.append((row, None))
            continue
        key, name, register, unit_2025 = found
        groups.setdefault(key, _Group(name, register)).members.append(row)
        if unit_2025 is None:
            continue
        counted.unit_2025[row] = unit_2025[0]
        if unit_2025[1]:  # the 2025 unit's own report
            counted.since[row] = as_of
            counted.weight[row] = predecessor_count(*unit_2025[2]) or 1
            counted.reported |= {(unit_2025[0], c) for c, v in base.rows[row][1].items()
                                 if c[0] >= as_of and _is_number(v)}
            if any(y < as_of for y, _kind in base.rows[row][1]):
                apart.append((row, as_of))
    return groups, apart, counted


def _group_key(unit: tuple, as_of: int | None, by: str | None) -> tuple | None:
    """(key, shown name, register names, 2025 unit) of the group a unit goes in; None for a unit
    not gathered. The 2025 unit, as of 2025: (its key, whether the unit is that 2025 unit itself,
    its register names), else None."""
    level, name, district, province, merged_into, merged_province = unit
    if tier(level, name, district, province) != "commune":
        return None
    if as_of is not None:
        itself = not merged_into and not district and unit_2025(name, level, province)
        if itself:
            merged_into, merged_province = itself
        if not merged_into:
            return None
        new = (("unit", _fold(merged_into), _fold(merged_province)), bool(itself),
               (merged_into, merged_province or ""))
        if by == "province":
            province = merged_province or ""
            return ("province", _fold(province)), province or "?", (province, ""), new
        written = written_2025(merged_into)
        return (new[0], f"{written} ({merged_province})" if merged_province else written, new[2], new)
    if by == "district":
        shown = ", ".join(p for p in (district, province) if p) or "?"
        return ("district", _fold(district), _fold(province)), shown, (district or "", province or ""), None
    return ("province", _fold(province)), province or "?", (province or "", ""), None


def written_2025(merged_into: str) -> str:
    """A 2025 unit written as the archive writes names: its level in lower case ("xã Quỳnh Phú";
    the register of the merger writes "Xã Quỳnh Phú")."""
    level, name = split_level(merged_into)
    return f"{level} {name}" if level else name


def _count_totals(groups: dict, units: dict, keys: dict, view: View, shown: set[int]) -> None:
    """Each group's number of units (the archive's units of the group, or the register's count when
    it knows more: of a 2025 unit its predecessors, of a district or province its communes) and its
    own unit (a district or province that reports itself; one whose communes gave no figure is a
    group of its own, its figure beside an empty sum)."""
    by = view.by
    for unit_id, unit in units.items():
        key = keys[unit_id]
        if key is not None and key[0] in groups and not (key[3] and key[3][1]):  # not a 2025 unit itself
            groups[key[0]].total += 1
        level, name, district, province = unit[:4]
        own = tier(level, name, district, province)
        if by and own == by:
            wanted = ("district", _fold(name), _fold(province)) if by == "district" else (
                "province", _fold(name))
            if wanted not in groups and unit_id in shown:
                groups[wanted] = _Group(f"{name}, {province}" if by == "district" and province else name,
                                        (name, province or ""))
            if wanted in groups and groups[wanted].own_unit is None:
                groups[wanted].own_unit = unit_id
    for key, group in groups.items():
        known = None
        if key[0] == "unit":
            known = predecessor_count(*group.register)
        elif key[0] == "district":
            known = commune_count(*group.register)
        elif key[0] == "province":
            known = province_commune_count(group.register[0], view.as_of is not None)
        group.total = max(group.total, known or 0)


def _aggregation(conn: sqlite3.Connection, code: str) -> str:
    """'sum' for counts and money, 'rate' for a rate the catalogue gives the parts of, else 'none'."""
    found = conn.execute("SELECT value_type FROM indicators WHERE code = ?", (code,)).fetchone()
    value_type = found[0] if found else None  # an unknown code: compare says so
    if value_type in ("count", "money"):
        return "sum"
    try:
        rate = default_catalogue().indicator(code).rate
    except KeyError:
        rate = None
    return "rate" if value_type == "percent" and rate else "none"


def _sum_cells(view: View, groups: dict, counted: _Counted) -> tuple[dict, dict, dict, dict]:
    """Per group: the sum of each cell over its members that reported a number, their count of the
    group's units, the marks of the figures summed and the units summed (see `_Counted`)."""
    values, coverage, flags, reporters = {}, {}, {}, {}
    for key, group in groups.items():
        sums: dict[Cell, list] = {}  # cell → [sum, units]: one lookup per figure (a country's cells)
        marks: dict[Cell, list[dict]] = {}
        summed = _Summed()
        for row in group.members:
            found = view.flags[row]
            for cell, value in view.pivot.rows[row][1].items():
                if value.__class__ is not float and not _is_number(value):  # floats: most cells
                    continue
                if counted.since and not counted.usable(row, cell):
                    continue
                total = sums.get(cell)
                if total is None:
                    sums[cell] = [value, 0]
                else:
                    total[0] += value
                summed.add(view, counted, row, cell)
                if found and found.get(cell):
                    marks.setdefault(cell, []).extend(found[cell])
        values[key] = {cell: total[0] for cell, total in sums.items()}
        coverage[key], reporters[key] = summed.coverage(view, group), summed.frozen_units()
        flags[key] = marks
    return values, coverage, flags, reporters


@dataclass
class _Summed:
    """The units summed in each cell of a group: their number (a 2025 unit's own report counting
    for its predecessors) and their rows' unit ids; the cells a 2025 unit reported itself."""

    counts: dict[Cell, int] = field(default_factory=dict)
    units: dict[Cell, set] = field(default_factory=dict)  # grown in place: a province sums hundreds
    own: set[Cell] = field(default_factory=set)

    def add(self, view: View, counted: _Counted, row: int, cell: Cell) -> None:
        self.counts[cell] = self.counts.get(cell, 0) + counted.weight.get(row, 1)
        found = self.units.get(cell)
        if found is None:
            self.units[cell] = {view.pivot.unit_ids[row]}
        else:
            found.add(view.pivot.unit_ids[row])
        if row in counted.since:
            self.own.add(cell)

    def frozen_units(self) -> dict[Cell, frozenset]:
        return {cell: frozenset(units) for cell, units in self.units.items()}

    def coverage(self, view: View, group: _Group) -> dict[Cell, tuple[int, int] | None]:
        """(reported, of) per cell; None where the 2025 unit's own report is the figure (as of
        2025, unit by unit: it stands for the whole unit)."""
        return {cell: None if cell in self.own and not view.by else (count, max(group.total, count))
                for cell, count in self.counts.items()}


def _rate_cells(conn: sqlite3.Connection, view: View, groups: dict, counted: _Counted, rate: Rate,
                year_from: int | None, year_to: int | None) -> tuple[dict, dict, dict, dict]:
    """Per group: the rate recomputed from its parts summed over the members that reported every
    part that year (scale × Σnumerator / (Σdenominator − Σminus)), with their count, the marks
    of the parts used and the units summed. The rates the units printed are not averaged."""
    members = {view.pivot.unit_ids[row] for group in groups.values() for row in group.members}
    parts = {code: _unit_cells(conn, code, members, year_from, year_to) for code in rate.parts()}
    values, coverage, flags, reporters = {}, {}, {}, {}
    for key, group in groups.items():
        sums: dict[Cell, list[float]] = {}
        summed = _Summed()
        marks: dict[Cell, list[dict]] = {}
        for row in group.members:
            unit_id = view.pivot.unit_ids[row]
            for cell in _complete_cells(parts, unit_id, rate):
                if counted.since and not counted.usable(row, cell):
                    continue
                got = [sum(parts[c][unit_id][0][cell] for c in codes)
                       for codes in (rate.numerator, rate.denominator, rate.minus)]
                sums[cell] = [a + b for a, b in zip(sums.get(cell, [0, 0, 0]), got, strict=True)]
                summed.add(view, counted, row, cell)
                for code in rate.parts():
                    marks.setdefault(cell, []).extend(parts[code][unit_id][1].get(cell, []))
        values[key] = {cell: round(rate.scale * n / (d - m), 2) for cell, (n, d, m) in sums.items()
                       if d - m > 0}
        found = summed.coverage(view, group)
        coverage[key] = {cell: found[cell] for cell in values[key]}
        reporters[key] = {cell: frozenset(summed.units[cell]) for cell in values[key]}
        flags[key] = {cell: found for cell, found in marks.items() if found and cell in values[key]}
    return values, coverage, flags, reporters


def _complete_cells(parts: dict, unit_id: int, rate: Rate) -> set[Cell]:
    """The cells where a unit reported every part of the rate as a number."""
    found = None
    for code in rate.parts():
        cells = {c for c, v in parts[code].get(unit_id, ({}, {}))[0].items() if _is_number(v)}
        found = cells if found is None else found & cells
    return found or set()


def _unit_cells(conn: sqlite3.Connection, code: str, unit_ids: set[int], year_from: int | None,
                year_to: int | None) -> dict[int, tuple[dict, dict]]:
    """{unit: ({cell: value}, {cell: marks})} of one indicator for these units: their pivot_rows
    (by the primary key) and the checks that flag them."""
    rows, seen = {}, {}
    for unit_id, *lists in conn.execute(
            "SELECT unit_id, years, kinds, nums, texts, documents FROM pivot_rows WHERE code = ? "
            "AND unit_id IN (SELECT value FROM json_each(?))", (code, json.dumps(sorted(unit_ids)))):
        rows[unit_id] = pivot_cells(*lists, True, year_from, year_to, seen)
    ids = sorted(rows)
    part = Pivot(code, "", None, ["actual"], [], [("", rows[u][0]) for u in ids], ids,
                 [rows[u][1] for u in ids])
    return {u: (rows[u][0], marks) for u, marks in zip(ids, pivot_flags(conn, part), strict=True)}


def _own_figures(conn: sqlite3.Connection, code: str, own_units: list[int | None], year_from: int | None,
                 year_to: int | None) -> list[dict[Cell, object]]:
    """The figure each district or province reported itself, per cell ({} where it has none)."""
    found = _unit_cells(conn, code, {u for u in own_units if u}, year_from, year_to)
    return [found[u][0] if u in found else {} for u in own_units]


def _per_unit(view: View, groups: dict, apart: Apart) -> View:
    """Each unit as it reported, named under its group (for what is never summed)."""
    base = view.pivot
    rows = sorted((unit_order(group.name), unit_order(base.rows[row][0]), row, group.name)
                  for group in groups.values() for row in group.members)
    pivot = Pivot(base.code, base.label, base.unit, base.kinds, base.years,
                  [(f"{name} ← {base.rows[row][0]}", base.rows[row][1]) for _k, _n, row, name in rows],
                  [base.unit_ids[row] for _k, _n, row, _g in rows],
                  [base.sources[row] for _k, _n, row, _g in rows])
    out = View(pivot, [view.flags[row] for _k, _n, row, _g in rows], view.as_of, view.by, False)
    _set_apart(out, view, [found for found in apart if found[1] is None])  # a 2025 unit's: all shown
    return out


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---- change and sort -----------------------------------------------------------------------------------
def changes_of(pivot: Pivot, values: dict[Cell, object], same=None) -> dict[Cell, tuple | None]:
    """Each cell's change against the same kind's previous year with a number: (absolute, percent;
    None when the previous figure is 0). With `same` (a sum's: are the two cells sums over the
    same units?), None where they are not: a sum over other units is no change."""
    out: dict[Cell, tuple | None] = {}
    for kind in pivot.kinds:
        previous = None
        for year in pivot.years:
            value = values.get((year, kind))
            if not _is_number(value):
                continue
            if previous is not None:
                before, was = previous
                out[(year, kind)] = None if same and not same((before, kind), (year, kind)) else (
                    value - was, round((value - was) / was * 100, 1) if was else None)
            previous = (year, value)
    return out


def _same_units(view: View, row: int):
    """Whether two years' sums of a row (same kind) gather the same units: the same units reported,
    or every unit of the group did (a 2025 unit's own report stands for all of its units)."""
    coverage, reporters = view.coverage[row], view.reporters[row]

    def complete(cell: Cell) -> bool:
        found = coverage.get(cell)
        return found is None or found[0] >= found[1]

    def same(before: Cell, cell: Cell) -> bool:
        return complete(before) and complete(cell) or reporters.get(before) == reporters.get(cell)
    return same


def coverage_varies(view: View) -> bool:
    """True when a sum of the view gathers other units in one year than in another."""
    return any(len({units for units in found.values()}) > 1 and not all(
        c is None or c[0] >= c[1] for c in coverage.values())
        for found, coverage in zip(view.reporters, view.coverage, strict=True))


def withheld_changes(view: View) -> int:
    """How many change cells are left empty because a sum's units differ between the two years."""
    return sum(change is None for cells in view.changes for change in cells.values())


COLUMN_PARTS = ("value", "coverage", "own", "change", "pct")


def column_ids(view: View) -> list[str]:
    """The sortable columns: "unit", then "YEAR:KIND:PART" for each cell and part shown."""
    parts = ["value", *(["coverage"] if view.coverage else []), *(["own"] if view.own else []),
             *(["change", "pct"] if view.changes else [])]
    return ["unit", *[f"{y}:{k}:{p}" for y, k in view.cells() for p in parts]]


def cell_of(view: View, row: int, column: str):
    """The sortable value of one row in one column id."""
    if column == "unit":
        return unit_order(view.pivot.rows[row][0])
    year, kind, part = column.split(":")
    cell = (int(year), kind)
    if part == "value":
        return view.pivot.rows[row][1].get(cell)
    if part == "coverage":
        if cell not in view.coverage[row]:
            return None
        reported, total = view.coverage[row][cell] or (1, 1)  # a 2025 unit's own report: all of it
        return reported / total if total else None
    if part == "own":
        return view.own[row].get(cell)
    change = view.changes[row].get(cell) if view.changes else None
    return None if change is None else change[0 if part == "change" else 1]


def sort_view(view: View, column: str, descending: bool = False) -> None:
    """Sort the rows on one column (numbers as numbers, text after them, empty cells last whichever
    the direction), keeping every list aligned with the rows."""
    if column not in column_ids(view):
        raise QueryError(_("no column '{column}' to sort on").format(column=column))
    keyed = [(cell_of(view, r, column), r) for r in range(len(view.pivot.rows))]
    present = sorted((k for k in keyed if k[0] is not None), key=lambda k: _sort_key(k[0]),
                     reverse=descending)
    order = [r for _value, r in present] + [r for value, r in keyed if value is None]
    pivot = view.pivot
    pivot.rows = [pivot.rows[r] for r in order]
    pivot.unit_ids = [pivot.unit_ids[r] for r in order]
    pivot.sources = [pivot.sources[r] for r in order] if pivot.sources else []
    for name in ("flags", "coverage", "own", "changes", "reporters"):
        items = getattr(view, name)
        if items:
            setattr(view, name, [items[r] for r in order])


def _sort_key(value) -> tuple:
    return (0, value, "") if _is_number(value) else (1, 0, value if isinstance(value, tuple) else str(value))


@lru_cache(maxsize=65536)
def unit_order(name: str) -> tuple:
    """The sort key of a row's name: its bare name in the Vietnamese alphabet's order (`xã Bình …`
    beside `phường Bình …`, `Bắc …` before `Bình …`, `Đắk …` after `Dĩ …`), then its level."""
    level, bare = split_level(name)
    return collation_key(bare), collation_key(level)


# ---- the tidy panel ---------------------------------------------------------------------------------------
PANEL_COLUMNS = ("unit_key", "level", "name", "district", "province", "level_2025", "unit_2025",
                 "province_2025", "unit_2025_key", "year", "period", "code", "kind", "value", "value_text",
                 "unit_of_measure", "value_type", "document_sha256", "corrected", "in_compare")

# The values of effective_observations (db/migrations/0003), written out for the current documents
# in their order: read through the view, SQLite materialises every observation of the archive
# first (as store/pivot.py notes), where this reads each document's observations by its index.
# `in_compare`: the value is the one the pivot chose for its indicator, unit, year and kind (what
# compare shows; a report stored twice, as a file and inside a volume, counts once that way).
_PANEL_UNIT = ("u.key, coalesce(u.level, d.unit_level), coalesce(u.name, d.unit_name), coalesce(u.district, "
               "d.district), coalesce(u.province, d.province), u.merged_into, u.merged_province, d.year, "
               "d.period")
_IN_COMPARE = ("EXISTS (SELECT 1 FROM pivot_values p WHERE p.code = {code} AND p.unit_id = d.unit_id AND "
               "p.year = d.year AND p.kind = {kind} AND p.document_id = d.id)")
_PANEL = (
    f"SELECT {_PANEL_UNIT}, o.code, o.kind, CASE WHEN c.id IS NULL THEN o.value_num ELSE c.value_num END,"
    " CASE WHEN c.id IS NULL THEN o.value_text ELSE c.value_text END, i.unit, i.value_type, d.sha256,"
    f" c.id IS NOT NULL, {_IN_COMPARE.format(code='o.code', kind='o.kind')}"
    " FROM documents d JOIN observations o ON o.document_id = d.id"
    " LEFT JOIN corrections c ON c.active = 1 AND c.target = 'value' AND c.sha256 = d.sha256"
    "  AND c.code = o.code AND c.kind = o.kind"
    " LEFT JOIN units u ON u.id = d.unit_id LEFT JOIN indicators i ON i.code = o.code"
    " WHERE d.superseded_by IS NULL AND (c.action IS NULL OR c.action != 'delete')"
    " UNION ALL"
    f" SELECT {_PANEL_UNIT}, c.code, c.kind, c.value_num, c.value_text, i.unit, i.value_type, d.sha256, 1,"
    f" {_IN_COMPARE.format(code='c.code', kind='c.kind')}"
    " FROM corrections c JOIN documents d ON d.sha256 = c.sha256 AND d.superseded_by IS NULL"
    " LEFT JOIN units u ON u.id = d.unit_id LEFT JOIN indicators i ON i.code = c.code"
    " WHERE c.active = 1 AND c.target = 'value' AND c.action = 'set' AND NOT EXISTS (SELECT 1 FROM"
    "  observations o WHERE o.document_id = d.id AND o.code = c.code AND o.kind = c.kind)")


def panel_rows(conn: sqlite3.Connection) -> Iterator[tuple]:
    """Every value of every current document as one row of PANEL_COLUMNS, streamed from one query
    (a row at a time: the whole archive never sits in memory). `value` is the number (counts as
    integers), `value_text` a status or a word as written; `corrected` 1 where a correction in
    force gives the value."""
    cursor = conn.cursor()
    cursor.row_factory = None
    for row in cursor.execute(_PANEL):
        value = row[11]
        if value is not None and row[14] in ("count", "money") and float(value).is_integer():
            value = int(value)
        yield (*row[:5], *_panel_2025(*row[1:8]), *row[7:11], value, *row[12:])


@lru_cache(maxsize=65536)
def _panel_2025(level: str | None, name: str | None, district: str | None, province: str | None,
                merged_into: str | None, merged_province: str | None, year: int | None) -> tuple:
    """(level_2025, unit_2025, province_2025, unit_2025_key) of a panel row: the unit a commune became
    in the 2025 merger, or the 2025 unit itself for its own reports from the merger on (see
    `unit_2025`), its level apart and its name bare as the panel's other names; the key (folded
    level|name|province) is unique where the name alone recurs in several provinces."""
    if not merged_into and not district and year is not None and year >= AS_OF[0] and name:
        merged_into, merged_province = unit_2025(name, level, province) or (None, None)
    if not merged_into:
        return None, None, None, None
    level_2025, bare = split_level(merged_into)
    return level_2025 or None, bare, merged_province, unit_key(level_2025, bare, None, merged_province)

"""Pivot upkeep: `pivot_values` (one value per indicator, unit, year and kind) and `pivot_rows`
(a unit's cells of one indicator as one row) kept up to date with every write, so `compare`
reads them instead of ranking observations (see db/migrations/0002 and 0004).

A pivot cell is a (unit, year): whatever changes a document's values, unit or year recomputes
the cells it touches, before and after (`cells_of`).
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left

from extractor.store.connection import real_text, register_functions, transaction


def cells_of(conn: sqlite3.Connection, doc_ids: list[int]) -> set[tuple[int, int]]:
    """The (unit, year) cells of the pivot these documents touch."""
    marks = ",".join("?" * len(doc_ids))
    return {(u, y) for u, y in conn.execute(
        f"SELECT unit_id, year FROM documents WHERE id IN ({marks}) AND unit_id IS NOT NULL AND year IS "
        "NOT NULL",
        doc_ids)}


def codes_of(conn: sqlite3.Connection, doc_ids: list[int]) -> set[str]:
    """The indicators these documents give a value for, read or set by a correction."""
    marks = ",".join("?" * len(doc_ids))
    return {r[0] for r in conn.execute(
        f"SELECT code FROM observations WHERE document_id IN ({marks}) UNION "
        f"SELECT c.code FROM corrections c JOIN documents d ON d.sha256 = c.sha256 "
        f"WHERE d.id IN ({marks}) AND c.active = 1 AND c.target = 'value'", [*doc_ids, *doc_ids])}


# The value `compare` shows for an indicator, unit, year and kind: that of the current document
# last in the order undated documents last, then by issue date, then by id; corrected where a
# correction is in force. The corrections are applied as the view effective_observations does
# (db/migrations/0003), but to the documents of the cells being filled only: through the view,
# SQLite materialises every observation of the archive for each document imported.
_PIVOT_FILL = (
    "WITH cell AS (SELECT id, sha256, unit_id, year, issued_date FROM documents"
    "  WHERE superseded_by IS NULL AND year IS NOT NULL AND unit_id IS NOT NULL {where}),"
    " value AS ("
    "  SELECT o.document_id, o.code, o.kind,"
    "   CASE WHEN c.id IS NULL THEN o.value_num ELSE c.value_num END AS value_num,"
    "   CASE WHEN c.id IS NULL THEN o.value_text ELSE c.value_text END AS value_text"
    "  FROM cell d JOIN observations o ON o.document_id = d.id"
    "  LEFT JOIN corrections c ON c.active = 1 AND c.target = 'value' AND c.sha256 = d.sha256"
    "   AND c.code = o.code AND c.kind = o.kind"
    "  WHERE (c.action IS NULL OR c.action != 'delete') {obs_codes}"
    "  UNION ALL"
    "  SELECT d.id, c.code, c.kind, c.value_num, c.value_text FROM cell d"
    "  JOIN corrections c ON c.sha256 = d.sha256 AND c.active = 1 AND c.target = 'value' AND c.action = 'set'"
    "  {fix_codes} WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.document_id = d.id AND o.code "
    "= c.code   AND o.kind = c.kind))"
    " INSERT INTO pivot_values (code, unit_id, year, kind, value_num, value_text, document_id)"
    " SELECT code, unit_id, year, kind, value_num, value_text, document_id FROM ("
    "  SELECT v.code, d.unit_id, d.year, v.kind, v.value_num, v.value_text, v.document_id,"
    "   ROW_NUMBER() OVER (PARTITION BY v.code, d.unit_id, d.year, v.kind"
    "    ORDER BY d.issued_date IS NULL DESC, d.issued_date DESC, d.id DESC) AS rank"
    "  FROM value v JOIN cell d ON d.id = v.document_id) WHERE rank = 1")

# Restricts a statement to the indicators in :codes (a JSON list), on the column given.
_ONLY_CODES = " AND {} IN (SELECT value FROM json_each(:codes))"


def cell_fill(codes: bool) -> str:
    """The statement that fills `pivot_values` for the cell (:unit, :year), for the indicators in
    :codes only where `codes` (a JSON list): what `refresh_pivot` runs for each cell."""
    only = _ONLY_CODES if codes else ""
    return _PIVOT_FILL.format(where="AND unit_id = :unit AND year = :year", obs_codes=only.format("o.code"),
                              fix_codes=only.format("c.code"))


# A unit's cells of one indicator as one row of aligned lists (see db/migrations/0004), in the
# order of years and kinds (pivot_values is kept by unit and year: db/migrations/0013; an ordered
# subquery is not flattened into a grouping, so each group is concatenated in that order). Whole
# numbers, most values, are written by SQLite itself; the rest by Python's repr (xhht_real).
_ROWS_FILL = (
    "INSERT INTO pivot_rows (code, unit_id, years, kinds, nums, texts, documents) "
    "SELECT code, unit_id, group_concat(year, char(31)), group_concat(kind, char(31)),"
    " group_concat(CASE WHEN value_num = CAST(value_num AS INTEGER) AND value_num != 0 AND "
    "abs(value_num) < 1e15  THEN CAST(CAST(value_num AS INTEGER) AS TEXT) ELSE xhht_real(value_num) END, "
    "char(31)), CASE WHEN count(value_text) > 0 THEN group_concat(coalesce(value_text, ''), char(31)) END,"
    " group_concat(document_id, char(31)) FROM (SELECT * FROM pivot_values {where}"
    " ORDER BY unit_id, code, year, kind) GROUP BY unit_id, code")

# `_ROWS_FILL` for rows that may exist: each updated in place, so the index on pivot_rows(code)
# is written only for a unit's first row of an indicator (db/migrations/0012).
_ROWS_UPSERT = (" ON CONFLICT (unit_id, code) DO UPDATE SET years = excluded.years, kinds = excluded.kinds,"
                " nums = excluded.nums, texts = excluded.texts, documents = excluded.documents")


def refresh_pivot(conn: sqlite3.Connection, cells: set[tuple[int, int]],
                  codes: set[str] | None = None) -> None:
    """Recompute `pivot_values` for these (unit, year) cells, then their units' `pivot_rows`
    (see db/migrations/0002 and 0004). With `codes`, only those indicators: a document added to
    a cell can change the value shown for its own indicators only."""
    register_functions(conn)
    only = "" if codes is None else _ONLY_CODES
    fill = cell_fill(codes is not None)
    rows = _ROWS_FILL.format(where="WHERE unit_id = :unit" + only.format("code"))
    args = {"codes": json.dumps(sorted(codes or ()))}
    for unit_id, year in cells:
        args |= {"unit": unit_id, "year": year}
        conn.execute("DELETE FROM pivot_values WHERE unit_id = :unit AND year = :year" + only.format("code"),
                     args)
        conn.execute(fill, args)
    for unit_id in {unit_id for unit_id, _ in cells}:
        args["unit"] = unit_id
        conn.execute("DELETE FROM pivot_rows WHERE unit_id = :unit" + only.format("code"), args)
        conn.execute(rows, args)


def refresh_document(conn: sqlite3.Connection, doc_id: int) -> None:
    """Recompute the pivot for one document's unit and year (after a value correction)."""
    refresh_pivot(conn, cells_of(conn, [doc_id]))


# A new document that supersedes none and has no correction in force: each of its values takes
# its cell where it comes first in the pivot's order (see _PIVOT_FILL) or where the cell is empty,
# without reading the cell's other documents again. The cells it took are returned.
_PIVOT_ADD = (
    "INSERT INTO pivot_values (code, unit_id, year, kind, value_num, value_text, document_id)"
    " SELECT code, :unit, :year, kind, value_num, value_text, document_id FROM observations WHERE "
    "document_id = :doc ON CONFLICT (code, unit_id, year, kind) DO UPDATE SET value_num = excluded.value_num,"
    "  value_text = excluded.value_text, document_id = excluded.document_id"
    " WHERE EXISTS (SELECT 1 FROM documents d, documents w WHERE d.id = excluded.document_id"
    "  AND w.id = pivot_values.document_id AND (d.issued_date IS NULL, coalesce(d.issued_date, ''), d.id)"
    "  > (w.issued_date IS NULL, coalesce(w.issued_date, ''), w.id))"
    " RETURNING code, kind, value_num, value_text, document_id")

# A unit's rows of some indicators (:codes, a JSON list), each found by its key.
_UNIT_ROWS = ("SELECT code, years, kinds, nums, texts, documents FROM pivot_rows WHERE unit_id = :unit"
              + _ONLY_CODES.format("code"))
_ROW_WRITE = ("INSERT INTO pivot_rows (code, unit_id, years, kinds, nums, texts, documents) "
              "VALUES (?, ?, ?, ?, ?, NULL, ?)" + _ROWS_UPSERT)
_SEP = chr(31)


def add_to_pivot(conn: sqlite3.Connection, doc_id: int, cells: set[tuple[int, int]]) -> None:
    """The pivot after adding one document to its cell (see _PIVOT_ADD), then its unit's rows of
    the cells it took, each cell put in its place in the row's lists (`_spliced`): regrouping the
    unit's rows from pivot_values instead reads every year of the unit, so a document cost more
    the more history its unit had."""
    register_functions(conn)
    for unit_id, year in cells:
        taken = conn.execute(_PIVOT_ADD, {"doc": doc_id, "unit": unit_id, "year": year}).fetchall()
        if taken:
            _splice_rows(conn, unit_id, year, taken)


def _splice_rows(conn: sqlite3.Connection, unit_id: int, year: int, taken: list[tuple]) -> None:
    """Put the cells of (unit, year) a document took into the unit's pivot_rows. A row with a text
    value (rare: a text cannot be told from an empty one in the joined lists) is regrouped."""
    codes = json.dumps(sorted({cell[0] for cell in taken}))
    rows = {code: lists for code, *lists in conn.execute(_UNIT_ROWS, {"unit": unit_id, "codes": codes})}
    regroup, cells = set(), {}
    for code, kind, num, text, document in taken:
        row = rows.get(code)
        if text is not None or (row is not None and row[3] is not None):
            regroup.add(code)
        else:
            cells.setdefault(code, []).append((kind, num, document))
    conn.executemany(_ROW_WRITE, [(code, unit_id, *_spliced(rows.get(code), year, found))
                                  for code, found in cells.items() if code not in regroup])
    if regroup:
        rows_fill = _ROWS_FILL.format(where="WHERE unit_id = :unit" + _ONLY_CODES.format("code"))
        conn.execute(rows_fill + _ROWS_UPSERT, {"unit": unit_id, "codes": json.dumps(sorted(regroup))})


def _spliced(row: tuple | None, year: int, cells: list[tuple]) -> tuple[str, str, str, str]:
    """A pivot row's lists (years, kinds, nums, documents) with the cells (kind, number, document)
    of `year` set, each in the place and the form `_ROWS_FILL` gives it. The row is split and
    joined once, however many cells of it the document took."""
    years, kinds, nums, documents = ([], [], [], []) if row is None else (
        row[0].split(_SEP), row[1].split(_SEP), row[2].split(_SEP), row[4].split(_SEP))
    for kind, num, document in cells:
        keys = list(zip(map(int, years), kinds, strict=True))
        at = bisect_left(keys, (year, kind))
        if at < len(keys) and keys[at] == (year, kind):
            nums[at], documents[at] = number_text(num), str(document)
        else:
            years.insert(at, str(year))
            kinds.insert(at, kind)
            nums.insert(at, number_text(num))
            documents.insert(at, str(document))
    return _SEP.join(years), _SEP.join(kinds), _SEP.join(nums), _SEP.join(documents)


def number_text(value: float | None) -> str:
    """A value of pivot_rows' nums as `_ROWS_FILL` writes it: a whole number by SQLite's own
    integer text, the rest as Python's repr (xhht_real)."""
    if value is not None and value != 0 and abs(value) < 1e15 and value == int(value):
        return str(int(value))
    return real_text(value)


def rebuild_pivot(conn: sqlite3.Connection) -> None:
    """Recompute all of `pivot_values` and `pivot_rows`, for data written around `save` (bulk
    loads, repairs)."""
    register_functions(conn)
    with transaction(conn):
        conn.execute("DELETE FROM pivot_values")
        conn.execute(_PIVOT_FILL.format(where="", obs_codes="", fix_codes=""))
        conn.execute("DELETE FROM pivot_rows")
        conn.execute(_ROWS_FILL.format(where=""))

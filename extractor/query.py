"""Queries for the researcher: one indicator across units and years, catalogue and unit lists,
export in the spot-check contract, read-only SQL.

Everything here reads only current documents (not superseded by a newer version of their file).
When a unit reported twice for one year, the latest issued document (then the latest imported)
gives the value.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process

from extractor.i18n import N_, _, kind_name, number
from extractor.normalize import words


class QueryError(Exception):
    """A query that cannot be answered as asked; str() says why (and what might be meant)."""


@dataclass
class Pivot:
    """Units × years of one indicator; `kinds` is ["actual"] or ["target", "actual"]."""

    code: str
    label: str
    unit: str | None
    kinds: list[str]
    years: list[int]
    rows: list[tuple[str, dict[tuple[int, str], object]]] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)  # aligned with rows
    sources: list[dict[tuple[int, str], int]] = field(default_factory=list)  # document id of each cell

    def header(self, translated: bool = False) -> list[str]:
        """The column names: stable Vietnamese ones for CSV and JSON (programs key on them), or,
        `translated`, in the interface's language for tables, Excel and pages."""
        names = {"target": "chỉ tiêu", "actual": "kết quả"}
        first = "Đơn vị"
        if translated:
            names, first = {k: kind_name(k) for k in names}, _("Unit")
        if self.kinds == ["actual"]:
            return [first, *[str(y) for y in self.years]]
        return [first, *[f"{y} {names[k]}" for y in self.years for k in self.kinds]]

    def table(self) -> list[list[object]]:
        return [[name, *[values.get((y, k)) for y in self.years for k in self.kinds]] for name,
                values in self.rows]


def compare(conn: sqlite3.Connection, code: str, unit: str | None = None, district: str | None = None,
            province: str | None = None, year_from: int | None = None, year_to: int | None = None,
            with_sources: bool = False) -> Pivot:
    """The pivot of one indicator; unit, district and province match without diacritics.

    One range scan of `pivot_rows` (a row per unit, kept ready by the import) joined to the
    units. Places are compared, and units sorted, on the parts of a unit's key, which is its
    folded level|name|district|province (store.unit_key), so no name is folded again here.
    `with_sources` adds the document of each cell (the web view links to it)."""
    info = conn.execute("SELECT label, unit, value_type FROM indicators WHERE code = ?", (code,)).fetchone()
    if info is None:
        codes = [r[0] for r in conn.execute("SELECT code FROM indicators")]
        raise QueryError(_("unknown indicator code '{code}'").format(code=code) + _suggest(code, codes))
    wanted = {"name": unit, "district": district, "province": province}
    for column, name in wanted.items():
        if name:
            _check_place(conn, column, name)
    parts = {"name": 1, "district": 2, "province": 3}
    places = [(parts[column], words(name)) for column, name in wanted.items() if name]
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples
    found, seen = [], {}
    for unit_id, key, level, name, district, province, *cells in cursor.execute(
            "SELECT u.id, u.key, u.level, u.name, u.district, u.province, p.years, p.kinds, p.nums, p.texts,"
            " p.documents FROM pivot_rows p JOIN units u ON u.id = p.unit_id WHERE p.code = ?", (code,)):
        folded = key.split("|")
        if any(folded[i] != place for i, place in places):
            continue
        values, sources = pivot_cells(*cells, with_sources, year_from, year_to, seen)
        if values:
            found.append((" ".join(p for p in folded if p), unit_id,
                          _unit_label(level, name, district, province), values, sources))
    found.sort(key=lambda f: f[0])
    kinds = ["target", "actual"] if info["value_type"] == "percent_or_status" else ["actual"]
    years = sorted(
        set().union(*(dict(f[3].keys()) for f in found)))  # (year, kind) pairs → {year: kind}: in C
    return Pivot(code, info["label"], info["unit"], kinds, years, [(f[2], f[3]) for f in found],
                 [f[1] for f in found], [f[4] for f in found] if with_sources else [])


_SEP = "\x1f"  # char(31), between the items of a pivot_rows list


def pivot_cells(years: str, kinds: str, nums: str, texts: str | None, documents: str, with_sources: bool,
           year_from: int | None, year_to: int | None, seen: dict) -> tuple[dict, dict]:
    """One unit's cells from its pivot_rows lists: {(year, kind): value} and {(year, kind): document id}.
    Split and converted by map() and zip(), in C: this runs once per unit of a country's pivot.
    Most units report the same years, so their (year, kind) keys are made once (`seen`)."""
    keys = seen.get((years, kinds))
    if keys is None:
        keys = seen[years, kinds] = list(zip(map(int, years.split(_SEP)), kinds.split(_SEP), strict=True))
    if texts is None:
        values = map(float, nums.split(_SEP))
    else:
        values = [float(n) if n else (t or None) for n, t in zip(nums.split(_SEP), texts.split(
            _SEP), strict=True)]
    cells = dict(zip(keys, values, strict=True))
    sources = dict(zip(keys, map(int, documents.split(_SEP)), strict=True)) if with_sources else {}
    if year_from is not None or year_to is not None:
        low, high = year_from if year_from is not None else -1, year_to if year_to is not None else 10 ** 6
        cells = {k: v for k, v in cells.items() if low <= k[0] <= high}
        sources = {k: v for k, v in sources.items() if low <= k[0] <= high}
    return cells, sources


@lru_cache(maxsize=1024)
def _integers(text: str) -> tuple[int, ...]:
    """A pivot_rows list of years or documents, converted once: a unit's forty rows mostly share
    theirs (a document a year), and the checks read them all for each document imported."""
    return tuple(map(int, text.split(_SEP)))


def pivot_series(years: str, kinds: str, nums: str, texts: str | None, documents: str
                 ) -> dict[str, tuple[list[int], list, list[int]]]:
    """One unit's row of pivot_rows as a series per kind: {kind: (years, values, documents)}, the
    lists split and converted in C. What the checks read: a unit's every year of every indicator,
    for each document imported."""
    years_of, kinds_of, documents_of = list(_integers(years)), kinds.split(_SEP), list(_integers(documents))
    values = list(map(float, nums.split(_SEP))) if texts is None else [
        float(n) if n else (t or None) for n, t in zip(nums.split(_SEP), texts.split(_SEP), strict=True)]
    if kinds_of.count(kinds_of[0]) == len(kinds_of):
        return {kinds_of[0]: (years_of, values, documents_of)}
    out: dict[str, tuple[list[int], list, list[int]]] = {}
    for year, kind, value, document in zip(years_of, kinds_of, values, documents_of, strict=True):
        series = out.setdefault(kind, ([], [], []))
        series[0].append(year), series[1].append(value), series[2].append(document)
    return out


def _unit_label(level: str | None, name: str, district: str | None, province: str | None) -> str:
    place = ", ".join(p for p in (district, province) if p)
    name = f"{level} {name}" if level else name
    return f"{name} ({place})" if place else name


def _check_place(conn: sqlite3.Connection, column: str, wanted: str) -> None:
    known = [r[0] for r in conn.execute(f"SELECT DISTINCT {column} FROM units WHERE {column} IS NOT NULL")]
    if words(wanted) not in {words(k) for k in known}:
        raise QueryError(_(_NO_PLACE[column]).format(name=wanted) + _suggest(wanted, known))


_NO_PLACE = {"name": N_("no unit named '{name}' in the database"),
             "district": N_("no district named '{name}' in the database"),
             "province": N_("no province named '{name}' in the database")}


def _suggest(wanted: str, known: list[str]) -> str:
    choices = {words(k): k for k in known}
    found = process.extract(words(wanted), list(choices), limit=3, score_cutoff=60)
    return _("; did you mean: {names}?").format(names=", ".join(choices[m[0]]
                                                                for m in found)) if found else ""


def indicators(conn: sqlite3.Connection) -> list[dict]:
    """The catalogue with the number of stored observations of each code."""
    sql = ("SELECT i.code, i.report_type, i.label, i.unit, coalesce(n.observations, 0) AS observations "
           "FROM indicators i LEFT JOIN (SELECT o.code, count(*) AS observations FROM documents d "
           "JOIN observations o ON o.document_id = d.id WHERE d.superseded_by IS NULL GROUP BY o.code) n "
           "ON n.code = i.code ORDER BY i.report_type, i.code")
    return [dict(r) for r in conn.execute(sql)]


def units(conn: sqlite3.Connection) -> list[dict]:
    """Every unit with the years its current documents cover."""
    sql = ("SELECT u.id, u.level, u.name, u.district, u.province, u.merged_into, COUNT(d.id) AS documents, "
           "GROUP_CONCAT(DISTINCT d.year) AS years FROM units u "
           "LEFT JOIN documents d ON d.unit_id = u.id AND d.superseded_by IS NULL "
           "GROUP BY u.id ORDER BY u.province, u.district, u.name")
    out = []
    for row in conn.execute(sql):
        item = dict(row)
        item["years"] = ", ".join(sorted((row["years"] or "").split(","))) if row["years"] else ""
        out.append(item)
    return out


def export_documents(conn: sqlite3.Connection) -> Iterator[dict]:
    """Every current document as the spot-check contract object, rebuilt from the tables."""
    for doc in conn.execute("SELECT * FROM documents WHERE superseded_by IS NULL ORDER BY id"):  # streamed
        path = conn.execute("SELECT path FROM document_paths WHERE document_id = ? ORDER BY last_seen "
                            "DESC LIMIT 1",
                            (doc["id"],)).fetchone()
        meta = {k: doc[k] for k in ("report_type", "unit_name", "unit_level", "district", "province", "year",
                                    "period", "issued_date", "doc_number")}
        yield {
            "source": {"path": path[0] if path else None, "sha256": doc["sha256"], "format": doc["format"],
                       "size": doc["size"]},
            "document": meta,
            "indicators": [_observation(r) for r in conn.execute(
                "SELECT * FROM effective_observations WHERE document_id = ? "
                "ORDER BY observation_id IS NULL, observation_id, code, kind", (doc["id"],))],
            "activities": [{"name": r["name"], "participants": r["participants"], "host": r["host"],
                            "partners": r["partners"], "location": r["location"],
                            "raw_participants": r["raw_participants"]}
                           for r in conn.execute("SELECT * FROM activities WHERE document_id = ? "
                                                 "ORDER BY seq",
                                                 (doc["id"],))],
            "unmatched": [{"label": r["label"], "raw_value": r["raw_value"], "location": r["location"],
                           "reason": r["reason"], "best": r["best_code"], "score": r["score"]}
                          for r in conn.execute("SELECT * FROM review_items WHERE document_id = ? AND kind = "
                                                "'unmatched' ORDER BY id", (doc["id"],))],
            "warnings": [r[0] for r in conn.execute(
                "SELECT reason FROM review_items WHERE document_id = ? AND kind = 'warning' ORDER BY id",
                (doc["id"],))],
            "reader": {"pages": doc["pages"], "notes": json.loads(doc["reader_notes"] or "[]"),
                       "method": doc["reader_method"]},
            "versions": {"extractor": doc["extractor_version"], "patterns": doc["patterns_version"]},
            **_corrections_of(conn, doc["sha256"]),
        }


def _corrections_of(conn: sqlite3.Connection, sha256: str) -> dict:
    """The corrections in force for a document, as the export shows them ({} when there are none)."""
    rows = conn.execute("SELECT target, action, code, kind, COALESCE(value_num, value_text) AS value, unit, "
                        "author, created_at, note FROM corrections WHERE sha256 = ? AND active = 1 ORDER BY "
                        "created_at, target, code, kind", (sha256,)).fetchall()
    if not rows:
        return {}
    return {"corrections": [{**dict(r), "unit": json.loads(r["unit"]) if r["unit"] else None} for r in rows]}


def observation_rows(conn: sqlite3.Connection) -> Iterator[dict]:
    """One flat row per current observation, with its unit, period and provenance (CSV export);
    counts written as integers (3, not 3.0)."""
    sql = ("SELECT v.*, (SELECT path FROM document_paths p WHERE p.document_id = v.document_id "
           "ORDER BY last_seen DESC LIMIT 1) AS path FROM indicator_values v ORDER BY v.document_id, "
           "v.code, v.kind")
    for row in conn.execute(sql):
        out = dict(row)
        for column in ("value", "extracted_value"):
            if column in out:
                out[column] = plain_value(out[column], out.get("unit"))
        yield out


def _observation(row: sqlite3.Row) -> dict:
    value = row["value_num"] if row["value_num"] is not None else row["value_text"]
    if isinstance(value, float) and value.is_integer() and row["unit"] != "%":
        value = int(value)
    out = {"code": row["code"], "kind": row["kind"], "value": value, "unit": row["unit"],
           "label": row["raw_label"], "raw_value": row["raw_value"], "score": row["score"],
           "location": row["location"], "method": row["method"]}
    if row["ocr_confidence"] is not None:
        out["ocr_confidence"] = row["ocr_confidence"]
    if "source" in row.keys() and row["source"] == "correction":  # noqa: SIM118 (sqlite3.Row)
        out["source"] = "correction"
        out["extracted_value"] = plain_value(row["extracted_value"], row["unit"])
    return out


def plain_value(value, unit: str | None):
    """A stored number as it was written: counts as integers, rates as they are."""
    if isinstance(value, float) and value.is_integer() and unit != "%":
        return int(value)
    return value


READ_PRAGMAS = ("table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
                "table_list", "user_version",  # what `xhht sql` may ask with PRAGMA: the schema, the version
                "data_version")  # read by SQLite's full-text search itself (it cannot be set)
VALUED_READS = ("table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
                "table_list")  # their argument names a table or index; user_version's would set it
SQL_TIMEOUT = 30.0  # seconds a query may run (a recursive CTE without an end would run forever)


def run_sql(conn: sqlite3.Connection, sql: str,
            timeout: float = SQL_TIMEOUT) -> tuple[list[str], list[tuple]]:
    """Run one query on a read-only connection: (column names, rows), within `timeout` seconds.

    A read-only connection still lets ATTACH open (and create) any file, and VACUUM INTO attaches
    its target too (leaving an empty file behind), and PRAGMAs change settings (journal_mode on a
    read-only file fails as a misleading "disk I/O error"): SQLite's authorizer refuses attaching
    and every PRAGMA but the schema reads of READ_PRAGMAS, so this reads the archive and writes
    nothing anywhere. The progress handler stops a query at its time limit."""
    refused: list[str] = []

    def authorize(action: int, name: str | None, arg: str | None, *_args) -> int:
        if action == sqlite3.SQLITE_ATTACH:
            refused.append(_("SQL refused: it would open the file '{file}' (ATTACH, VACUUM INTO); `xhht sql` "
                             "only reads this database").format(file=name or ""))
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and (name not in READ_PRAGMAS or (arg is not None and
                                                                             name not in VALUED_READS)):
            refused.append(_("SQL refused: PRAGMA {name} is not allowed, `xhht sql` only reads this database "
                             "(PRAGMAs allowed: {allowed}, and user_version without a value)").format(
                name=f"{name} = {arg}" if arg is not None else name, allowed=", ".join(VALUED_READS)))
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    deadline = time.monotonic() + timeout
    conn.set_authorizer(authorize)
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = [tuple(r) for r in cursor.fetchall()]
    except sqlite3.Error as exc:
        if refused:
            raise QueryError(refused[0]) from None
        if time.monotonic() > deadline:
            raise QueryError(_("SQL stopped at its time limit of {seconds} s (`--timeout SECONDS` gives it "
                               "more)").format(seconds=number(timeout))) from None
        raise QueryError(_("SQL error: {error}").format(error=exc)) from exc
    finally:
        conn.set_authorizer(None)
        conn.set_progress_handler(None, 0)
    return columns, rows

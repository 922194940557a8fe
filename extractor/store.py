"""Storage: the SQLite archive (schema in db/migrations, applied in order, versioned by user_version).

A document is identified by its content's sha256. Saving one extraction result is one
transaction: the document, its unit, observations, activities, review items and path are all
written or none is, so a crash or a kill at any moment leaves a consistent database and the
next import simply does what is left. Nothing is ever deleted: a changed file at a known path
becomes a new document and the old one is marked superseded by it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from extractor.checks.results import store_report_checks
from extractor.normalize import words
from extractor.patterns import Catalogue
from extractor.register import merged_unit
from extractor.resources import data_dir
from extractor.review import plain_review_items

DEFAULT_DB = "xhht.db"
DB_ENV = "XHHT_DB"


def default_db_path() -> Path:
    """The database used when no --db is given: $XHHT_DB, else ./xhht.db."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def now(precise: bool = False) -> str:
    """The time in UTC as ISO 8601: to the second, or to the microsecond where `precise` (the
    order of corrections, which a person can make several of within one second)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds" if precise else "seconds")


class StoreError(Exception):
    """A document that cannot be stored as it is; str() says why in one line."""


def migrations() -> list[tuple[int, Path]]:
    """(version, file) for every db/migrations/NNNN_name.sql, in order."""
    found = []
    for path in sorted((data_dir("db") / "migrations").glob("*.sql")):
        match = re.match(r"^(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """Open the archive. Read-only connections refuse writes at the SQLite level."""
    path = Path(path)
    if readonly:
        if not path.exists():
            raise FileNotFoundError(f"no database at {path}")
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA query_only = ON")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -32768")  # 32 MiB: the pivot refresh re-reads the pages of a unit
        conn.execute("PRAGMA temp_store = MEMORY")  # window functions sort in temporary b-trees
        _register_functions(conn)
        migrate(conn)
    conn.row_factory = sqlite3.Row
    return conn


def _real_text(value: float | None) -> str:
    """A REAL as text that reads back as the same float ('' for NULL), for pivot_rows."""
    return "" if value is None else repr(float(value))


def _register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the store's statements use. Registered again wherever they run, as a
    connection the store did not open (Datasette's write thread) writes through it too."""
    conn.create_function("xhht_real", 1, _real_text, deterministic=True)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to the newest migration; returns the version reached."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, path in migrations():
        if number <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= number:  # another process did it
                conn.execute("COMMIT")
                continue
            for statement in _statements(path.read_text(encoding="utf-8")):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = number
    return version


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement knows where they end)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    return out


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error (or interrupt), a failed COMMIT included.

    SQLite rolls back by itself on some errors (a full disk, I/O); the ROLLBACK is only sent
    while a transaction is still open, so the error that caused it is the one raised, and the
    connection is always left ready for the next document.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def sync_catalogue(conn: sqlite3.Connection, catalogue: Catalogue) -> None:
    """Write the indicator catalogue of patterns/ into the `indicators` table."""
    rows = [(ind.code, rtype, ind.group, ind.label, ind.unit, ind.value_type)
            for rtype, report in catalogue.reports.items() for ind in report.indicators]
    with transaction(conn):
        conn.executemany(
            "INSERT INTO indicators (code, report_type, grp, label, unit, value_type) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(code) DO UPDATE SET report_type=excluded.report_type, grp=excluded.grp, "
            "label=excluded.label, unit=excluded.unit, value_type=excluded.value_type", rows)


# ---- writing one document ---------------------------------------------------------------
def document_id(conn: sqlite3.Connection, sha256: str) -> int | None:
    row = conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return row[0] if row else None


def record_path(conn: sqlite3.Connection, doc_id: int, path: str) -> None:
    """Note that this document's content was (still) found at `path`."""
    stamp = now()
    conn.execute("INSERT INTO document_paths (document_id, path, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(document_id, path) DO UPDATE SET last_seen = excluded.last_seen",
                 (doc_id, path, stamp, stamp))


def save(conn: sqlite3.Connection, result: dict, path: str) -> tuple[str, int]:
    """Store one extraction result; returns ("imported" | "unchanged", document id).

    One transaction. A document already stored (same sha256) only gains the path; a new
    content at a path that held another document supersedes that document.
    """
    source = result["source"]
    with transaction(conn):
        existing = document_id(conn, source["sha256"])
        if existing is not None:
            record_path(conn, existing, path)
            return "unchanged", existing
        doc_id = _insert_document(conn, result)
        _insert_children(conn, doc_id, result)
        store_report_checks(conn, doc_id, result)  # its failed identity checks, with the document
        reconcile_corrections(conn, doc_id, result["versions"]["extractor"])
        previous = [r[0] for r in conn.execute(
            "SELECT d.id FROM documents d JOIN document_paths p ON p.document_id = d.id "
            "WHERE p.path = ? AND d.id != ? AND d.superseded_by IS NULL", (path, doc_id))]
        cells = _unit_years(conn, [doc_id, *previous])
        for old in previous:
            conn.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", (doc_id, old))
        if previous or conn.execute("SELECT 1 FROM corrections WHERE sha256 = ? AND active = 1 AND target = 'value'",
                                    (source["sha256"],)).fetchone():
            _refresh_pivot(conn, cells, _codes_of(conn, [doc_id, *previous]))
        else:
            _add_to_pivot(conn, doc_id, cells)
        record_path(conn, doc_id, path)
        conn.execute("DELETE FROM import_errors WHERE path = ?", (path,))
    return "imported", doc_id


def replace_extraction(conn: sqlite3.Connection, doc_id: int, result: dict) -> list[dict]:
    """Re-extraction of a stored document: swap what was read, keep a history of changes."""
    with transaction(conn):
        old_row = conn.execute("SELECT extractor_version, patterns_version FROM documents WHERE id = ?",
                               (doc_id,)).fetchone()
        before = _values(conn, doc_id)
        cells = _unit_years(conn, [doc_id])
        item_ids = dict(conn.execute("SELECT item_key, id FROM review_items WHERE document_id = ?", (doc_id,)).fetchall())
        for table in ("observations", "activities", "review_items"):
            conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))
        meta = result["document"]
        old_unit = conn.execute("SELECT unit_id FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        unit_id = _unit_id(conn, meta)
        conn.execute(
            "UPDATE documents SET extracted_at=?, report_type=?, unit_id=?, unit_name=?, unit_level=?, district=?, "
            "province=?, year=?, period=?, issued_date=?, doc_number=?, extractor_version=?, patterns_version=? "
            "WHERE id = ?",
            (now(), meta["report_type"], unit_id, meta["unit_name"], meta["unit_level"], meta["district"],
             meta["province"], meta["year"], meta["period"], meta["issued_date"], meta["doc_number"],
             result["versions"]["extractor"], result["versions"]["patterns"], doc_id))
        _insert_children(conn, doc_id, result, item_ids)
        store_report_checks(conn, doc_id, result)  # its failed identity checks, with the document
        events = reconcile_corrections(conn, doc_id, result["versions"]["extractor"])
        _refresh_pivot(conn, cells | _unit_years(conn, [doc_id]))
        _drop_empty_units(conn, {old_unit})
        after = _values(conn, doc_id)
        changes = [{"code": code, "kind": kind, "old": before.get((code, kind)), "new": after.get((code, kind))}
                   for code, kind in sorted(set(before) | set(after)) if before.get((code, kind)) != after.get((code, kind))]
        changes += events
        conn.execute(
            "INSERT INTO extraction_history (document_id, extracted_at, old_extractor, old_patterns, new_extractor, "
            "new_patterns, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, now(), old_row[0], old_row[1], result["versions"]["extractor"], result["versions"]["patterns"],
             json.dumps(changes, ensure_ascii=False)))
    return changes


def reconcile_corrections(conn: sqlite3.Connection, doc_id: int, extractor_version: str) -> list[dict]:
    """Bring a freshly (re-)extracted document in line with the corrections in force for it.

    Value corrections need nothing (the views apply them); a unit chosen by a person is written
    back over the extracted one. Where the extraction now says what the correction says, that is
    noted in the correction's history (once per extractor version) and returned as a change.
    """
    sha = conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    events = []
    for row in conn.execute("SELECT * FROM corrections WHERE sha256 = ? AND active = 1 AND target != 'review' "
                            "ORDER BY id", (sha,)).fetchall():
        if row["target"] == "unit":
            unit = json.loads(row["unit"])
            extracted = _document_unit(conn, doc_id)
            agrees = all(words(extracted.get(k) or "") == words(unit.get(k) or "") for k in unit)
            if not agrees:
                set_document_unit(conn, doc_id, unit)
        else:
            current = conn.execute("SELECT value_num, value_text FROM observations WHERE document_id = ? AND code = ? "
                                   "AND kind = ?", (doc_id, row["code"], row["kind"])).fetchone()
            if row["action"] == "delete":
                agrees = current is None
            else:
                agrees = current is not None and tuple(current) == (row["value_num"], row["value_text"])
        history = json.loads(row["history"])
        if agrees and not any(e.get("event") == "agrees" and e.get("extractor") == extractor_version for e in history):
            event = {"event": "agrees", "at": now(), "extractor": extractor_version,
                     "note": "the extraction now says what the correction says"}
            conn.execute("UPDATE corrections SET history = ? WHERE id = ?",
                         (json.dumps([*history, event], ensure_ascii=False), row["id"]))
            events.append({"code": row["code"], "kind": row["kind"], "correction": row["id"],
                           "note": event["note"]})
    return events


_UNIT_FIELDS = ("unit_name", "unit_level", "district", "province")


def _document_unit(conn: sqlite3.Connection, doc_id: int) -> dict:
    row = conn.execute(f"SELECT {', '.join(_UNIT_FIELDS)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return dict(zip(_UNIT_FIELDS, row, strict=True))


def set_document_unit(conn: sqlite3.Connection, doc_id: int, unit: dict) -> dict:
    """Give a document the unit a person chose (inside the caller's transaction); returns the old one."""
    old = _document_unit(conn, doc_id)
    old_unit = conn.execute("SELECT unit_id FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    cells = _unit_years(conn, [doc_id])
    meta = {k: unit.get(k) for k in _UNIT_FIELDS}
    conn.execute("UPDATE documents SET unit_id = ?, unit_name = ?, unit_level = ?, district = ?, province = ? "
                 "WHERE id = ?", (_unit_id(conn, meta), *(meta[k] for k in _UNIT_FIELDS), doc_id))
    _refresh_pivot(conn, cells | _unit_years(conn, [doc_id]))
    _drop_empty_units(conn, {old_unit})
    return old


def _drop_empty_units(conn: sqlite3.Connection, unit_ids: set[int | None]) -> None:
    """Remove these units where no document (current or superseded) is theirs any more: a name
    read wrongly and corrected by a person must not stay listed as a unit with no reports.

    A unit's identity across years is its key (level, name, district, province), not its row id:
    a document of that unit imported later finds it again by the key, or makes it anew.
    """
    for unit_id in unit_ids - {None}:
        conn.execute("DELETE FROM units WHERE id = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE unit_id = ?)",
                     (unit_id, unit_id))


def refresh_document(conn: sqlite3.Connection, doc_id: int) -> None:
    """Recompute the pivot for one document's unit and year (after a value correction)."""
    _refresh_pivot(conn, _unit_years(conn, [doc_id]))


def _unit_years(conn: sqlite3.Connection, doc_ids: list[int]) -> set[tuple[int, int]]:
    """The (unit, year) cells of the pivot these documents touch."""
    marks = ",".join("?" * len(doc_ids))
    return {(u, y) for u, y in conn.execute(
        f"SELECT unit_id, year FROM documents WHERE id IN ({marks}) AND unit_id IS NOT NULL AND year IS NOT NULL",
        doc_ids)}


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
    "  {fix_codes} WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.document_id = d.id AND o.code = c.code"
    "   AND o.kind = c.kind))"
    " INSERT INTO pivot_values (code, unit_id, year, kind, value_num, value_text, document_id)"
    " SELECT code, unit_id, year, kind, value_num, value_text, document_id FROM ("
    "  SELECT v.code, d.unit_id, d.year, v.kind, v.value_num, v.value_text, v.document_id,"
    "   ROW_NUMBER() OVER (PARTITION BY v.code, d.unit_id, d.year, v.kind"
    "    ORDER BY d.issued_date IS NULL DESC, d.issued_date DESC, d.id DESC) AS rank"
    "  FROM value v JOIN cell d ON d.id = v.document_id) WHERE rank = 1")


# A unit's cells of one indicator as one row of aligned lists (see db/migrations/0004). Whole
# numbers, most values, are written by SQLite itself; the rest by Python's repr (xhht_real).
_ROWS_FILL = (
    "INSERT INTO pivot_rows (code, unit_id, years, kinds, nums, texts, documents) "
    "SELECT code, unit_id, group_concat(year, char(31)), group_concat(kind, char(31)),"
    " group_concat(CASE WHEN value_num = CAST(value_num AS INTEGER) AND value_num != 0 AND abs(value_num) < 1e15"
    "  THEN CAST(CAST(value_num AS INTEGER) AS TEXT) ELSE xhht_real(value_num) END, char(31)),"
    " CASE WHEN count(value_text) > 0 THEN group_concat(coalesce(value_text, ''), char(31)) END,"
    " group_concat(document_id, char(31)) FROM pivot_values {where} GROUP BY code, unit_id")


def _refresh_pivot(conn: sqlite3.Connection, cells: set[tuple[int, int]], codes: set[str] | None = None) -> None:
    """Recompute `pivot_values` for these (unit, year) cells, then their units' `pivot_rows`
    (see db/migrations/0002 and 0004). With `codes`, only those indicators: a document added to
    a cell can change the value shown for its own indicators only."""
    _register_functions(conn)
    only = "" if codes is None else " AND {} IN (SELECT value FROM json_each(:codes))"
    fill = _PIVOT_FILL.format(where="AND unit_id = :unit AND year = :year", obs_codes=only.format("o.code"),
                              fix_codes=only.format("c.code"))
    rows = _ROWS_FILL.format(where="WHERE unit_id = :unit" + only.format("code"))
    args = {"codes": json.dumps(sorted(codes or ()))}
    for unit_id, year in cells:
        args |= {"unit": unit_id, "year": year}
        conn.execute("DELETE FROM pivot_values WHERE unit_id = :unit AND year = :year" + only.format("code"), args)
        conn.execute(fill, args)
    for unit_id in {unit_id for unit_id, _ in cells}:
        args["unit"] = unit_id
        conn.execute("DELETE FROM pivot_rows WHERE unit_id = :unit" + only.format("code"), args)
        conn.execute(rows, args)


# A new document that supersedes none and has no correction in force: each of its values takes
# its cell where it comes first in the pivot's order (see _PIVOT_FILL) or where the cell is empty,
# without reading the cell's other documents again.
_PIVOT_ADD = (
    "INSERT INTO pivot_values (code, unit_id, year, kind, value_num, value_text, document_id)"
    " SELECT code, :unit, :year, kind, value_num, value_text, document_id FROM observations WHERE document_id = :doc"
    " ON CONFLICT (code, unit_id, year, kind) DO UPDATE SET value_num = excluded.value_num,"
    "  value_text = excluded.value_text, document_id = excluded.document_id"
    " WHERE EXISTS (SELECT 1 FROM documents d, documents w WHERE d.id = excluded.document_id"
    "  AND w.id = pivot_values.document_id AND (d.issued_date IS NULL, coalesce(d.issued_date, ''), d.id)"
    "  > (w.issued_date IS NULL, coalesce(w.issued_date, ''), w.id))")


def _add_to_pivot(conn: sqlite3.Connection, doc_id: int, cells: set[tuple[int, int]]) -> None:
    """The pivot after adding one document to its cell (see _PIVOT_ADD), then its unit's rows."""
    _register_functions(conn)
    codes = json.dumps(sorted(_codes_of(conn, [doc_id])))
    for unit_id, year in cells:
        conn.execute(_PIVOT_ADD, {"doc": doc_id, "unit": unit_id, "year": year})
        args = {"unit": unit_id, "codes": codes}
        conn.execute("DELETE FROM pivot_rows WHERE unit_id = :unit AND code IN (SELECT value FROM json_each(:codes))",
                     args)
        conn.execute(_ROWS_FILL.format(where="WHERE unit_id = :unit AND code IN (SELECT value FROM json_each(:codes))"),
                     args)


def _codes_of(conn: sqlite3.Connection, doc_ids: list[int]) -> set[str]:
    """The indicators these documents give a value for, read or set by a correction."""
    marks = ",".join("?" * len(doc_ids))
    return {r[0] for r in conn.execute(
        f"SELECT code FROM observations WHERE document_id IN ({marks}) UNION "
        f"SELECT c.code FROM corrections c JOIN documents d ON d.sha256 = c.sha256 "
        f"WHERE d.id IN ({marks}) AND c.active = 1 AND c.target = 'value'", [*doc_ids, *doc_ids])}


def rebuild_pivot(conn: sqlite3.Connection) -> None:
    """Recompute all of `pivot_values` and `pivot_rows`, for data written around `save` (bulk
    loads, repairs)."""
    _register_functions(conn)
    with transaction(conn):
        conn.execute("DELETE FROM pivot_values")
        conn.execute(_PIVOT_FILL.format(where="", obs_codes="", fix_codes=""))
        conn.execute("DELETE FROM pivot_rows")
        conn.execute(_ROWS_FILL.format(where=""))


def record_error(conn: sqlite3.Connection, path: str, sha256: str | None, error: str) -> None:
    """One row per (path, content) that failed, with how many times it was tried."""
    stamp = now()
    with transaction(conn):
        conn.execute(
            "INSERT INTO import_errors (path, sha256, error, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(path, sha256) DO UPDATE SET error = excluded.error, last_seen = excluded.last_seen, "
            "attempts = attempts + 1", (path, sha256 or "", error, stamp, stamp))


def _values(conn: sqlite3.Connection, doc_id: int) -> dict:
    return {(r[0], r[1]): (r[2] if r[2] is not None else r[3]) for r in conn.execute(
        "SELECT code, kind, value_num, value_text FROM observations WHERE document_id = ?", (doc_id,))}


def _insert_document(conn: sqlite3.Connection, result: dict) -> int:
    source, meta, reader = result["source"], result["document"], result.get("reader", {})
    stamp = now()
    cursor = conn.execute(
        "INSERT INTO documents (sha256, format, size, pages, imported_at, extracted_at, report_type, unit_id, "
        "unit_name, unit_level, district, province, year, period, issued_date, doc_number, reader_method, "
        "reader_notes, extractor_version, patterns_version, full_text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (source["sha256"], source["format"], source["size"], reader.get("pages"), stamp, stamp,
         meta["report_type"], _unit_id(conn, meta), meta["unit_name"], meta["unit_level"], meta["district"],
         meta["province"], meta["year"], meta["period"], meta["issued_date"], meta["doc_number"],
         reader.get("method"), json.dumps(reader.get("notes", []), ensure_ascii=False),
         result["versions"]["extractor"], result["versions"]["patterns"], result.get("text")))
    return cursor.lastrowid


def _insert_children(conn: sqlite3.Connection, doc_id: int, result: dict, item_ids: dict | None = None) -> None:
    """Write what was read from one document. `item_ids` (item key → id) keeps the ids of review
    items a re-extraction finds again, so an id a person noted still names the same item."""
    conn.executemany(
        "INSERT INTO observations (document_id, code, kind, value_num, value_text, unit, raw_label, raw_value, "
        "location, score, method, ocr_confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, o["code"], o["kind"], o["value"] if not isinstance(o["value"], str) else None,
          o["value"] if isinstance(o["value"], str) else None, o.get("unit"), o.get("label"), o.get("raw_value"),
          o.get("location"), o.get("score"), o.get("method"), o.get("ocr_confidence"))
         for o in _one_per_code(result["indicators"])])
    conn.executemany(
        "INSERT INTO activities (document_id, seq, name, participants, raw_participants, host, partners, location) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, k, a["name"], a.get("participants"), a.get("raw_participants"), a.get("host"), a.get("partners"),
          a.get("location")) for k, a in enumerate(result["activities"], 1)])
    items = result.get("review") or plain_review_items(result)
    conn.executemany(
        "INSERT INTO review_items (id, document_id, kind, label, raw_value, location, reason, best_code, score, "
        "category, item_key, context, suggestion, candidates, details, page, box, crop) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [((item_ids or {}).pop(item.get("key"), None), *_review_row(doc_id, item)) for item in items])


def _one_per_code(indicators: list[dict]) -> list[dict]:
    """Each (code, kind) once, as the table holds it. The same reading found twice (a line also
    read as a sentence) is one value, kept where it was found first; two different readings
    refuse the document with both, rather than storing either as the answer."""
    kept: dict[tuple[str, str], dict] = {}
    for obs in indicators:
        first = kept.setdefault((obs["code"], obs["kind"]), obs)
        if first is not obs and first["value"] != obs["value"]:
            raise StoreError(f"{obs['code']} ({obs['kind']}) read twice with different values: "
                             f"{first['value']} at {first.get('location')}, {obs['value']} at {obs.get('location')}")
    return list(kept.values())


_REVIEW_FIELDS = {"kind", "category", "label", "raw_value", "location", "reason", "suggestion", "candidates",
                  "context", "page", "box", "key", "crop"}


def _review_row(doc_id: int, item: dict) -> tuple:
    suggestion = item.get("suggestion") or {}
    details = {k: v for k, v in item.items() if k not in _REVIEW_FIELDS}
    return (doc_id, item["kind"], item.get("label"), item.get("raw_value"), item.get("location"), item["reason"],
            suggestion.get("code"), suggestion.get("score"), item.get("category"), item.get("key"),
            _json(item.get("context")), _json(item.get("suggestion")), _json(item.get("candidates")),
            _json(details), item.get("page"), _json(item.get("box")), item.get("crop"))


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def unit_key(level: str | None, name: str, district: str | None, province: str | None) -> str:
    return "|".join(words(part or "") for part in (level, name, district, province))


def _unit_id(conn: sqlite3.Connection, meta: dict) -> int | None:
    """The one identity of a reporting unit across documents and years.

    A report that leaves out its district or province is joined to the one stored unit of that
    level and name it is compatible with; when there are several, it gets a unit of its own.
    """
    name = meta.get("unit_name")
    if not name:
        return None
    level, district, province = meta.get("unit_level"), meta.get("district"), meta.get("province")
    key = unit_key(level, name, district, province)
    row = conn.execute("SELECT id FROM units WHERE key = ?", (key,)).fetchone()
    if row:
        return row[0]
    prefix = unit_key(level, name, None, None).rsplit("||", 1)[0] + "|"
    compatible = [r for r in conn.execute("SELECT id, district, province FROM units WHERE key LIKE ? || '%'",
                                          (prefix,))
                  if _fits(r[1], district) and _fits(r[2], province)]
    if len(compatible) == 1 and (district is None or province is None):
        return compatible[0][0]
    merged = merged_unit(name, level, district, province)
    cursor = conn.execute(
        "INSERT INTO units (key, level, name, district, province, merged_into, merged_province) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (key, level, name, district, province, merged[0] if merged else None, merged[1] if merged else None))
    return cursor.lastrowid


def _fits(stored: str | None, given: str | None) -> bool:
    return stored is None or given is None or words(stored) == words(given)

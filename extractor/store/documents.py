"""Documents: one extraction result written (or swapped for a re-extraction) in one transaction.

A document is identified by its content's sha256 (a part of a bound volume by the file's sha256
and its pages: `identity`). Saving one extraction result is one
transaction: the document, its unit, observations, activities, review items and path are all
written or none is, so a crash or a kill at any moment leaves a consistent database and the
next import simply does what is left. Nothing is ever deleted: a changed file at a known path
becomes a new document and the old one is marked superseded by it.
"""

from __future__ import annotations

import json
import sqlite3

from extractor.checks.results import store_report_checks
from extractor.review import plain_review_items
from extractor.store.connection import now, transaction
from extractor.store.corrections import has_value_corrections, reconcile_corrections
from extractor.store.pivot import add_to_pivot, cells_of, codes_of, refresh_pivot
from extractor.store.runs import clear_errors
from extractor.store.successors import carry_corrections, note_gone, successors
from extractor.store.units import drop_empty_units, unit_id


class StoreError(Exception):
    """A document that cannot be stored as it is; str() says why in one line."""


def identity(source: dict) -> str:
    """The identity a document is stored under: its file's sha256, and for a part of a bound volume
    its pages after it ("<sha256>:p12-17"), so each part of one file is a document of its own and
    the same volume read again gives each part the identity it had."""
    pages = source.get("pages")
    return f"{source['sha256']}:p{pages[0]}-{pages[1]}" if pages else source["sha256"]


def file_documents(conn: sqlite3.Connection, sha256: str) -> list[int] | None:
    """The documents stored for the file whose content is `sha256`, when all of them are (the one
    document, or every part of a volume), else None: an import interrupted within a volume reads
    it again, and its stored parts are found unchanged."""
    whole = document_id(conn, sha256)
    if whole is not None:
        return [whole]
    rows = conn.execute("SELECT document_id, parts FROM document_parts WHERE file_sha256 = ?",
                        (sha256,)).fetchall()
    return [r[0] for r in rows] if rows and len(rows) >= rows[0][1] else None


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

    One transaction. A document already stored (same identity) only gains the path; a new
    content at a path that held another file supersedes that file's documents (a volume's parts
    each the same report's: see `extractor.store.successors`; the other parts of the same volume
    stay beside it).
    """
    source = result["source"]
    with transaction(conn):
        existing = document_id(conn, identity(source))
        if existing is not None:
            record_path(conn, existing, path)
            return "unchanged", existing
        doc_id = _insert_document(conn, result)
        insert_children(conn, doc_id, result)
        record_report_beside(conn, doc_id, result, new=True)
        store_report_checks(conn, doc_id, result, new=True)  # its failed identity checks, with the document
        reconcile_corrections(conn, doc_id, result["versions"]["extractor"], identity(source))
        previous = [r[0] for r in conn.execute(
            "SELECT d.id FROM documents d JOIN document_paths p ON p.document_id = d.id "
            "WHERE p.path = ? AND substr(d.sha256, 1, 64) != ? AND d.superseded_by IS NULL",
            (path, source["sha256"]))]  # another file's documents (an identity starts with its file's sha256)
        replaced = bool(previous)
        previous = successors(conn, doc_id, previous)
        cells = cells_of(conn, [doc_id, *previous])
        for old in previous:
            conn.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", (doc_id, old))
            carry_corrections(conn, old, doc_id)
        if (replaced or source.get("pages")) and _file_complete(conn, source):
            note_gone(conn, path, source["sha256"])
        if previous or has_value_corrections(conn, identity(source)):
            refresh_pivot(conn, cells, codes_of(conn, [doc_id, *previous]))
        else:
            add_to_pivot(conn, doc_id, cells)
        record_path(conn, doc_id, path)
        clear_errors(conn, path)
    return "imported", doc_id


def _file_complete(conn: sqlite3.Connection, source: dict) -> bool:
    """Whether every document of this file is now stored (a whole file is; a volume once its last
    part is)."""
    return source.get("pages") is None or file_documents(conn, source["sha256"]) is not None


def replace_extraction(conn: sqlite3.Connection, doc_id: int, result: dict) -> list[dict]:
    """Re-extraction of a stored document: swap what was read, keep a history of changes."""
    with transaction(conn):
        old_row = conn.execute("SELECT extractor_version, patterns_version FROM documents WHERE id = ?",
                               (doc_id,)).fetchone()
        before = _values(conn, doc_id)
        cells = cells_of(conn, [doc_id])
        item_ids = dict(conn.execute("SELECT item_key, id FROM review_items WHERE document_id = ?",
                                     (doc_id,)).fetchall())
        for table in ("observations", "activities", "review_items"):
            conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))
        meta = result["document"]
        old_unit = conn.execute("SELECT unit_id FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        new_unit = unit_id(conn, meta)
        conn.execute(
            "UPDATE documents SET extracted_at=?, report_type=?, unit_id=?, unit_name=?, unit_level=?, "
            "district=?, province=?, year=?, period=?, issued_date=?, doc_number=?, extractor_version=?, "
            "patterns_version=? WHERE id = ?",
            (now(), meta["report_type"], new_unit, meta["unit_name"], meta["unit_level"], meta["district"],
             meta["province"], meta["year"], meta["period"], meta["issued_date"], meta["doc_number"],
             result["versions"]["extractor"], result["versions"]["patterns"], doc_id))
        insert_children(conn, doc_id, result, item_ids)
        record_report_beside(conn, doc_id, result)
        store_report_checks(conn, doc_id, result)  # its failed identity checks, with the document
        events = reconcile_corrections(conn, doc_id, result["versions"]["extractor"])
        refresh_pivot(conn, cells | cells_of(conn, [doc_id]))
        drop_empty_units(conn, {old_unit})
        after = _values(conn, doc_id)
        changes = [{"code": code, "kind": kind, "old": before.get((code, kind)),
                    "new": after.get((code, kind))}
                   for code, kind in sorted(set(before) | set(after))
                   if before.get((code, kind)) != after.get((code, kind))]
        changes += events
        conn.execute(
            "INSERT INTO extraction_history (document_id, extracted_at, old_extractor, old_patterns, "
            "new_extractor, new_patterns, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, now(), old_row[0], old_row[1], result["versions"]["extractor"],
             result["versions"]["patterns"], json.dumps(changes, ensure_ascii=False)))
    return changes


def record_report_beside(conn: sqlite3.Connection, doc_id: int, result: dict, new: bool = False) -> None:
    """Keep which report an annex took its metadata from (or that it found none), replacing what
    an earlier reading kept (a `new` document has none); a document that looked for no report
    keeps no row."""
    if not new:
        conn.execute("DELETE FROM annex_reports WHERE document_id = ?", (doc_id,))
    beside = result.get("report_beside")
    if beside is not None:
        conn.execute("INSERT INTO annex_reports (document_id, report_file, report_sha256) VALUES (?, ?, ?)",
                     (doc_id, beside["file"], beside["sha256"]))


def annex_reports(conn: sqlite3.Connection) -> dict[int, str | None]:
    """Each stored annex that looked for its report → the sha256 of the report it found (or None)."""
    return dict(conn.execute("SELECT a.document_id, a.report_sha256 FROM annex_reports a "
                             "JOIN documents d ON d.id = a.document_id WHERE d.superseded_by IS NULL"))


def identities(conn: sqlite3.Connection, doc_ids: list[int]) -> dict[str, int]:
    """The identity (`identity`) each of these documents is stored under → its id."""
    marks = ",".join("?" * len(doc_ids))
    return dict(conn.execute(f"SELECT sha256, id FROM documents WHERE id IN ({marks})", doc_ids))


def _values(conn: sqlite3.Connection, doc_id: int) -> dict:
    return {(r[0], r[1]): (r[2] if r[2] is not None else r[3]) for r in conn.execute(
        "SELECT code, kind, value_num, value_text FROM observations WHERE document_id = ?", (doc_id,))}


def _insert_document(conn: sqlite3.Connection, result: dict) -> int:
    source, meta, reader = result["source"], result["document"], result.get("reader", {})
    stamp = now()
    cursor = conn.execute(
        "INSERT INTO documents (sha256, format, size, pages, imported_at, extracted_at, report_type, "
        "unit_id, unit_name, unit_level, district, province, year, period, issued_date, doc_number, "
        "reader_method, reader_notes, extractor_version, patterns_version, full_text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (identity(source), source["format"], source["size"], reader.get("pages"), stamp, stamp,
         meta["report_type"], unit_id(conn, meta), meta["unit_name"], meta["unit_level"], meta["district"],
         meta["province"], meta["year"], meta["period"], meta["issued_date"], meta["doc_number"],
         reader.get("method"), json.dumps(reader.get("notes", []), ensure_ascii=False),
         result["versions"]["extractor"], result["versions"]["patterns"], result.get("text")))
    if source.get("pages"):
        conn.execute("INSERT INTO document_parts (document_id, file_sha256, first_page, last_page, parts) "
                     "VALUES (?, ?, ?, ?, ?)", (cursor.lastrowid, source["sha256"], *source["pages"],
                                                source["parts"]))
    return cursor.lastrowid


def insert_children(conn: sqlite3.Connection, doc_id: int, result: dict,
                    item_ids: dict | None = None) -> None:
    """Write what was read from one document. `item_ids` (item key → id) keeps the ids of review
    items a re-extraction finds again, so an id a person noted still names the same item."""
    conn.executemany(
        "INSERT INTO observations (document_id, code, kind, value_num, value_text, unit, raw_label, "
        "raw_value, location, score, method, ocr_confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, o["code"], o["kind"], o["value"] if not isinstance(o["value"], str) else None,
          o["value"] if isinstance(o["value"], str) else None, o.get("unit"), o.get("label"),
          o.get("raw_value"), o.get("location"), o.get("score"), o.get("method"), o.get("ocr_confidence"))
         for o in _one_per_code(result["indicators"])])
    conn.executemany(
        "INSERT INTO activities (document_id, seq, name, participants, raw_participants, host, partners, "
        "location) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, k, a["name"], a.get("participants"), a.get("raw_participants"), a.get("host"),
          a.get("partners"), a.get("location")) for k, a in enumerate(result["activities"], 1)])
    items = result.get("review") or plain_review_items(result)
    conn.executemany(
        "INSERT INTO review_items (id, document_id, kind, label, raw_value, location, reason, "
        "best_code, score, category, item_key, context, suggestion, candidates, details, page, box, crop) "
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
                             f"{first['value']} at {first.get('location')}, {obs['value']} at "
                             f"{obs.get('location')}")
    return list(kept.values())


_REVIEW_FIELDS = {"kind", "category", "label", "raw_value", "location", "reason", "suggestion", "candidates",
                  "context", "page", "box", "key", "crop"}


def _review_row(doc_id: int, item: dict) -> tuple:
    suggestion = item.get("suggestion") or {}
    details = {k: v for k, v in item.items() if k not in _REVIEW_FIELDS}
    return (doc_id, item["kind"], item.get("label"), item.get("raw_value"), item.get("location"),
            item["reason"], suggestion.get("code"), suggestion.get("score"), item.get("category"),
            item.get("key"), _json(item.get("context")), _json(item.get("suggestion")),
            _json(item.get("candidates")), _json(details), item.get("page"), _json(item.get("box")),
            item.get("crop"))


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None

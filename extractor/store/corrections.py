"""The `corrections` table: how a correction is written (retiring those it replaces), read back,
and brought to bear on a document extracted again. What a person may ask for, and in which
words it is refused, is `extractor.corrections`; this is only how it is kept.

A correction is keyed by the document's content (sha256) and the indicator code and kind (or
the review item's key), never by row ids, so it outlives re-extraction and re-import.
"""

from __future__ import annotations

import json
import sqlite3

from extractor.normalize import words
from extractor.store.connection import now
from extractor.store.units import document_unit, set_document_unit


def reconcile_corrections(conn: sqlite3.Connection, doc_id: int, extractor_version: str,
                          sha: str | None = None) -> list[dict]:
    """Bring a freshly (re-)extracted document in line with the corrections in force for it.

    Value corrections need nothing (the views apply them); a unit chosen by a person is written
    back over the extracted one. Where the extraction now says what the correction says, that is
    noted in the correction's history (once per extractor version) and returned as a change.
    `sha` is the document's identity where the caller has it.
    """
    if sha is None:
        sha = conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    events = []
    for row in conn.execute("SELECT * FROM corrections WHERE sha256 = ? AND active = 1 AND target != "
                            "'review' ORDER BY id", (sha,)).fetchall():
        if row["target"] == "unit":
            unit = json.loads(row["unit"])
            extracted = document_unit(conn, doc_id)
            agrees = all(words(extracted.get(k) or "") == words(unit.get(k) or "") for k in unit)
            if not agrees:
                set_document_unit(conn, doc_id, unit)
        else:
            current = conn.execute("SELECT value_num, value_text FROM observations WHERE document_id = ? AND "
                                   "code = ? AND kind = ?", (doc_id, row["code"], row["kind"])).fetchone()
            if row["action"] == "delete":
                agrees = current is None
            else:
                agrees = current is not None and tuple(current) == (row["value_num"], row["value_text"])
        history = json.loads(row["history"])
        if agrees and not any(e.get("event") == "agrees" and e.get("extractor") == extractor_version
                              for e in history):
            event = {"event": "agrees", "at": now(), "extractor": extractor_version,
                     "note": "the extraction now says what the correction says"}
            conn.execute("UPDATE corrections SET history = ? WHERE id = ?",
                         (json.dumps([*history, event], ensure_ascii=False), row["id"]))
            events.append({"code": row["code"], "kind": row["kind"], "correction": row["id"],
                           "note": event["note"]})
    return events


def has_value_corrections(conn: sqlite3.Connection, sha256: str) -> bool:
    """Whether a value correction is in force for this content (its pivot cells then need the
    full refresh, which applies corrections)."""
    return conn.execute("SELECT 1 FROM corrections WHERE sha256 = ? AND active = 1 AND target = 'value'",
                        (sha256,)).fetchone() is not None


def value_correction(conn: sqlite3.Connection, sha256: str, code: str, kind: str) -> sqlite3.Row | None:
    """The value correction in force for one indicator of one document (action, value_num,
    value_text, author, item_key), the latest decided where there are several."""
    return conn.execute("SELECT action, value_num, value_text, author, item_key FROM corrections WHERE "
                        "sha256 = ? AND target = 'value' AND code = ? AND kind = ? AND active = 1 ORDER BY "
                        "created_at DESC, id DESC",
                        (sha256, code, kind)).fetchone()


def correction_row(sha256: str, fields: dict, author: str, note: str | None, uid: str | None,
                   created_at: str | None, history: list | None = None, active: bool = True) -> dict:
    """A correction as the table holds it: `fields` (target, action, code, kind, value, unit,
    old_value, item_key) in their columns, the value split into number and text."""
    value = fields.get("value")
    return {"uid": uid, "sha256": sha256, "target": fields["target"], "action": fields["action"],
            "code": fields.get("code"), "kind": fields.get("kind"),
            "value_num": None if isinstance(value, str) else value,
            "value_text": value if isinstance(value, str) else None,
            "unit": json.dumps(fields["unit"], ensure_ascii=False) if fields.get("unit") else None,
            "old_value": json.dumps(fields.get("old_value"), ensure_ascii=False),
            "item_key": fields.get("item_key"), "note": note, "author": author, "created_at": created_at,
            "history": json.dumps(history or [], ensure_ascii=False), "active": int(active)}


def insert_correction(conn: sqlite3.Connection, row: dict) -> int:
    """Store one correction (`row`: the table's columns); an active one retires the ones it
    replaces (`same_thing`), noting when in their history. Returns its id."""
    if row["active"]:
        same, args = same_thing(row)
        for old_id in [r[0] for r in conn.execute(f"SELECT id FROM corrections WHERE active = 1 AND {same}",
                                                  args)]:
            conn.execute("UPDATE corrections SET active = 0, history = json_insert(history, '$[#]', json(?)) "
                         "WHERE id = ?", (json.dumps({"event": "replaced", "at": row["created_at"]}), old_id))
    cursor = conn.execute(f"INSERT INTO corrections ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          list(row.values()))
    return cursor.lastrowid


def same_thing(row: dict) -> tuple[str, list]:
    """SQL (and its arguments) for the corrections a correction like `row` replaces: those of the
    same document and the same thing (a value's code and kind, the unit, a review item), and any
    other answer to the same review item (an item is resolved once: a new answer replaces it)."""
    same = {"value": "target = 'value' AND code = ? AND kind = ?", "unit": "target = 'unit'",
            "review": "target = 'review' AND item_key = ?"}[row["target"]]
    args = {"value": [row["code"], row["kind"]], "unit": [], "review": [row["item_key"]]}[row["target"]]
    if row["item_key"]:
        same, args = f"({same} OR item_key = ?)", [*args, row["item_key"]]
    return f"sha256 = ? AND {same}", [row["sha256"], *args]


def later_correction(conn: sqlite3.Connection, row: dict, at: str) -> str | None:
    """When a decision on the same thing as `row` made after `at` was taken, if one is in force."""
    same, args = same_thing(row)
    return conn.execute("SELECT max(created_at) FROM corrections WHERE active = 1 AND created_at > ? "
                        f"AND {same}",
                        [at, *args]).fetchone()[0]


def latest_correction_time(conn: sqlite3.Connection) -> str | None:
    """The time of the latest correction here (a new one is stamped after it)."""
    return conn.execute("SELECT max(created_at) FROM corrections").fetchone()[0]


def same_correction_stored(conn: sqlite3.Connection, row: dict) -> bool:
    """The same correction is here: its uid, or (for corrections made before uids, which each
    database gave its own) the very same decision: what, which value, by whom and when."""
    return conn.execute(
        "SELECT 1 FROM corrections WHERE uid = ? OR (sha256 = ? AND target = ? AND action = ? AND code "
        "IS ? AND kind IS ? AND item_key IS ? AND value_num IS ? AND value_text IS ? AND unit IS ? AND "
        "created_at = ? AND author = ?)",
        (row["uid"], row["sha256"], row["target"], row["action"], row["code"], row["kind"], row["item_key"],
         row["value_num"], row["value_text"], row["unit"], row["created_at"],
         row["author"])).fetchone() is not None


# A correction row with its indicator's value type, which says how its numbers are written out.
_ROW = ("SELECT *, (SELECT value_type FROM indicators i WHERE i.code = corrections.code) AS value_type "
        "FROM corrections")
_WHOLE = ("count", "money")  # value types whose numbers are whole: 450, never 450.0 (rates stay as stored)


def correction(conn: sqlite3.Connection, correction_id: int) -> dict:
    """One correction as the review pages, the CLI and the export show it."""
    return _as_dict(conn.execute(f"{_ROW} WHERE id = ?", (correction_id,)).fetchone())


def correction_history(conn: sqlite3.Connection, sha256: str | None = None,
                       active_only: bool = False) -> list[dict]:
    """Corrections in the order they were decided, of one document or of all."""
    sql, args = f"{_ROW} WHERE 1 = 1", []
    if sha256:
        sql += " AND sha256 = ?"
        args.append(sha256)
    if active_only:
        sql += " AND active = 1"
    return [_as_dict(r) for r in conn.execute(sql + " ORDER BY created_at, id", args)]


def stored_number(value_num, value_text):
    """A stored value as a person reads it: 148, not 148.0."""
    value = value_num if value_num is not None else value_text
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _written(value, value_type: str | None):
    """A number of a correction as JSON carries it: a count or a sum of money as an integer (SQLite
    gives back REAL, 450.0), a rate as stored. Only what is written out changes, not what is stored."""
    if isinstance(value, float) and value.is_integer() and value_type in _WHOLE:
        return int(value)
    return value


def _as_dict(row: sqlite3.Row) -> dict:
    value = row["value_num"] if row["value_num"] is not None else row["value_text"]
    old = json.loads(row["old_value"] or "null")
    return {"id": row["id"], "uid": row["uid"], "sha256": row["sha256"], "target": row["target"],
            "action": row["action"], "code": row["code"], "kind": row["kind"],
            "value": _written(value, row["value_type"]), "unit": json.loads(row["unit"]) if row["unit"]
            else None,
            "old_value": _written(old, row["value_type"]),
            "item_key": row["item_key"], "note": row["note"], "by": row["author"], "at": row["created_at"],
            "active": bool(row["active"]), "history": json.loads(row["history"])}

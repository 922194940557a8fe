"""Which stored documents a new file at a known path supersedes, and what becomes of their corrections.

A whole file that changes supersedes the documents of the file it replaces. When either side is a
part of a bound volume, an old document is superseded only by the new one that is the same report
(same unit, report type, year and period): a volume bound again keeps each report's history, and
its reports are not all folded into its first part. An old part whose report is not in the new
file stays current (a report is never deleted, only superseded) with a review item saying it is no
longer in the volume at that path. A value correction of a superseded document moves to its
successor when the successor read the same value there (the person corrected that reading); when
the reading changed, it goes to review instead of silently vanishing.
"""

from __future__ import annotations

import json
import sqlite3
import uuid

from extractor.i18n import CORRECTION_NOT_CARRIED, VOLUME_GONE
from extractor.store.connection import now

# a report whose unit, type or year is unknown matches none
_SAME_REPORT = ("unit_id", "report_type", "year", "period")


def successors(conn: sqlite3.Connection, doc_id: int, previous: list[int]) -> list[int]:
    """Those of `previous` (current documents of another file at this document's path) that
    `doc_id` supersedes: all of them between whole files, the same report where a part is involved."""
    if not previous or not _any_part(conn, [doc_id, *previous]):
        return previous
    mine = _report(conn, doc_id)
    return [old for old in previous if None not in mine[:3] and _report(conn, old) == mine]


def carry_corrections(conn: sqlite3.Connection, old: int, new: int) -> None:
    """Move the value corrections in force for `old` to `new` where `new` read the value `old` read;
    put the others to review on `new`."""
    old_sha, new_sha = (_identity(conn, d) for d in (old, new))
    for row in conn.execute("SELECT * FROM corrections WHERE sha256 = ? AND active = 1 AND target = 'value' "
                            "ORDER BY id", (old_sha,)).fetchall():
        before, after = (_read(conn, d, row["code"], row["kind"]) for d in (old, new))
        if before == after:
            _copy(conn, dict(row), new_sha, old_sha)
        else:
            value = row["value_num"] if row["value_num"] is not None else row["value_text"]
            _review(conn, new, f"correction-not-carried:{row['uid'] or row['id']}", CORRECTION_NOT_CARRIED,
                    code=row["code"], kind=row["kind"], old=_shown(before), new=_shown(after),
                    value=_shown((value,)) if row["action"] != "delete" else "—")


def note_gone(conn: sqlite3.Connection, path: str, file_sha256: str) -> None:
    """Once every part of the file now at `path` is stored: the parts of another file there that
    none of them superseded get a review item (once) saying they are no longer in the volume."""
    left = [r[0] for r in conn.execute(
        "SELECT d.id FROM documents d JOIN document_paths p ON p.document_id = d.id JOIN document_parts dp "
        "ON dp.document_id = d.id WHERE p.path = ? AND dp.file_sha256 != ? AND d.superseded_by IS NULL",
        (path, file_sha256))]
    for doc_id in left:
        _review(conn, doc_id, f"gone-from:{path}:{file_sha256}", VOLUME_GONE, path=path)


def _any_part(conn: sqlite3.Connection, doc_ids: list[int]) -> bool:
    marks = ",".join("?" * len(doc_ids))
    return conn.execute(f"SELECT 1 FROM document_parts WHERE document_id IN ({marks})", doc_ids).fetchone() \
        is not None


def _report(conn: sqlite3.Connection, doc_id: int) -> tuple:
    return tuple(conn.execute(f"SELECT {', '.join(_SAME_REPORT)} FROM documents WHERE id = ?",
                              (doc_id,)).fetchone())


def _identity(conn: sqlite3.Connection, doc_id: int) -> str:
    return conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]


def _read(conn: sqlite3.Connection, doc_id: int, code: str, kind: str) -> tuple | None:
    row = conn.execute("SELECT value_num, value_text FROM observations WHERE document_id = ? AND code = ? "
                       "AND kind = ?", (doc_id, code, kind)).fetchone()
    return tuple(row) if row else None


def _shown(value: tuple | None) -> str:
    if value is None:
        return "—"
    one = next((v for v in value if v is not None), None)
    return str(int(one)) if isinstance(one, float) and one.is_integer() else str(one)


def _copy(conn: sqlite3.Connection, row: dict, new_sha: str, old_sha: str) -> None:
    history = json.loads(row["history"] or "[]")
    history.append({"event": "carried", "at": now(), "from": old_sha,
                    "note": "the same report in the file now at its path read the same value"})
    row |= {"sha256": new_sha, "uid": uuid.uuid4().hex, "history": json.dumps(history, ensure_ascii=False)}
    del row["id"]
    conn.execute(f"INSERT INTO corrections ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                 list(row.values()))


def _review(conn: sqlite3.Connection, doc_id: int, key: str, reason: str, **facts) -> None:
    """A review item on `doc_id` (once per key), its reason stored in English (shown translated by
    `extractor.i18n.reason`)."""
    if conn.execute("SELECT 1 FROM review_items WHERE document_id = ? AND item_key = ?",
                    (doc_id, key)).fetchone():
        return
    conn.execute("INSERT INTO review_items (document_id, kind, reason, category, item_key) "
                 "VALUES (?, 'warning', ?, 'other', ?)", (doc_id, reason.format(**facts), key))

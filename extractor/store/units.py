"""Reporting units: one identity for a unit across its documents and years, and the unit a
person chose for a document."""

from __future__ import annotations

import sqlite3

from extractor.normalize import words
from extractor.register import merged_unit
from extractor.store.pivot import cells_of, refresh_pivot

UNIT_FIELDS = ("unit_name", "unit_level", "district", "province")
# The units whose key starts with a level and name ("xa|chan son|"): a range of the key's unique index
# (a LIKE would scan every unit, as SQLite's LIKE ignores case, and reads `_` in a name as a wildcard).
SAME_NAME = "SELECT id, district, province FROM units WHERE key >= ? AND key < ? || char(1114111)"


def unit_key(level: str | None, name: str, district: str | None, province: str | None) -> str:
    return "|".join(words(part or "") for part in (level, name, district, province))


def unit_id(conn: sqlite3.Connection, meta: dict) -> int | None:
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
    compatible = [r for r in conn.execute(SAME_NAME, (prefix, prefix))
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


def document_unit(conn: sqlite3.Connection, doc_id: int) -> dict:
    """The unit a document names now (UNIT_FIELDS), as read or as a person chose it."""
    row = conn.execute(f"SELECT {', '.join(UNIT_FIELDS)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return dict(zip(UNIT_FIELDS, row, strict=True))


def set_document_unit(conn: sqlite3.Connection, doc_id: int, unit: dict) -> dict:
    """Give a document the unit a person chose (inside the caller's transaction); returns the old one."""
    old = document_unit(conn, doc_id)
    old_unit = conn.execute("SELECT unit_id FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    cells = cells_of(conn, [doc_id])
    meta = {k: unit.get(k) for k in UNIT_FIELDS}
    conn.execute("UPDATE documents SET unit_id = ?, unit_name = ?, unit_level = ?, district = ?, "
                 "province = ? WHERE id = ?", (unit_id(conn, meta), *(meta[k] for k in UNIT_FIELDS), doc_id))
    refresh_pivot(conn, cells | cells_of(conn, [doc_id]))
    drop_empty_units(conn, {old_unit})
    return old


def drop_empty_units(conn: sqlite3.Connection, unit_ids: set[int | None]) -> None:
    """Remove these units where no document (current or superseded) is theirs any more: a name
    read wrongly and corrected by a person must not stay listed as a unit with no reports.

    A unit's identity across years is its key (level, name, district, province), not its row id:
    a document of that unit imported later finds it again by the key, or makes it anew.
    """
    for unit in unit_ids - {None}:
        conn.execute("DELETE FROM units WHERE id = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE "
                     "unit_id = ?)",
                     (unit, unit))

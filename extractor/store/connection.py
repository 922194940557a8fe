"""The archive's file: opening it, its schema (db/migrations, applied in order, versioned by
user_version), its transactions, its clock and the indicator catalogue it is opened with."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from extractor.patterns import Catalogue
from extractor.resources import data_dir

DEFAULT_DB = "xhht.db"
DB_ENV = "XHHT_DB"
CHECKPOINT_PAGES = 16384


def default_db_path() -> Path:
    """The database used when no --db is given: $XHHT_DB, else ./xhht.db."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def now(precise: bool = False) -> str:
    """The time in UTC as ISO 8601: to the second, or to the microsecond where `precise` (the
    order of corrections, which a person can make several of within one second)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds" if precise else "seconds")


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
        # Each commit appends the pages it changed to the WAL, and SQLite's default checkpoint
        # (every 1,000 pages) copied them back to the file and synced it every few commits: every
        # 16,384 pages (64 MiB of WAL) a page written by many documents (an indicator's last page
        # of the observations index, a unit's pivot rows) is copied once (bench_archive.py)
        conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        register_functions(conn)
        migrate(conn)
        if waiting_for_search(conn):  # rows another program stored, not yet indexed: now (index_pending)
            with transaction(conn):
                pass
    conn.row_factory = sqlite3.Row
    return conn


def real_text(value: float | None) -> str:
    """A REAL as text that reads back as the same float ('' for NULL), for pivot_rows."""
    return "" if value is None else repr(float(value))


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the store's statements use. Registered again wherever they run, as a
    connection the store did not open (Datasette's write thread) writes through it too."""
    conn.create_function("xhht_real", 1, real_text, deterministic=True)


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
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error (or interrupt), a failed COMMIT included;
    inside an open transaction (a group of documents stored together, see
    `extractor.importer.store_results`), a savepoint, so what fails inside is undone alone.

    SQLite rolls back by itself on some errors (a full disk, I/O); the ROLLBACK is only sent
    while a transaction is still open, so the error that caused it is the one raised, and the
    connection is always left ready for the next document.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT document")
        try:
            yield
            conn.execute("RELEASE document")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO document")
                conn.execute("RELEASE document")
            raise
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        index_pending(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# The rows a transaction stored, put in the full-text indexes together as it commits (see
# db/migrations/0016): one segment of each index a commit, not one a document.
_FOLDED = "replace(replace({0}, 'đ', 'd'), 'Đ', 'd')"  # đ folded as the tokenizer cannot (0005)
_INDEX_PENDING = (
    "INSERT INTO documents_fts (rowid, unit_name, full_text) SELECT d.rowid, "
    + ", ".join(map(_FOLDED.format, ("d.unit_name", "d.full_text")))
    + " FROM search_pending p JOIN documents d ON d.rowid = p.row WHERE p.source = 'documents'",
    "INSERT INTO activities_fts (rowid, name, host, partners) SELECT a.rowid, "
    + ", ".join(map(_FOLDED.format, ("a.name", "a.host", "a.partners")))
    + " FROM search_pending p JOIN activities a ON a.rowid = p.row WHERE p.source = 'activities'",
    "DELETE FROM search_pending")


def index_pending(conn: sqlite3.Connection) -> None:
    """Index the rows noted in search_pending (inside the caller's transaction, before its commit).
    FTS5 writes a segment at every savepoint, so rows indexed as each document is stored (in its
    savepoint) made a segment a document, and merging them again and again grew with the index."""
    if waiting_for_search(conn):
        for sql in _INDEX_PENDING:
            conn.execute(sql)


def waiting_for_search(conn: sqlite3.Connection) -> bool:
    """Whether rows wait for the full-text indexes (a read: opening the archive takes no write lock
    for nothing while an import writes)."""
    return conn.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone() is not None


def sync_catalogue(conn: sqlite3.Connection, catalogue: Catalogue) -> None:
    """Write the indicator catalogue of patterns/ into the `indicators` table."""
    rows = [(ind.code, rtype, ind.group, ind.label, ind.unit, ind.value_type)
            for rtype, report in catalogue.reports.items() for ind in report.indicators]
    with transaction(conn):
        conn.executemany(
            "INSERT INTO indicators (code, report_type, grp, label, unit, value_type) VALUES (?, ?, ?, "
            "?, ?, ?) ON CONFLICT(code) DO UPDATE SET report_type=excluded.report_type, grp=excluded.grp, "
            "label=excluded.label, unit=excluded.unit, value_type=excluded.value_type", rows)

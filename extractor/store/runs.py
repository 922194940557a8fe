"""Import runs and import errors: what each `import`/`reextract` did, and the files that failed
(kept until the same path is stored)."""

from __future__ import annotations

import os
import socket
import sqlite3

from extractor.store.connection import now, transaction


def start_run(conn: sqlite3.Connection, command: str) -> int:
    """Note that an import ("import" or "reextract") started, by this process of this machine;
    returns the run's id. Runs of this machine left 'running' by a process that is gone (killed
    before it could say how it ended) are marked 'interrupted' first."""
    host = socket.gethostname()
    with transaction(conn):
        running = conn.execute("SELECT r.id, p.pid FROM import_runs r JOIN import_run_processes p ON "
                               "p.run_id = r.id WHERE r.status = 'running' AND p.host = ?",
                               (host,)).fetchall()
        for run_id, pid in running:
            if not _alive(pid):
                conn.execute("UPDATE import_runs SET status = 'interrupted' WHERE id = ?", (run_id,))
        run_id = conn.execute("INSERT INTO import_runs (started_at, command) VALUES (?, ?)",
                              (now(), command)).lastrowid
        conn.execute("INSERT INTO import_run_processes (run_id, host, pid) VALUES (?, ?, ?)",
                     (run_id, host, os.getpid()))
        return run_id


def _alive(pid: int) -> bool:
    """Whether a process of this machine with this id runs (one that cannot be asked counts as
    running: a run is never marked interrupted on a guess)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def finish_run(conn: sqlite3.Connection, run_id: int, status: str, imported: int, unchanged: int,
               skipped: int, failed: int, reextracted: int) -> None:
    """Note how a run ended ("done" or "interrupted") and what it did. The run log is informative
    only: a failure to write it never masks the run's real outcome."""
    try:
        with transaction(conn):
            conn.execute(
                "UPDATE import_runs SET finished_at=?, imported=?, unchanged=?, skipped=?, failed=?, "
                "reextracted=?, status=? WHERE id=?",
                (now(), imported, unchanged, skipped, failed, reextracted, status, run_id))
    except sqlite3.Error:
        pass


def record_error(conn: sqlite3.Connection, path: str, sha256: str | None, error: str) -> None:
    """One row per (path, content) that failed, with how many times it was tried."""
    stamp = now()
    with transaction(conn):
        conn.execute(
            "INSERT INTO import_errors (path, sha256, error, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(path, sha256) DO UPDATE SET error = excluded.error, last_seen = excluded.last_seen, "
            "attempts = attempts + 1", (path, sha256 or "", error, stamp, stamp))


def clear_errors(conn: sqlite3.Connection, path: str) -> None:
    """Forget the failures at `path` once a document from it is stored (inside that transaction)."""
    conn.execute("DELETE FROM import_errors WHERE path = ?", (path,))

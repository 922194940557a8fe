"""Batch import: walk folders, extract in worker processes, store each document whole or not at all.

The main process is the only writer. It hashes each file first, so content already stored costs
no extraction (re-importing is a no-op, a copy under a new path only records the path); new
content goes to a pool of workers, and each result is saved as it arrives (the results ready
together under one commit, each document in a savepoint: `store_results`). Because a document is
stored whole or not at all, an import stopped at any moment (Ctrl-C, kill, power cut) leaves the
database consistent, and running the same command again finishes the work.
"""

from __future__ import annotations

import os
import sqlite3
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from extractor import annex, i18n, store
from extractor.checks import results as check_results
from extractor.extract import extract_parts, sha256_of, walk
from extractor.patterns import default_catalogue
from extractor.readers import ReadError
from extractor.resources import code_digest
from extractor.review import attach_crops


@dataclass(frozen=True)
class Cluster:
    """Where the per-file work runs when it is not on this machine: a Dask scheduler's address.

    `files` says how a worker gets a file: "send" (default) ships its bytes with the task, so
    workers need no access to the archive; "shared" passes the path, for workers that see the
    archive at the same path (a network share), which saves moving every file through this one.
    """

    address: str
    files: str = "send"


# on_event(kind, path, detail): kind is "start" (detail = number of files), "imported",
# "unchanged", "reextracted", "failed" or "skipped" (detail = reason: see extract.walk). A stored
# document's detail is its result (re-extracted: {"source", "changes"}; a copy of content stored
# earlier in the same run: with "same_as", the path it was stored from).
Listener = Callable[[str, str, object], None]


@dataclass
class ImportSummary:
    imported: int = 0
    unchanged: int = 0
    reextracted: int = 0
    current: int = 0  # reextract: stored documents already read by this extractor and these patterns
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was not read)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # identity → the path it was stored from in this run: a byte-identical copy met later in the same
    # run is "the same content as" that path, not "unchanged" (nothing was there before the run)
    stored_from: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.failed

    def add(self, other: ImportSummary) -> None:
        """Count in what `other` (a group stored under one commit) stored and failed."""
        self.imported += other.imported
        self.unchanged += other.unchanged
        self.reextracted += other.reextracted
        self.failed += other.failed
        self.stored_from.update(other.stored_from.maps[0] if isinstance(other.stored_from, ChainMap)
                                else other.stored_from)


CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler before the import gives up with a clear error
WATCH_INTERVAL = 0.5  # seconds between a worker's checks that its importer is still alive


def _watch_importer(importer: int) -> None:
    """Worker initializer: end this worker when the importing process is gone.

    A pool's workers wait on their task queue forever if the importer is killed outright
    (kill -9, OOM killer): nothing tells them. A daemon thread checks the importer's pid and
    leaves the process the moment it no longer exists.
    """
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            try:
                os.kill(importer, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid now belongs to another user's process: ours is gone
                os._exit(1)

    threading.Thread(target=watch, name="xhht-importer-watch", daemon=True).start()


def _extract_job(path: str) -> tuple[str, list[dict] | None, str | None]:
    """Runs in a worker: (path, results, None) — one result, or one per part of a bound volume —
    or (path, None, one-line reason)."""
    try:
        results = extract_parts(path, with_text=True)
        for result in results:
            attach_crops(result, path)
        return path, results, None
    except ReadError as exc:
        return path, None, str(exc)
    except Exception as exc:  # never let one file stop the batch
        return path, None, f"{type(exc).__name__}: {str(exc)[:200]}"


def import_paths(db_path: str | Path, paths: Iterable[str | Path], workers: int | None = None,
                 on_event: Listener | None = None, cluster: Cluster | None = None) -> ImportSummary:
    """Import every supported file under `paths` into the database at `db_path` (the extraction
    runs in local worker processes, or on a Dask cluster when `cluster` is given)."""
    emit = on_event or (lambda kind, path, detail: None)
    conn = store.connect(db_path)
    store.sync_catalogue(conn, default_catalogue())
    summary = ImportSummary()
    run_id = store.start_run(conn, "import")
    try:
        found = walk(paths)
        summary.skipped = [(str(path), reason) for path, reason in found.skipped]
        emit("start", "", len(found.files))
        for path, reason in summary.skipped:
            emit("skipped", path, reason)
        todo = []
        annexes = store.annex_reports(conn)
        again: dict[str, dict[str, int]] = {}  # annexes whose report beside changed: identity → id
        for path in found.files:
            key = str(path.resolve())
            try:
                sha = sha256_of(path)
            except OSError as exc:
                _fail(conn, summary, emit, key, None, f"cannot read file: {exc.strerror or exc}")
                continue
            stored = store.file_documents(conn, sha)
            if stored is not None and _report_changed(annexes, stored, path):
                again[key] = store.identities(conn, stored)
                todo.append(key)
            elif stored is not None:
                with store.transaction(conn):
                    for doc_id in stored:
                        store.record_path(conn, doc_id, key)
                summary.unchanged += len(stored)
                emit("unchanged", key, None)
            else:
                todo.append(key)
        store_results(conn, _jobs(todo, workers, cluster), summary, emit, again)
        check_results.run(conn, "import")  # history and rollup of the cells this import touched
        _finish_run(conn, run_id, summary, "done")
    except BaseException:
        _finish_run(conn, run_id, summary, "interrupted")
        raise
    finally:
        conn.close()
    return summary


GROUP_DOCUMENTS = 64  # at most this many ready outcomes stored under one commit


def store_results(conn: sqlite3.Connection, groups: Iterable[list[Outcome]], summary: ImportSummary,
                  emit: Listener, again: dict[str, dict[str, int]] | None = None) -> None:
    """Store each (path, results, error) (one result a report, several for a bound volume's parts),
    given in groups of what is ready together: the writer's whole part of an import, apart from
    where the results come from (local workers, a cluster, or a benchmark's generated results,
    which is how its own rate is measured). A path in `again` is an annex read again for its new
    report (its stored ids).

    A group is stored under one commit (up to GROUP_DOCUMENTS outcomes), each document in a
    savepoint of its own: a document that cannot be stored still fails alone, and its events are
    given once the group is committed. A commit writes every page a document changed, so when
    results come faster than one at a time (a cluster, a fast disk of small files) the writer
    keeps up; results that come one by one are committed one by one, as soon as each is read.
    """
    for group in groups:
        for start in range(0, len(group), GROUP_DOCUMENTS):
            _store_group(conn, group[start:start + GROUP_DOCUMENTS], summary, emit, again)


Outcome = tuple[str, list[dict] | None, str | None]  # (path, results, error), as a worker gives it


class _GroupLost(Exception):
    """SQLite ended the group's transaction by itself (a full disk, an I/O error)."""


def _store_group(conn: sqlite3.Connection, group: list[Outcome], summary: ImportSummary, emit: Listener,
                 again: dict[str, dict[str, int]] | None) -> None:
    """One group under one commit; if the commit (or the transaction) is lost, the group again one
    document a transaction, so nothing is counted or announced that is not stored."""
    if len(group) == 1:
        _store_outcome(conn, group[0], summary, emit, again)
        return
    scratch = ImportSummary(stored_from=ChainMap({}, summary.stored_from))
    events: list[tuple[str, str, object]] = []
    try:
        with store.transaction(conn):
            for outcome in group:
                _store_outcome(conn, outcome, scratch, lambda *event: events.append(event), again)
                if not conn.in_transaction:
                    raise _GroupLost
    except (sqlite3.Error, _GroupLost):
        for outcome in group:
            _store_outcome(conn, outcome, summary, emit, again)
        return
    summary.add(scratch)
    for event in events:
        emit(*event)


def _store_outcome(conn: sqlite3.Connection, outcome: Outcome, summary: ImportSummary, emit: Listener,
                   again: dict[str, dict[str, int]] | None) -> None:
    path, results, error = outcome
    if error is not None:
        _fail(conn, summary, emit, path, _safe_sha(path), error)
        return
    for result in results or []:
        if again and path in again:
            _reread(conn, summary, emit, path, result, again[path])
        else:
            _save(conn, summary, emit, path, result)


def _save(conn: sqlite3.Connection, summary: ImportSummary, emit: Listener, path: str, result: dict) -> None:
    """Store one document read from `path` (a file, or a part of a volume: each in its own
    transaction, so a part that cannot be stored fails alone)."""
    try:
        outcome, _ = store.save(conn, result, path)
    except Exception as exc:  # rolled back: this document only fails, the batch goes on
        _fail(conn, summary, emit, _shown(path, result), result["source"]["sha256"], _store_failure(exc))
        return
    key = store.identity(result["source"])
    if outcome == "imported":
        summary.imported += 1
        summary.stored_from[key] = path
    else:
        summary.unchanged += 1
    first = summary.stored_from.get(key)
    emit(outcome, path, {**result, "same_as": first} if outcome == "unchanged" and first else result)


def _report_changed(annexes: dict[int, str | None], stored: list[int], path: Path) -> bool:
    """Was a stored annex read with another report beside it than the one in `path`'s folder now
    (a report added since, or changed)? A folder with no report never undoes one found elsewhere:
    the same annex bytes at two paths take the report where there is one."""
    looked = [annexes[doc_id] for doc_id in stored if doc_id in annexes]
    if not looked:
        return False
    now = annex.report_digest(path, default_catalogue())
    return now is not None and any(sha != now for sha in looked)


def _reread(conn: sqlite3.Connection, summary: ImportSummary, emit: Listener, path: str, result: dict,
            stored: dict[str, int]) -> None:
    """An annex read again for its new report: its extraction replaced, and the path recorded."""
    if _replace(conn, summary, emit, path, result, stored):
        with store.transaction(conn):
            store.record_path(conn, stored[store.identity(result["source"])], path)
    else:  # the file changed since it was found unchanged: stored as any new content
        _save(conn, summary, emit, path, result)


def _shown(path: str, result: dict) -> str:
    """The path as an error names it: a part of a volume with its pages."""
    pages = result["source"].get("pages")
    return f"{path} (pages {pages[0]}-{pages[1]})" if pages else path


def reextract(db_path: str | Path, workers: int | None = None, on_event: Listener | None = None,
              force: bool = False, cluster: Cluster | None = None,
              paths: Iterable[str | Path] = ()) -> ImportSummary:
    """Re-run extraction for stored documents whose extractor or patterns version changed
    (all of them with `force`); with `paths`, only documents recorded at or under them. Sources
    are found by their recorded paths and checked by sha256. The start event counts files (a
    volume once, however many of its parts are re-read), as an import's does."""
    from extractor import __version__
    from extractor.patterns import catalogue_digest

    emit = on_event or (lambda kind, path, detail: None)
    conn = store.connect(db_path)
    store.sync_catalogue(conn, default_catalogue())
    summary = ImportSummary()
    run_id = store.start_run(conn, "reextract")
    try:
        rows = conn.execute(
            "SELECT id, sha256, extractor_version, patterns_version, substr(sha256, 1, 64) FROM documents "
            "WHERE superseded_by IS NULL ORDER BY id").fetchall()  # the file's sha256 begins the identity
        stale = [r for r in rows if force or (r[2], r[3]) != (__version__, catalogue_digest())]
        summary.current = len(rows) - len(stale)
        roots = [Path(p).resolve() for p in paths]
        todo: dict[str, dict[str, int]] = {}  # source → identity → document id (a volume: its parts)
        lost = []
        for row in stale:
            recorded = _recorded_paths(conn, row[0], roots)
            if not recorded:
                continue  # recorded at none of the paths asked for
            source = _find_source(recorded, row[4])
            if source is None:
                lost.append(row)
            else:
                todo.setdefault(source, {})[row[1]] = row[0]
        emit("start", "", len(todo) + len(lost))
        for row in lost:
            _fail(conn, summary, emit, f"document {row[0]} ({row[1][:12]})", row[4],
                  "source not found: no recorded path still holds this content")
        for path, results, error in (outcome for group in _jobs(list(todo), workers, cluster)
                                     for outcome in group):
            if error is not None:
                _fail(conn, summary, emit, path, _safe_sha(path), error)
                continue
            if not any([_replace(conn, summary, emit, path, result, todo[path]) for result in results]):
                _fail(conn, summary, emit, path, results[0]["source"]["sha256"],
                      "file changed while re-extracting" if results[0]["source"]["sha256"] !=
                      next(iter(todo[path]))[:64] else "the file now reads as other documents")
        check_results.run(conn, "import")  # history and rollup of the cells re-extracted
        _finish_run(conn, run_id, summary, "done")
    except BaseException:
        _finish_run(conn, run_id, summary, "interrupted")
        raise
    finally:
        conn.close()
    return summary


def _replace(conn: sqlite3.Connection, summary: ImportSummary, emit: Listener, path: str, result: dict,
             stored: dict[str, int]) -> bool:
    """Swap one stored document's extraction for `result`, the same document read again from
    `path` (`stored`: the identities of the documents asked for from that file, and their ids).
    False when `result` is none of them (another part of the volume, or the file changed)."""
    doc_id = stored.get(store.identity(result["source"]))
    if doc_id is None:
        return False
    try:
        changes = store.replace_extraction(conn, doc_id, result)
    except Exception as exc:  # rolled back: the stored extraction stays as it was
        _fail(conn, summary, emit, _shown(path, result), result["source"]["sha256"], _store_failure(exc))
        return True
    summary.reextracted += 1
    emit("reextracted", path, {"source": result["source"], "changes": changes})
    return True


def _jobs(paths: list[str], workers: int | None, cluster: Cluster | None):
    return _run_on_cluster(paths, cluster) if cluster else _run(paths, workers)


def _extract_bytes_job(path: str, data: bytes, beside: tuple[str, bytes] | None = None
                       ) -> tuple[str, list[dict] | None, str | None]:
    """Runs on a cluster worker: the file's bytes came with the task; extract them as that file.
    An annex's report (`beside`: its name and bytes) comes along and is laid beside it, where the
    annex looks for it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="xhht-task-") as tmp:
        local = Path(tmp) / Path(path).name
        local.write_bytes(data)
        if beside is not None:
            (Path(tmp) / beside[0]).write_bytes(beside[1])
        _, results, error = _extract_job(str(local))
    for result in results or []:
        result["source"]["path"] = path
    return path, results, error


def _extract_batch_job(tasks: list[tuple], code: str) -> list[tuple[str, dict | None, str | None]]:
    """Runs on a cluster worker: several files in one task, each (path,) for a shared archive or
    (path, bytes, beside) with its bytes; each file's outcome, as `_extract_job` gives it. A worker
    whose code is not the importer's (`code`, its `code_digest`) reads nothing: each file fails
    with why, rather than being stored as another version read it."""
    mine = code_digest()
    if mine != code:
        reason = (f"this cluster worker runs another version of xhht-extractor (code {mine}, the "
                  f"importer's {code}): install the same version on every machine")
        return [(task[0], None, reason) for task in tasks]
    return [_extract_job(task[0]) if len(task) == 1 else _extract_bytes_job(*task) for task in tasks]


CLUSTER_BATCH_FILES = 8  # files in one cluster task: the scheduler's and the client's work is per task
CLUSTER_BATCH_BYTES = 16 * 2 ** 20  # at most this many bytes of files in one task (a scan is large)


def _batches(paths: list[str], shared: bool) -> Iterator[list[tuple]]:
    """The cluster's tasks: up to CLUSTER_BATCH_FILES files and CLUSTER_BATCH_BYTES bytes each,
    read only as each task is submitted."""
    batch: list[tuple] = []
    size = 0
    for path in paths:
        task = (path,) if shared else (path, Path(path).read_bytes(), _report_bytes(path))
        weight = 0 if shared else len(task[1]) + len((task[2] or ("", b""))[1])
        if batch and (len(batch) == CLUSTER_BATCH_FILES or size + weight > CLUSTER_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(task)
        size += weight
    if batch:
        yield batch


def _run_on_cluster(paths: list[str], cluster: Cluster):
    """Yield the (path, results, error) of the tasks on a Dask cluster finished together, as `_run`
    does locally.

    Files go in batches (`_batches`): with one file a task, the scheduler and this process spent
    as much as a worker per file on a small cluster (bench_floors.py, cluster row). At most two
    tasks per cluster thread are in flight, so this process (the only writer) holds few files at
    once; each result is stored as it arrives. A task that fails on a worker (a worker lost, a
    library crash) fails its files, not the batch of the import.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise RuntimeError(i18n.gettext("--cluster needs Dask distributed: pip install "
                                        "'xhht-extractor[cluster]'")) \
            from exc
    with Client(cluster.address, timeout=CONNECT_TIMEOUT) as client:
        slots = 2 * max(1, sum(client.nthreads().values()))
        owners: dict[str, list[str]] = {}

        def submit(batch: list[tuple]):
            future = client.submit(_extract_batch_job, batch, code_digest(), pure=False)
            owners[future.key] = [task[0] for task in batch]
            return future

        queue = _batches(paths, cluster.files == "shared")
        running = as_completed([submit(batch) for batch in islice(queue, slots)])
        for finished in running.batches():  # every task done by now: their files are stored together
            group = []
            for future in finished:
                following = next(queue, None)  # the next files are on their way while these are stored
                if following is not None:
                    running.add(submit(following))
                group += _task_outcomes(future, owners.pop(future.key))
            del finished, future  # the cluster lets go of a result once nothing here holds it
            yield group


def _task_outcomes(future, paths: list[str]) -> list[Outcome]:
    """A cluster task's outcomes, or each of its files failed with why the task itself failed (a
    worker lost, a library crash)."""
    try:
        return future.result()
    except Exception as exc:
        reason = f"cluster task failed: {type(exc).__name__}: {str(exc)[:160]}"
        return [(path, None, reason) for path in paths]


def _report_bytes(path: str) -> tuple[str, bytes] | None:
    """The name and bytes of the report an annex takes its metadata from, to send with its task."""
    report = annex.report_beside(Path(path), default_catalogue())
    try:
        return (report.name, report.read_bytes()) if report is not None else None
    except OSError:
        return None


def _run(paths: list[str], workers: int | None):
    """Yield the (path, results, error) of the extractions finished together, as they finish (one at
    a time in-process, when one worker is asked for).

    At most twice as many files as workers are in flight, so memory stays flat on big batches.
    """
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(paths) <= 1:
        for path in paths:
            yield [_extract_job(path)]
        return
    pending: set[Future] = set()
    queue = iter(paths)
    with ProcessPoolExecutor(max_workers=workers, initializer=_watch_importer,
                             initargs=(os.getpid(),)) as pool:
        try:
            for path in queue:
                pending.add(pool.submit(_extract_job, path))
                if len(pending) >= 2 * workers:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for _ in done:  # the next files start before these are stored
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(pool.submit(_extract_job, nxt))
                yield [future.result() for future in done]
        except BaseException:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _recorded_paths(conn: sqlite3.Connection, doc_id: int, roots: list[Path]) -> list[str]:
    """The paths a document was found at, latest first; with `roots`, only those at or under one."""
    found = [r[0] for r in conn.execute("SELECT path FROM document_paths WHERE document_id = ? ORDER BY "
                                        "last_seen DESC", (doc_id,))]
    return [p for p in found if not roots or any(_under(Path(p), root) for root in roots)]


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _find_source(recorded: list[str], sha256: str) -> str | None:
    """The first of these paths that still holds the content `sha256`."""
    for path in recorded:
        if Path(path).is_file() and _safe_sha(path) == sha256:
            return path
    return None


def _safe_sha(path: str) -> str | None:
    try:
        return sha256_of(Path(path))
    except OSError:
        return None


def _store_failure(exc: Exception) -> str:
    """One line saying why a document read well could not be stored (its transaction was rolled
    back, so nothing of it is in the database and the next run tries it again)."""
    what = str(exc) if isinstance(exc, store.StoreError) else f"{type(exc).__name__}: {exc}"
    return "not stored: " + " ".join(what.split())[:300]


def _fail(conn, summary: ImportSummary, emit: Listener, path: str, sha: str | None, reason: str) -> None:
    store.record_error(conn, path, sha, reason)
    summary.failed.append((path, reason))
    emit("failed", path, reason)


def _finish_run(conn: sqlite3.Connection, run_id: int, summary: ImportSummary, status: str) -> None:
    store.finish_run(conn, run_id, status, imported=summary.imported, unchanged=summary.unchanged,
                     skipped=len(summary.skipped), failed=len(summary.failed),
                     reextracted=summary.reextracted)

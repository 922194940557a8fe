"""Benchmark: what the consistency checks cost an import.

Usage: python benchmarks/bench_check_runs.py [FOLDER] [--repeats 3] [--observations 1000000] [--samples 50]

1. import: `import_paths` of FOLDER's .docx (default ../shared/corpus/dev, else corpus_samples),
   one worker, with the checks kept (report checks stored with each document, history and
   rollup after the import) and with both turned off, in turn, best of `--repeats`, and the
   time spent inside the checks (clocked around them: steadier than a difference of two noisy
   wall times): the overhead of the checks on the import row of bench_floors.py (target ≤ 5 %).
2. post-import: on bench_import's synthetic archive of `--observations` observations (communes ×
   14 years × the Tuần lễ codes), with a district report beside the communes of `--samples`
   districts, the history and rollup run after one document is imported (`run(conn, "import")`
   with that one document pending), for `--samples` documents: ms per document (target ≤ 50 ms).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_import import big_database  # noqa: E402

from extractor import store  # noqa: E402
from extractor.checks import results  # noqa: E402
from extractor.importer import import_paths  # noqa: E402
from extractor.store import documents  # noqa: E402


def timed_import(paths: list[Path], db: Path, checks: bool) -> tuple[float, float]:
    """(seconds to import `paths` into a new database, seconds of it spent in the checks), with
    the checks or without them."""
    db.unlink(missing_ok=True)
    kept = documents.store_report_checks, results.run
    inside = [0.0]

    def clocked(function):
        def call(*args):
            start = time.perf_counter()
            try:
                return function(*args)
            finally:
                inside[0] += time.perf_counter() - start
        return call

    documents.store_report_checks, results.run = (clocked(kept[0]), clocked(kept[1])) if checks else \
        ((lambda *args: None), (lambda *args: None))
    try:
        start = time.perf_counter()
        import_paths(db, paths, workers=1)
        return time.perf_counter() - start, inside[0]
    finally:
        documents.store_report_checks, results.run = kept


def import_cost(paths: list[Path], work: Path, repeats: int) -> tuple[float, float, float]:
    """(best seconds with checks, best without, least seconds spent in the checks), taken in turn
    (which goes first alternates: a warm cache favours the second)."""
    timed_import(paths[:2], work / "warm.db", True)  # catalogue, register, caches
    with_checks, without, inside = [], [], []
    for k in range(repeats):
        for checks in ((True, False) if k % 2 == 0 else (False, True)):
            seconds, spent = timed_import(paths, work / f"{checks}.db", checks)
            (with_checks if checks else without).append(seconds)
            if checks:
                inside.append(spent)
    return min(with_checks), min(without), min(inside)


def add_districts(conn, samples: int, rng: random.Random) -> list[int]:
    """A district unit with a report per year for the districts of `samples` random communes (its
    figure the sum of its communes', give or take), so the rollup has a parent to judge; returns
    the documents of those communes to time."""
    communes = conn.execute("SELECT id, district, province FROM units WHERE level = 'xã' ORDER BY random() "
                            f"LIMIT {samples}").fetchall()
    docs = []
    with store.transaction(conn):
        for unit_id, district, province in communes:
            members = [r[0] for r in conn.execute("SELECT id FROM units WHERE district = ? AND level = 'xã'",
                                                  (district,))]
            key = store.unit_key("huyện", district, None, province)
            parent = conn.execute("SELECT id FROM units WHERE key = ?", (key,)).fetchone()
            if parent is None:
                parent_id = conn.execute("INSERT INTO units (key, level, name, district, province) "
                                         "VALUES (?, 'huyện', ?, NULL, ?)",
                                         (key, district, province)).lastrowid
                sums = conn.execute(
                    "SELECT year, code, sum(value_num) FROM pivot_values WHERE unit_id IN "
                    f"({','.join('?' * len(members))}) "
                    "GROUP BY year, code", members).fetchall()
                by_year: dict[int, list] = {}
                for year, code, total in sums:
                    by_year.setdefault(year, []).append((code, round(total * rng.uniform(1.0, 1.03))))
                for year, values in by_year.items():
                    doc_id = conn.execute(
                        "INSERT INTO documents (sha256, format, size, imported_at, extracted_at, "
                        "report_type, unit_id, unit_name, unit_level, province, year, period, issued_date, "
                        "extractor_version, patterns_version) VALUES (?, 'docx', 1, '', '', 'tuanle', ?, ?, "
                        "'huyện', ?, ?, ?, ?, 'bench', 'bench')",
                        (f"d{parent_id}-{year}", parent_id, district, province, year, str(year),
                         f"{year}-10-20")).lastrowid
                    conn.executemany("INSERT INTO observations (document_id, code, kind, value_num, "
                                     "location) VALUES (?, ?, 'actual', ?, 'table 2')",
                                     [(doc_id, c, v) for c, v in values])
                    store.refresh_document(conn, doc_id)
            docs += [r[0] for r in conn.execute("SELECT id FROM documents WHERE unit_id = ? ORDER BY "
                                                "random() LIMIT 1",
                                                (unit_id,))]
    return docs


def post_import(db: Path, samples: int, seed: int = 18) -> list[float]:
    """ms of the checks run after importing one document, for each of `samples` documents."""
    conn = store.connect(db)
    docs = add_districts(conn, samples, random.Random(seed))
    timings = []
    for doc_id in docs:
        conn.execute("INSERT OR IGNORE INTO check_pending (document_id) VALUES (?)", (doc_id,))
        start = time.perf_counter()
        results.run(conn, "import")
        timings.append((time.perf_counter() - start) * 1000)
    judged = conn.execute("SELECT count(*), sum(status = 'open') FROM check_results").fetchone()
    print(f"  {judged[0]} results written, {judged[1] or 0} open")
    conn.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = ROOT.parent / "shared" / "corpus" / "dev"
    parser.add_argument("folder", nargs="?", type=Path, default=shared if shared.is_dir()
                        else ROOT / "corpus_samples")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    paths = sorted(args.folder.glob("*.docx"))
    with tempfile.TemporaryDirectory(prefix="xhht-checks-") as tmp:
        work = Path(tmp)
        on, off, inside = import_cost(paths, work, args.repeats)
        n = len(paths)
        print(f"import of {n} .docx from {args.folder}: with checks {on / n * 1000:.1f} ms/doc, without "
              f"{off / n * 1000:.1f} ms/doc: {100 * (on - off) / off:+.1f} % (best of each); time inside the "
              f"checks {inside / n * 1000:.2f} ms/doc = {100 * inside / off:.1f} % of the import "
              "without them")
        big = work / "big.db"
        start = time.perf_counter()
        written = big_database(big, args.observations)
        print(f"archive: {written:,} observations in {time.perf_counter() - start:.0f}s")
        timings = post_import(big, args.samples)
        print(f"history and rollup after one imported document, {len(timings)} documents: median "
              f"{statistics.median(timings):.1f} ms, mean {statistics.mean(timings):.1f} ms, max "
              f"{max(timings):.1f} ms")


if __name__ == "__main__":
    main()

"""Benchmark: a national archive (100,000 documents, about 4 M observations) built through the
real store, then the reads a researcher makes of it.

Usage: python benchmarks/bench_archive.py [--docs 100000] [--chunk 1000] [--order shuffled|district]
                                          [--rounds 5] [--keep DIR]

Extraction is skipped: each document is an extraction result made from a real one (a Word report
of corpus_samples/ read once, its text and review items kept) with a generated unit, year and
all 40 `tuanle` figures: a commune's near its own level from year to year, a district's the sum
of its communes', so the checks mostly hold, as in a real archive. Everything
else is the importer's own: `importer.store_results` writes each result, all of them ready at
once as a cluster's would be, so under its commits of several documents (document, observations,
review items, FTS, unit lookup, pivot, each in its savepoint), and every `--chunk` documents
are one import run, closed by its history and rollup checks. About one unit in sixteen is a
district, whose communes its rollup checks add up; a few cells get a second report.

Rows: import rate of the first and the last chunk as they came (and the writer's peak memory);
the same two chunks replayed side by side (`replay`: the line to read for last/first, as one run
of each, minutes apart, mostly measures the machine), with a worker's Word extraction between them
and the writer's margin over it (CPU ms a document; each round's figures in brackets): while it
stores what the workers read, and with the checks that close the run (an import runs them once,
after its last document, when the workers have nothing left to read); database
size per document, `compare` of one indicator (all units, one province), the web compare and unit
pages, `export --format csv` and `--format jsonl` (time and peak memory, in their own process),
and `PRAGMA integrity_check`. The replay copies the archive twice beside it (before its last run,
and each round's copy): three times the archive's size of free disk at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this worktree's extractor, not an installed one
TEMPLATES = ["BC ket qua TLHTSD ChanSon 2023.docx", "BC_TuanLe_HTSD_2021_LiemPhu.docx",
             "BC_TuanLe_HTSD_2022_LiemPhu.docx", "BC_TuanLe_HTSD_2023_LiemPhu.docx"]
YEARS = 10  # 2016-2025
FIRST_YEAR = 2016
COMMUNES_PER_DISTRICT = 16
DISTRICTS_PER_PROVINCE = 10
CODE = "tuanle.lop.xoa_mu_chu.so_luot"
ORDERS = {"shuffled": "in any order (--order shuffled)",
          "district": "a district's folder at a time (--order district)"}


def templates() -> list[dict]:
    """Real extraction results (with their text, as the importer stores them) to dress generated
    documents in."""
    from extractor.extract import extract_file

    return [extract_file(ROOT / "corpus_samples" / name, with_text=True) for name in TEMPLATES]


def place(unit: int) -> dict:
    """Level, name, district and province of generated unit number `unit`."""
    district = unit // COMMUNES_PER_DISTRICT
    province = f"Tỉnh {district // DISTRICTS_PER_PROVINCE}"
    if unit % COMMUNES_PER_DISTRICT == 0:
        return {"unit_level": "huyện", "unit_name": f"Huyện {district}", "district": None,
                "province": province}
    return {"unit_level": "xã", "unit_name": f"Xã {unit}", "district": f"Huyện {district}",
            "province": province}


def commune_value(unit: int, year: int, row: int) -> int:
    """A commune's figure: its own level (20-400), within ±10 % from year to year."""
    level = 20 + unit * 7919 % 380
    return level * (90 + (unit * 31 + year * 17 + row * 7) % 21) // 100


def district_value(unit: int, year: int, row: int) -> int:
    """A district's figure: the sum of its communes', as a consistent archive has it."""
    return sum(commune_value(commune, year, row) for commune in range(unit + 1, unit + COMMUNES_PER_DISTRICT))


def layout(docs: int, seed: int, order: str = "shuffled") -> list[tuple[int, int, int]]:
    """(document number, unit, year) in their order of arrival: every unit reports each year;
    about one cell in fifty gets a second report. "shuffled": any report at any time, so a unit's
    history (what its checks and its pivot row read) fills up over the whole run; "district": a
    district's folder at a time (its units' years in any order), so the last documents of the run
    have as much history beside them as the first, and what differs is the size of the archive."""
    units = max(1, docs * 49 // (50 * YEARS))
    slots = [(k, k % units, FIRST_YEAR + (k // units) % YEARS) for k in range(docs)]
    random.Random(seed).shuffle(slots)
    if order == "district":
        slots.sort(key=lambda slot: slot[1] // COMMUNES_PER_DISTRICT)  # stable: shuffled within one
    return slots


def generated(docs: int, forms: list[dict], seed: int = 1, order: str = "shuffled"
              ) -> Iterator[tuple[str, list[dict], None]]:
    """(path, [extraction result], None) for each generated document, as the workers give them."""
    from extractor.patterns import default_catalogue

    indicators = default_catalogue().reports["tuanle"].indicators
    for k, unit, year in layout(docs, seed, order):
        form = forms[k % len(forms)]
        meta = place(unit)
        observations = []
        for row, ind in enumerate(indicators, 1):
            value = district_value(unit, year, row) if meta["unit_level"] == "huyện" else \
                commune_value(unit, year, row)
            observations.append({"code": ind.code, "kind": "actual", "value": value, "unit": ind.unit,
                                 "label": ind.label, "raw_value": str(value), "score": 100.0,
                                 "location": f"table 2, row {row}, cell 3", "method": "table"})
        sha = hashlib.sha256(f"{seed}-{k}".encode()).hexdigest()
        second = k >= docs * 49 // 50 // YEARS * YEARS
        result = {
            "source": {"path": f"/archive/{meta['province']}/{k:06d}.docx", "sha256": sha, "format": "docx",
                       "size": 40_000 + k % 997},
            "document": {"report_type": "tuanle", **meta, "year": year, "period": str(year),
                         "issued_date": f"{year}-{11 if second else 10}-{1 + k % 28:02d}",
                         "doc_number": f"{k}/BC-TTHTCĐ"},
            "indicators": observations, "activities": [], "unmatched": [], "warnings": [], "checks": [],
            "reader": form["reader"], "versions": form["versions"],
            "review": form["review"],
            "text": form["text"].replace(form["document"]["unit_name"] or "\0", meta["unit_name"]),
        }
        yield result["source"]["path"], [result], None


def store_run(conn, ready: list) -> tuple[float, float, float]:
    """One import run of these ready results, closed by its checks: (wall, CPU, CPU of the checks)
    seconds (the writer's CPU time is what a shared machine's load changes least)."""
    from extractor import importer, store
    from extractor.checks import results as check_results

    start, cpu = time.perf_counter(), time.process_time()
    run_id = store.start_run(conn, "import")
    summary = importer.ImportSummary()
    importer.store_results(conn, [ready], summary, lambda *a: None)
    checks = time.process_time()
    check_results.run(conn, "import")
    store.finish_run(conn, run_id, "done", imported=summary.imported, unchanged=summary.unchanged,
                     skipped=0, failed=len(summary.failed), reextracted=0)
    end = time.process_time()
    if summary.failed:
        raise SystemExit(f"not stored: {summary.failed[:3]}")
    return time.perf_counter() - start, end - cpu, end - checks


def snapshot(conn, db: Path, target: Path) -> None:
    """A copy of the archive as it is between two runs (its WAL written back first)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db, target)


def build(db: Path, docs: int, chunk: int, order: str, snapshots: bool) -> list[tuple[float, float, float]]:
    """Store the generated archive, `chunk` documents per import run; the timings of each run (see
    `store_run`). With `snapshots`, the archive is copied before its first run and before its
    last, for `replay`."""
    from extractor import store
    from extractor.patterns import default_catalogue
    from extractor.register import merged_unit

    conn = store.connect(db)
    store.sync_catalogue(conn, default_catalogue())
    results = generated(docs, templates(), order=order)
    merged_unit("Chân Sơn", "xã", None, None)  # the register is loaded once a process: not in the first run
    timings = []
    done = 0
    while done < docs:
        size = min(chunk, docs - done)
        if snapshots and (done == 0 or done + size == docs):
            snapshot(conn, db, db.with_name("first.db" if done == 0 else "last.db"))
        ready = [next(results) for _ in range(size)]  # made before the clock starts: not the writer's
        timings.append(store_run(conn, ready))
        done += size
        if len(timings) % max(1, docs // chunk // 10) == 0:
            print(f"  {done:,} documents, last run {size / timings[-1][0]:.0f} docs/s "
                  f"({timings[-1][1] / size * 1000:.1f} ms CPU a document, checks "
                  f"{timings[-1][2] / size * 1000:.1f})", flush=True)
    conn.close()
    return timings


def replay(db: Path, docs: int, chunk: int, order: str, rounds: int) -> dict[str, list[float]]:
    """The first and the last run stored again into copies of the archive as each found it, in
    alternation, `rounds` times; and between them a worker's extraction of the Word reports the
    documents are made from (the best of three in a row: its pace once warm, as a worker's is).
    CPU ms a document of each. On a machine whose speed changes from minute to minute (a shared
    one), one run of each, minutes apart, can differ by half in either direction; runs side by
    side are what compare the archive's two sizes (`report_replay`: the best of each, and the median of
    the rounds' own ratios)."""
    from itertools import islice

    from extractor import store
    from extractor.extract import extract_file

    forms = templates()
    last = docs - (docs - 1) // chunk * chunk
    cases = {"first": (db.with_name("first.db"), list(islice(generated(docs, forms, order=order), chunk))),
             "last": (db.with_name("last.db"), list(islice(generated(docs, forms, order=order), docs - last,
                                                             docs)))}
    out: dict[str, list[float]] = defaultdict(list)
    work = db.with_name("replay.db")
    for _ in range(rounds):
        for name, (origin, ready) in cases.items():
            shutil.copyfile(origin, work)
            conn = store.connect(work)
            _, cpu, checks = store_run(conn, ready)
            out[name].append(cpu / len(ready) * 1000)
            out[f"{name} without checks"].append((cpu - checks) / len(ready) * 1000)
            conn.close()
            for path in work.parent.glob(work.name + "*"):
                path.unlink()
        out["extraction"].append(min(_extraction(extract_file) for _ in range(3)))  # a worker's steady pace
    for origin, _ in cases.values():
        origin.unlink()
    return out


def _extraction(extract_file) -> float:
    """CPU ms a document of one worker's extraction of the Word reports the documents are made from."""
    cpu = time.process_time()
    for template in TEMPLATES:
        extract_file(ROOT / "corpus_samples" / template, with_text=True)
    return (time.process_time() - cpu) / len(TEMPLATES) * 1000


def report_replay(times: dict[str, list[float]]) -> None:
    best = {name: min(runs) for name, runs in times.items()}
    first, last, extraction = best["first"], best["last"], best["extraction"]
    first_store, last_store = best["first without checks"], best["last without checks"]
    print(f"replayed side by side, best of {len(times['first'])} rounds (CPU ms a document): first run "
          f"{first:.1f} ({first_store:.1f} without the checks), last run {last:.1f} ({last_store:.1f})")
    print(f"  last/first: {last / first:.2f}x (without the checks {last_store / first_store:.2f}x)")
    for label, suffix in (("", ""), (" without the checks", " without checks")):
        ratios = paired_ratios(times[f"first{suffix}"], times[f"last{suffix}"])
        print(f"  last/first round by round{label}: " + " ".join(f"{r:.2f}" for r in ratios)
              + f" (median {statistics.median(ratios):.2f}x)")
    print(f"  the writer's margin: a worker extracts a Word report in {extraction:.1f} ms, "
          f"{extraction / last_store:.1f}x the writer's last run while it stores what the workers read "
          f"({extraction / last:.1f}x with the checks that close the run)")
    print("  each round (CPU ms a document): " + "; ".join(
        f"{name} " + " ".join(f"{t:.1f}" for t in runs) for name, runs in times.items()))


def paired_ratios(first: list[float], last: list[float]) -> list[float]:
    """last ÷ first of each round: the two runs of a round, a minute apart, share the machine's
    speed of that minute far more than the best of each over all the rounds do (their median is
    what the swings of a shared machine move least)."""
    return [b / a for a, b in zip(first, last, strict=True)]


def report_build(timings: list[tuple[float, float, float]], chunk: int, docs: int) -> None:
    (first, first_cpu, first_checks), (last, last_cpu, last_checks) = timings[0], timings[-1]
    size = docs - chunk * (len(timings) - 1)
    print(f"import: first {chunk:,} docs {chunk / first:.0f} docs/s ({first_cpu / chunk * 1000:.1f} ms CPU a "
          f"document, of which checks {first_checks / chunk * 1000:.1f}), last {size:,} {size / last:.0f} "
          f"docs/s ({last_cpu / size * 1000:.1f} ms CPU a document, of which checks "
          f"{last_checks / size * 1000:.1f}); last/first CPU a document "
          f"{last_cpu / size / (first_cpu / chunk):.2f}x (without the checks "
          f"{(last_cpu - last_checks) / size / ((first_cpu - first_checks) / chunk):.2f}x); "
          f"all {docs:,} in {sum(t[0] for t in timings):.0f} s; writer peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def best_of(run, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def bench_compare(db: Path) -> tuple[float, float]:
    from extractor import store
    from extractor.query import compare

    conn = store.connect(db, readonly=True)
    return (best_of(lambda: compare(conn, CODE)), best_of(lambda: compare(conn, CODE, province="Tỉnh 0")))


async def _pages(db: Path, unit: int) -> dict[str, float]:
    from extractor.serve import make_app

    app = make_app(db)
    out = {}
    for name, url in {"web compare, all units": f"/-/compare?code={CODE}",
                      "web compare, one province": f"/-/compare?code={CODE}&province=Tỉnh 0",
                      "web unit page": f"/-/unit/{unit}"}.items():
        response = await app.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            await app.client.get(url)
            best = min(best, time.perf_counter() - start)
        out[name] = best
    return out


def bench_export(db: Path, fmt: str, work: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB of the exporting process, bytes written) of `xhht export`."""
    target = work / f"export.{fmt}"
    # VmHWM, not ru_maxrss: Linux keeps a process's ru_maxrss across exec, so a child started from
    # this (large) process would report this one's peak
    code = ("import sys\nfrom extractor.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr)\n")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, "export", "--db", str(db), "--format", fmt, "-o",
                          str(target)], check=True, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    return elapsed, int(out.stderr.split()[-1]) / 1024, target.stat().st_size


def integrity(db: Path) -> tuple[float, str]:
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    answer = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return time.perf_counter() - start, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1000, help="documents per import run")
    parser.add_argument("--order", choices=tuple(ORDERS), default="shuffled",
                        help="order of arrival (see layout)")
    parser.add_argument("--rounds", type=int, default=5, help="paired replays of the first and the last "
                        "run (0: none)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (an archive.db "
                                                  "already there is read, not built again)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xhht-archive-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "archive.db"
    began = time.perf_counter()
    try:
        if db.exists():
            print(f"{db} is already there: read as it is, not built again (--docs, --order and --rounds "
                  "apply to a build)")
        else:
            print(f"archive of {args.docs:,} documents arriving {ORDERS[args.order]}, {args.chunk:,} an "
                  "import run, each run closed by its checks")
            timings = build(db, args.docs, args.chunk, args.order, snapshots=args.rounds > 0)
            report_build(timings, args.chunk, args.docs)
            if args.rounds > 0 and args.docs > args.chunk:
                report_replay(replay(db, args.docs, args.chunk, args.order, args.rounds))
        conn = sqlite3.connect(db)
        count, observations = conn.execute("SELECT (SELECT count(*) FROM documents), "
                                           "(SELECT count(*) FROM observations)").fetchone()
        unit = conn.execute("SELECT unit_id FROM documents WHERE unit_level = 'huyện' LIMIT 1").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        size = db.stat().st_size
        print(f"database: {count:,} documents, {observations:,} observations, {size / 2 ** 20:.0f} MiB = "
              f"{size / count / 1024:.1f} KiB per document")
        every, province = bench_compare(db)
        print(f"compare {CODE}: all units {every * 1000:.0f} ms, one province {province * 1000:.0f} ms")
        for name, seconds in asyncio.run(_pages(db, unit)).items():
            print(f"{name}: {seconds * 1000:.0f} ms")
        for fmt in ("csv", "jsonl"):
            seconds, peak, written = bench_export(db, fmt, work)
            print(f"export --format {fmt}: {seconds:.1f} s, peak memory {peak:.0f} MiB, "
                  f"{written / 2 ** 20:.0f} MiB written")
        seconds, answer = integrity(db)
        print(f"PRAGMA integrity_check: {seconds:.1f} s ({answer})")
        print(f"benchmark wall time {time.perf_counter() - began:.0f} s")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

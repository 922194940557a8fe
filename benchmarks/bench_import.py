"""Benchmark: batch import of generated reports with 1 and 2 workers, and `compare` on a large database.

Usage: python benchmarks/bench_import.py [--docs 1000] [--observations 1000000] [--keep DIR]

The reports are made from the real-layout samples in corpus_samples/ (Word reports and a text
export) with their figures redrawn at random and their years moved back by 0-9 years, so every
file has its own content and goes through the whole pipeline, and a unit's year holds a few
reports, as in an archive (not hundreds, which would time the pivot of one crowded cell).
The large database for `compare` is filled directly with synthetic rows (units × years ×
indicators).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["BC ket qua TLHTSD ChanSon 2023.docx", "Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt",
           "BC_DeAn1373_BachThong_2023.docx", "TongKet_XDXHHT_BacHa_2017.docx"]


def _redraw(text: str, rng: random.Random) -> str:
    """Replace each stand-alone 1-3 digit figure with another of the same width."""
    return re.sub(r"(?<![\d/.,])\d{1,3}(?![\d/.,])", lambda m: str(rng.randrange(10 ** len(m.group()))).zfill(
        len(m.group())), text)


def _years_back(text: str, years: int) -> str:
    """Every year 2010-2029 in the text moved back by `years` (dates, titles, school years alike)."""
    return re.sub(r"(?<!\d)20[12]\d(?!\d)", lambda m: str(int(m.group()) - years), text)


def make_reports(folder: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        source = ROOT / "corpus_samples" / SOURCES[k % len(SOURCES)]
        target = folder / f"{k:05d}{source.suffix}"
        back = (k // len(SOURCES)) % 10
        if source.suffix == ".txt":
            target.write_text(_years_back(_redraw(source.read_text(encoding="utf-8"), rng), back),
                              encoding="utf-8")
            continue
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    data = re.sub(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)",
                                  lambda m, back=back: m.group(1) + _years_back(
                                      _redraw(m.group(2), rng), back) + m.group(3),
                                  data.decode("utf-8")).encode("utf-8")
                out.writestr(item, data)


def timed_import(folder: Path, db: Path, workers: int) -> tuple[float, float]:
    """(seconds, peak resident memory in MiB of the import and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extractor", "import", str(folder), "--db", str(db), "--workers",
                    str(workers)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return elapsed, peak


GROUPS = (3, 4, 3, 3, 4, 3)  # the 20 communes of a district became six communes in 2025


def successor(u: int) -> tuple[str | None, str | None]:
    """The 2025 unit and province of synthetic commune `u`: three or four neighbours of a district
    became one commune, two provinces one province; one commune in 25 has no known successor (the
    register's gaps)."""
    if u % 25 == 7:
        return None, None
    position, group = u % 20, 0
    while position >= GROUPS[group]:
        position -= GROUPS[group]
        group += 1
    return f"Xã Mới {u // 20}-{group}", f"Tỉnh mới {u // 800}"


def big_database(db: Path, observations: int) -> int:
    """Fill a database with synthetic units × years × codes rows, each commune with its 2025 unit
    (`successor`); returns the observation count."""
    from extractor import store
    from extractor.patterns import default_catalogue

    conn = store.connect(db)
    store.sync_catalogue(conn, default_catalogue())
    codes = [r[0] for r in conn.execute("SELECT code FROM indicators WHERE report_type = 'tuanle'")]
    years = list(range(2012, 2026))
    units = observations // (len(codes) * len(years)) + 1
    rng = random.Random(7)
    written = 0
    with store.transaction(conn):
        for u in range(units):
            place = (f"Đơn vị {u}", f"Huyện {u // 20}", f"Tỉnh {u // 400}")
            unit_id = conn.execute("INSERT INTO units (key, level, name, district, province, merged_into, "
                                   "merged_province) VALUES (?, 'xã', ?, ?, ?, ?, ?)",
                                   (store.unit_key("xã", *place), *place, *successor(u))).lastrowid
            for year in years:
                doc_id = conn.execute(
                    "INSERT INTO documents (sha256, format, size, imported_at, extracted_at, report_type, "
                    "unit_id, unit_name, unit_level, year, period, issued_date, extractor_version, "
                    "patterns_version) VALUES (?, 'docx', 1, '', '', 'tuanle', ?, ?, 'xã', ?, ?, ?, 'bench', "
                    "'bench')",
                    (f"{u}-{year}", unit_id, f"Đơn vị {u}", year, str(year), f"{year}-10-10")).lastrowid
                conn.executemany(
                    "INSERT INTO observations (document_id, code, kind, value_num, unit, raw_label, "
                    "raw_value, location, score, method) VALUES (?, ?, 'actual', ?, '', '', '', 'table 2', "
                    "100, 'table')",
                    [(doc_id, code, rng.randrange(500)) for code in codes])
                written += len(codes)
    store.rebuild_pivot(conn)  # the rows above bypass `store.save`, which keeps it up to date
    conn.close()
    return written


COMPARE_CODE = "tuanle.lop.xoa_mu_chu.so_luot"


def bench_compare(db: Path, repeats: int = 5) -> tuple[float, float]:
    """(ms for all units, ms for one province) of one indicator's pivot, best of `repeats`."""
    from extractor import store
    from extractor.query import compare

    conn = store.connect(db, readonly=True)
    timings = []
    for kwargs in ({}, {"province": "Tỉnh 0"}):
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            compare(conn, COMPARE_CODE, **kwargs)
            best = min(best, time.perf_counter() - start)
        timings.append(best * 1000)
    return timings[0], timings[1]


def compare_floor(db: Path, repeats: int = 5) -> float:
    """ms to fetch the same indicator's cells one row each from pivot_values (no pivot built)."""
    import sqlite3

    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        conn.execute("SELECT unit_id, year, kind, coalesce(value_num, value_text) FROM pivot_values WHERE "
                     "code = ?",
                     (COMPARE_CODE,)).fetchall()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def compare_plan(db: Path) -> str:
    """EXPLAIN QUERY PLAN of compare's query, one step per line."""
    import sqlite3

    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT u.id, p.years FROM pivot_rows p JOIN units u ON u.id = "
                        "p.unit_id WHERE p.code = ?", (COMPARE_CODE,)).fetchall()
    return "; ".join(row[3] for row in plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xhht-bench-"))
    try:
        reports = work / "reports"
        start = time.perf_counter()
        make_reports(reports, args.docs)
        print(f"generated {args.docs} reports in {time.perf_counter() - start:.1f}s")
        base = None
        for workers in (1, 2):
            db = work / f"import-{workers}.db"
            db.unlink(missing_ok=True)
            elapsed, peak = timed_import(reports, db, workers)
            base = base or elapsed
            print(f"import, {workers} worker(s): {args.docs} docs in {elapsed:.1f}s = "
                  f"{args.docs / elapsed:.1f} docs/s, "
                  f"speed-up {base / elapsed:.2f}x, peak memory {peak:.0f} MiB (largest process)")
        elapsed, _ = timed_import(reports, work / "import-2.db", 2)
        print(f"re-import (all unchanged): {elapsed:.1f}s")
        big = work / "big.db"
        big.unlink(missing_ok=True)
        start = time.perf_counter()
        written = big_database(big, args.observations)
        print(f"large database: {written:,} observations written in {time.perf_counter() - start:.1f}s")
        every, one = bench_compare(big)
        print(f"compare on {written:,} observations: all units {every:.0f} ms, one province {one:.0f} ms "
              f"(floor, the cells fetched one row each: {compare_floor(big):.0f} ms; plan: "
              f"{compare_plan(big)})")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

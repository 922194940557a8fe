"""Benchmark: research across the 2025 merger on a large database (1,000,000 observations by default).

Usage: python benchmarks/bench_research.py [--observations 1000000] [--keep DIR] [--repeats 5]

The database is the synthetic one of bench_import.py, whose communes became 2025 communes three or
four at a time (one in 25 with no known successor). Timed, best of `repeats` after a warm-up:
`compare --as-of 2025` and the roll-ups as the library computes them (what the CLI prints), the
web compare page with them (server side, through Datasette's ASGI client), and the full panel
export to CSV and Parquet, each in a process of its own with its peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import COMPARE_CODE, big_database  # noqa: E402

VIEWS = {  # the plain pivot first: the floor the views build on, measured in the same run
    "compare (plain pivot)": {},
    "compare --as-of 2025": {"as_of": 2025},
    "roll-up by province": {"by": "province"},
    "roll-up by district": {"by": "district"},
    "as of 2025 by province": {"as_of": 2025, "by": "province"},
    "as of 2025, change, sorted": {"as_of": 2025, "change": True, "sort": "2024:actual:change",
                                   "descending": True},
}
PAGES = {
    "page, plain pivot": f"/-/compare?code={COMPARE_CODE}",
    "page, as of 2025": f"/-/compare?code={COMPARE_CODE}&as_of=2025",
    "page, by province": f"/-/compare?code={COMPARE_CODE}&by=province",
    "page, as of 2025 + change, sorted": f"/-/compare?code={COMPARE_CODE}&as_of=2025&change=1"
                                         "&sort=2024%3Aactual%3Achange&desc=1",
    "CSV, as of 2025": f"/-/compare.csv?code={COMPARE_CODE}&as_of=2025",
}
# Runs one export in a process of its own and prints its seconds and peak resident memory (MiB), read
# from VmHWM: ru_maxrss survives exec, so it would report this (large) benchmark process instead.
EXPORT = """
import json, sys, time
from click.testing import CliRunner
from extractor.cli import main
start = time.perf_counter()
result = CliRunner().invoke(main, ["export", "--format", "panel", "--db", sys.argv[1], "-o", sys.argv[2]])
assert result.exit_code == 0, result.output
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps([time.perf_counter() - start, peak / 1024]))
"""


def time_views(db: Path, repeats: int) -> dict[str, tuple[float, int]]:
    """(best ms, rows) of each view."""
    from extractor import store
    from extractor.research import research

    conn = store.connect(db, readonly=True)
    out = {}
    for name, kwargs in VIEWS.items():
        view = research(conn, COMPARE_CODE, **kwargs)
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            view = research(conn, COMPARE_CODE, **kwargs)
            best = min(best, time.perf_counter() - start)
        out[name] = (best * 1000, len(view.pivot.rows))
    return out


async def time_pages(db: Path, repeats: int) -> dict[str, tuple[float, int]]:
    """(best ms, bytes) of each page."""
    from extractor.serve import make_app

    app = make_app(db)
    out = {}
    for name, url in PAGES.items():
        response = await app.client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            response = await app.client.get(url)
            best = min(best, time.perf_counter() - start)
        out[name] = (best * 1000, len(response.content))
    return out


def time_export(db: Path, target: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB, bytes written) of the panel export to `target` (CSV or .parquet)."""
    done = subprocess.run([sys.executable, "-c", EXPORT, str(db), str(target)], capture_output=True,
                          text=True, check=True)
    seconds, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, peak, target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (reused when it holds "
                                                  "big.db)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xhht-bench-research-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        db = work / "big.db"
        if not db.exists():
            start = time.perf_counter()
            written = big_database(db, args.observations)
            print(f"large database: {written:,} observations written in {time.perf_counter() - start:.1f}s")
        for name, (ms, rows) in time_views(db, args.repeats).items():
            print(f"{name:34} {ms:7.1f} ms  ({rows:,} rows)")
        for name, (ms, size) in asyncio.run(time_pages(db, args.repeats)).items():
            print(f"{name:34} {ms:7.1f} ms  ({size / 1024:.0f} KiB)")
        for suffix in ("csv", "parquet"):
            try:
                seconds, peak, size = time_export(db, work / f"panel.{suffix}")
            except subprocess.CalledProcessError as exc:
                print(f"panel export, {suffix}: failed ({exc.stderr.strip().splitlines()[-1]})")
                continue
            print(f"panel export, {suffix:7}            {seconds:7.1f} s   peak memory {peak:.0f} MiB "
                  f"({size / 2 ** 20:.1f} MiB written)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

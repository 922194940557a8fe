"""Benchmark: server time of the web pages on a large database (1,000,000 observations by default).

Usage: python benchmarks/bench_web.py [--observations 1000000] [--keep DIR]

The database is the synthetic one of bench_import.py. Each page is requested through Datasette's
own ASGI client in this process, so the time is the server's (query, pivot, template), not the
network's or the browser's; the best of five requests after one warm-up is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import big_database  # noqa: E402

CODE = "tuanle.lop.xoa_mu_chu.so_luot"
PAGES = {
    "home": "/",
    "compare, all units": f"/-/compare?code={CODE}",
    "compare, one province": f"/-/compare?code={CODE}&province=Tỉnh 0",
    "compare CSV, all units": f"/-/compare.csv?code={CODE}",
    "unit page": "/-/unit/1",
    "document page": "/-/document/1",
    "search": "/-/search?q=Đơn",
}


async def time_pages(db: Path, repeats: int = 5) -> dict[str, tuple[float, int]]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (reused when it "
                                                  "holds big.db)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="xhht-bench-web-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        db = work / "big.db"
        if not db.exists():
            start = time.perf_counter()
            written = big_database(db, args.observations)
            print(f"large database: {written:,} observations written in {time.perf_counter() - start:.1f}s")
        for name, (ms, size) in asyncio.run(time_pages(db)).items():
            print(f"{name:24} {ms:7.0f} ms  ({size / 1024:.0f} KiB)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: bound volumes — time and peak memory of importing one, and the resume of a scanned one.

Usage: python benchmarks/bench_volume.py [--pages 1500] [--scan-pages 60]

  digital  a born-digital volume of `--pages` pages: four sample reports of four units and three
           report types (14 pages) bound again and again with pypdf, imported alone in a fresh
           process (one worker: reading, splitting, extraction and the database writes are all
           measured): seconds, pages/s, documents stored, peak resident memory.
  scan     a scanned volume (the scanned sample's pages bound again and again), OCR'd for real
           with an empty OCR cache: first a third of it, then the whole volume, killed once about
           half its pages are in the page cache, then run again to the end (the resume: pages
           OCR'd by that run and its time), then once more with every page cached. Its peak
           memory beside the third's shows whether memory grows with the pages.
  --scan-pages 0 skips the scan rows (they need Tesseract and take minutes), --pages 0 the first.

Peak memory is this process's own (ru_maxrss); pdftoppm and Tesseract run as processes of their own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus_samples"
REPORTS = ["BC ket qua TLHTSD ChanSon 2022.pdf", "BC_DeAn1373_MDrak_2025.pdf",
           "Bao cao so ket TTHTCD AnPhu 2023.pdf", "BC_SoKet_HK1_AnBinh_2023_cot_hep.pdf"]
SCAN = SAMPLES / "Bao cao so ket TTHTCD ThuongNinh 2024.pdf"

MEASURE = """
import json, resource, sys, time
from extractor.importer import import_paths
start = time.perf_counter()
summary = import_paths(sys.argv[1], [sys.argv[2]], workers=1)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "imported": summary.imported, "failed": [f[1] for f in summary.failed]}))
"""


def pages_of(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def bind(sources: list[Path], pages: int, target: Path) -> Path:
    """`sources` bound one after another, again and again, until the volume has `pages` pages or
    more (with pypdf, a test dependency: no system tool is needed to make the volume)."""
    from pypdf import PdfReader, PdfWriter

    per = sum(pages_of(s) for s in sources)
    writer = PdfWriter()
    for _ in range(math.ceil(pages / per)):
        for source in sources:  # read anew each time: a copy of its own, not a page shared again
            writer.append(PdfReader(source))
    with target.open("wb") as out:
        writer.write(out)
    return target


def measure(path: Path, db: Path, env: dict | None = None) -> dict:
    db.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", MEASURE, str(db), str(path)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def digital(work: Path, pages: int) -> None:
    volume = bind([SAMPLES / name for name in REPORTS], pages, work / "volume.pdf")
    m = measure(volume, work / "volume.db")
    count = pages_of(volume)
    print(f"digital  {count} pages  {volume.stat().st_size / 2 ** 20:.1f} MiB  {m['seconds']:.1f} s  "
          f"{count / m['seconds']:.1f} pages/s  documents {m['imported']}  peak {m['peak'] / 1024:.0f} MiB"
          + (f"  failed: {m['failed']}" if m["failed"] else ""))


def cached_pages(cache: Path) -> int:
    folder = cache / "ocr"
    return len(list(folder.glob("*-p*.json"))) if folder.is_dir() else 0


def interrupted(volume: Path, db: Path, env: dict, cache: Path, stop_at: int) -> float:
    """Import `volume` and kill it once `stop_at` pages are in the page cache; its seconds."""
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", MEASURE, str(db), str(volume)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and cached_pages(cache) < stop_at:
        time.sleep(0.2)
    process.kill()
    process.wait()
    return time.perf_counter() - start


def scan(work: Path, pages: int) -> None:
    cache = work / "cache"
    env = {**os.environ, "XHHT_CACHE_DIR": str(cache)}
    third = bind([SCAN], max(1, pages // 3), work / "scan-third.pdf")
    m = measure(third, work / "third.db", env)
    count = pages_of(third)
    print(f"scan     {count} pages  {m['seconds']:.1f} s  {count / m['seconds']:.2f} pages/s  "
          f"peak {m['peak'] / 1024:.0f} MiB")
    volume = bind([SCAN], pages, work / "scan.pdf")  # another file: its pages are OCR'd anew
    count = pages_of(volume)
    before = cached_pages(cache)
    seconds = interrupted(volume, work / "scan.db", env, cache, before + count // 2)
    done = cached_pages(cache) - before
    print(f"scan     {count} pages  killed after {seconds:.1f} s with {done} pages in the page cache")
    m = measure(volume, work / "scan.db", env)
    print(f"scan     {count} pages  resumed: {cached_pages(cache) - before - done} pages OCR'd, "
          f"{m['seconds']:.1f} s  peak {m['peak'] / 1024:.0f} MiB  documents {m['imported']}")
    m = measure(volume, work / "scan-again.db", env)
    print(f"scan     {count} pages  every page cached: {m['seconds']:.1f} s  "
          f"{count / m['seconds']:.1f} pages/s  peak {m['peak'] / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--scan-pages", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xhht-volume-") as tmp:
        if args.pages:
            digital(Path(tmp), args.pages)
        if args.scan_pages:
            scan(Path(tmp), args.scan_pages)


if __name__ == "__main__":
    main()

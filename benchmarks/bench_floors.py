"""Benchmark: each speed figure beside its floor, measured in the same run (a ratio holds on a
noisy machine; an absolute time does not).

Usage: python benchmarks/bench_floors.py [FOLDER] [--docs 1000] [--repeats 5] [--observations 1000000]

FOLDER holds the .docx and born-digital .pdf to time (default: ../shared/corpus/dev when present,
else corpus_samples). Rows:

  spot-check      `python -m extractor extract FILE --format json` in a new process, against
                  starting Python, importing python-docx and underthesea, tokenising one label
                  and opening and walking the same file
  docx            extraction per document in one warm process, against python-docx's open and
                  walk of every paragraph and cell of the same files
  import (docx)   `import_paths` with its database write, one worker, against the same floor
  pdf             extraction per born-digital PDF, against pdfplumber's extract_text and
                  extract_tables on every page
  workers         generated reports imported with 1 and with 2 worker processes
  cluster         the same import on a local Dask cluster of 2 workers, against --workers 2
  compare         one indicator's pivot of every unit on 1,000,000 synthetic observations, against
                  fetching the same cells one row each from pivot_values (the target is 50 ms)

Peak memory on the largest inputs is measured by bench_memory.py (the 200-page scan takes minutes).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FLOOR_SPOT = """
import docx, underthesea
from underthesea import word_tokenize
word_tokenize("Số lớp xóa mù chữ")
d = docx.Document({path!r})
n = sum(len(p.text) for p in d.paragraphs) + sum(
    len(c.text) for t in d.tables for r in t.rows for c in r.cells)
"""


def paired(ours, floor, repeats: int) -> tuple[float, float]:
    """Best time of each of two runs, taken in turn: a burst of load on a shared machine then
    slows both sides of a ratio, not one."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, out in ((ours, times[0]), (floor, times[1])):
            start = time.perf_counter()
            run()
            out.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def spot_check(path: Path, repeats: int) -> tuple[float, float]:
    return paired(lambda: subprocess.run([sys.executable, "-m", "extractor", "extract", str(path), "--format",
                                          "json"],
                                         check=True, stdout=subprocess.DEVNULL),
                  lambda: subprocess.run([sys.executable, "-c", FLOOR_SPOT.format(path=str(path))],
                                         check=True),
                  repeats)


def docx_walk(paths: list[Path]) -> None:
    import docx

    for path in paths:
        d = docx.Document(str(path))
        sum(len(p.text) for p in d.paragraphs) + sum(len(c.text) for t in d.tables for r in t.rows
                                                     for c in r.cells)


def pdf_floor(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.close()


def extract_all(paths: list[Path]) -> None:
    from extractor.extract import extract_file

    for path in paths:
        extract_file(path)


def import_all(paths: list[Path], work: Path) -> None:
    from extractor.importer import import_paths

    db = work / "floor-import.db"
    db.unlink(missing_ok=True)
    import_paths(db, paths, workers=1)


def born_digital(paths: list[Path]) -> list[Path]:
    import pdfplumber

    out = []
    for path in paths:
        with pdfplumber.open(str(path)) as pdf:
            if sum(len(p.chars) for p in pdf.pages[:2]) > 100:
                out.append(path)
    return out


def cluster_import(reports: Path, work: Path) -> float:
    from distributed import LocalCluster

    from extractor.importer import Cluster, import_paths

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        db = work / "cluster.db"
        start = time.perf_counter()
        import_paths(db, [reports], cluster=Cluster(local.scheduler_address))
        return time.perf_counter() - start


def row(name: str, ours: float, floor: float, unit: str, scale: float = 1.0) -> None:
    print(f"{name:<16} {ours * scale:9.1f} {unit:<8} floor {floor * scale:9.1f} {unit:<8} ratio "
          f"{ours / floor:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = ROOT.parent / "shared" / "corpus" / "dev"
    parser.add_argument("folder", nargs="?", type=Path, default=shared if shared.is_dir()
                        else ROOT / "corpus_samples")
    parser.add_argument("--docs", type=int, default=1000, help="generated reports for the workers rows")
    parser.add_argument("--worker-repeats", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pdf-repeats", type=int, default=2)
    parser.add_argument("--observations", type=int, default=1_000_000)
    args = parser.parse_args()
    docx_files = sorted(args.folder.glob("*.docx"))
    pdf_files = born_digital(sorted(args.folder.glob("*.pdf")))
    extract_all(docx_files[:2])  # warm: catalogue, register, caches
    print(f"{len(docx_files)} .docx and {len(pdf_files)} born-digital .pdf from {args.folder}")
    ours, floor = spot_check(docx_files[0], args.repeats)
    row("spot-check", ours, floor, "s")
    n = len(docx_files)
    ours, floor = paired(lambda: extract_all(docx_files), lambda: docx_walk(docx_files), args.repeats)
    row("docx", ours / n, floor / n, "ms/doc", 1000)
    with tempfile.TemporaryDirectory(prefix="xhht-floors-") as tmp:
        work = Path(tmp)
        ours, floor = paired(lambda: import_all(docx_files, work), lambda: docx_walk(docx_files),
                             args.repeats)
        row("import (docx)", ours / n, floor / n, "ms/doc", 1000)
        if pdf_files:
            m = len(pdf_files)
            ours, floor = paired(lambda: extract_all(pdf_files), lambda: pdf_floor(pdf_files),
                                 args.pdf_repeats)
            row("pdf", ours / m, floor / m, "ms/doc", 1000)
        from bench_import import (
            bench_compare,
            big_database,
            compare_floor,
            compare_plan,
            make_reports,
            timed_import,
        )

        reports = work / "reports"
        make_reports(reports, args.docs)
        runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        for _ in range(args.worker_repeats):  # in turn, as `paired` does
            for workers in (1, 2):
                db = work / f"w{workers}.db"
                db.unlink(missing_ok=True)
                runs[workers].append(timed_import(reports, db, workers))
        one, two = min(t for t, _ in runs[1]), min(t for t, _ in runs[2])
        peak = max(p for t, p in runs[1] + runs[2])
        print(f"{'workers':<16} 1: {args.docs / one:.1f} docs/s, 2: {args.docs / two:.1f} docs/s, "
              f"speed-up {one / two:.2f}x, peak memory {peak:.0f} MiB")
        try:
            clustered = cluster_import(reports, work)
            row("cluster (2)", clustered, two, "s")
        except ImportError:
            print("cluster          skipped: Dask distributed is not installed (pip install '.[cluster]')")
        big = work / "big.db"
        written = big_database(big, args.observations)
        every, province = bench_compare(big)
        row("compare", every, compare_floor(big), "ms")
        print(f"{'':<16} {written:,} observations; one province {province:.0f} ms; plan: {compare_plan(big)}")
    print(f"(spread of timings is machine noise; ratios are from the best of {args.repeats} runs; "
          f"median docx file {statistics.median(p.stat().st_size for p in docx_files) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()

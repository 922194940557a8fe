"""Benchmark: extraction speed per format, the spot-check's wall time, and the OCR cache.

Usage: python benchmarks/bench_extract.py [FOLDER]   (default: corpus_samples)

Reports documents per second for .docx and born-digital .pdf, seconds per .doc (LibreOffice),
seconds per scanned page cold (OCR) and warm (cache), and the wall time of `xhht extract FILE`
in a new process (what a spot-checker waits for).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's extractor, installed or not


def _timed(paths: list[Path]) -> tuple[float, list[dict]]:
    from extractor.extract import extract_file

    start = time.perf_counter()
    results = [extract_file(p) for p in paths]
    return time.perf_counter() - start, results


def main() -> None:
    from extractor.extract import extract_file
    from extractor.readers import sniff

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus_samples"
    os.environ["XHHT_CACHE_DIR"] = tempfile.mkdtemp(prefix="xhht-bench-cache-")  # cold OCR
    extract_file(next(folder.glob("*.docx")))  # warm caches (patterns, tokenizer)
    pdfs = sorted(folder.rglob("*.pdf"))
    docx = sorted(folder.rglob("*.docx"))
    elapsed, _ = _timed(docx)
    print(f"docx: {len(docx)} files in {elapsed:.2f}s = {len(docx) / elapsed:.1f} docs/s")
    digital, scans = [], []
    for path in pdfs:
        (scans if _is_scan(path) else digital).append(path)
    elapsed, _ = _timed(digital)
    print(f"pdf (born-digital): {len(digital)} files in {elapsed:.2f}s = "
          f"{len(digital) / max(elapsed, 1e-9):.1f} docs/s")
    docs = [p for p in sorted(folder.rglob("*.doc")) if sniff(p) == "doc"]
    if docs:
        elapsed, _ = _timed(docs)
        print(f"doc (LibreOffice): {len(docs)} files in {elapsed:.1f}s = {elapsed / len(docs):.2f} s/file")
    if scans:
        cold, results = _timed(scans)
        pages = sum(r["reader"]["pages"] or 0 for r in results)
        warm, _ = _timed(scans)
        print(f"scan: {len(scans)} files, {pages} pages: cold {cold:.1f}s = {cold / pages:.2f} s/page; "
              f"cached {warm:.2f}s = {cold / warm:.0f}x faster")
    sample = next(folder.glob("*.docx"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extractor", "extract", str(sample), "--format", "json"],
                   check=True, capture_output=True)
    print(f"spot-check (new process, one docx): {time.perf_counter() - start:.2f}s")


def _is_scan(path: Path) -> bool:
    import pdfplumber

    from extractor.readers.pdf_reader import is_scan as scan_test

    with pdfplumber.open(str(path)) as pdf:
        return scan_test(pdf)


if __name__ == "__main__":
    main()

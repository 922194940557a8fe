"""Benchmark: documents per second for docx and pdf extraction, and a one-file spot-check's wall time.

Usage: python benchmarks/bench_extract.py [FOLDER]   (default: corpus_samples)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from extractor.extract import extract_file
    from extractor.readers.pdf_reader import read as _warm  # noqa: F401

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus_samples"
    extract_file(next(folder.glob("*.docx")))  # warm caches (patterns, tokenizer)
    for suffix in ("docx", "pdf"):
        files = sorted(folder.rglob(f"*.{suffix}"))
        start = time.perf_counter()
        for path in files:
            extract_file(path)
        elapsed = time.perf_counter() - start
        print(f"{suffix}: {len(files)} files in {elapsed:.2f}s = {len(files) / elapsed:.1f} docs/s")
    sample = next(folder.glob("*.docx"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extractor", "extract", str(sample), "--format", "json"],
                   check=True, capture_output=True)
    print(f"spot-check (new process, one docx): {time.perf_counter() - start:.2f}s")


if __name__ == "__main__":
    main()

"""Benchmark: peak resident memory of importing the largest inputs the tool accepts.

Usage: python benchmarks/bench_memory.py [--text-mib 31.9] [--docx-mib 15.9]
    [--pdf-pages 500] [--scan-pages 200] [--only KIND]

Each input is made from a sample in corpus_samples/ and imported alone (`import_paths`, one
worker, so the reading, extraction and database write all run in the measured process) in a
fresh Python process. Rows:

  text   a text export just under the 32 MiB limit (the report repeated)
  docx   a Word file whose body XML is just under the 16 MiB limit (the report's body repeated)
  pdf    a born-digital PDF of 500 pages (a report's pages repeated with pdfunite; longer ones:
         bench_volume.py)
  scan   a scanned PDF of 200 pages (a scanned report repeated), OCR'd for real: minutes

Beside each: the floor, the same process after its imports and before reading anything. The tools
a scan runs (pdftoppm, Tesseract: about 35 and 65 MiB, one of each per OCR thread) are processes of
their own and not counted.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus_samples"
TEXT = SAMPLES / "Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt"
PDF = SAMPLES / "BC ket qua TLHTSD ChanSon 2022.pdf"
SCAN = SAMPLES / "Bao cao so ket TTHTCD ThuongNinh 2024.pdf"
WORD = SAMPLES / "BC_TuanLe_HTSD_2022_LiemPhu.docx"

MEASURE = """
import json, resource, sys, time
from extractor.importer import import_paths
floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
summary = import_paths(sys.argv[1], [sys.argv[2]], workers=1)
print(json.dumps({"seconds": time.perf_counter() - start, "floor": floor,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "imported": summary.imported, "failed": [f[1] for f in summary.failed]}))
"""


def make_text(folder: Path, mib: float) -> Path:
    report = TEXT.read_text(encoding="utf-8")
    copies = math.floor(mib * 1024 * 1024 / len(report.encode("utf-8")))
    target = folder / "large-export.txt"
    target.write_text("\n".join([report] * copies), encoding="utf-8")
    return target


def make_docx(folder: Path, mib: float) -> Path:
    """The sample with its body repeated until word/document.xml is `mib` MiB."""
    with zipfile.ZipFile(WORD) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    xml = dict((info.filename, data) for info, data in parts)["word/document.xml"].decode("utf-8")
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.rindex("<w:sectPr")
    body = xml[start:end]
    copies = math.floor((mib * 1024 * 1024 - len(xml) + len(body)) / len(body.encode("utf-8")))
    target = folder / "large-report.docx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            if info.filename == "word/document.xml":
                data = (xml[:start] + body * copies + xml[end:]).encode("utf-8")
            out.writestr(info, data)
    return target


def make_pdf(folder: Path, source: Path, pages: int, name: str) -> Path:
    """`pages` pages: the source's pages repeated (pdfunite, from poppler-utils)."""
    per = int(subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, check=True)
              .stdout.split("Pages:")[1].split()[0])
    target = folder / name
    subprocess.run(["pdfunite", *[str(source)] * math.ceil(pages / per), str(target)], check=True)
    return target


def measure(path: Path, work: Path) -> dict:
    db = work / f"{path.stem}.db"
    db.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", MEASURE, str(db), str(path)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-mib", type=float, default=31.9)
    parser.add_argument("--docx-mib", type=float, default=15.9)
    parser.add_argument("--pdf-pages", type=int, default=500)
    parser.add_argument("--scan-pages", type=int, default=200)
    parser.add_argument("--only", choices=["text", "docx", "pdf", "scan"], action="append")
    args = parser.parse_args()
    kinds = args.only or ["text", "docx", "pdf", "scan"]
    with tempfile.TemporaryDirectory(prefix="xhht-memory-") as tmp:
        work = Path(tmp)
        inputs = {"text": lambda: make_text(work, args.text_mib),
                  "docx": lambda: make_docx(work, args.docx_mib),
                  "pdf": lambda: make_pdf(work, PDF, args.pdf_pages, "large.pdf"),
                  "scan": lambda: make_pdf(work, SCAN, args.scan_pages, "large-scan.pdf")}
        for kind in kinds:
            path = inputs[kind]()
            started = time.perf_counter()
            m = measure(path, work)
            size = path.stat().st_size / 2 ** 20
            print(f"{kind:<5} {size:7.1f} MiB  peak {m['peak'] / 1024:6.0f} MiB  floor "
                  f"{m['floor'] / 1024:5.0f} MiB  "
                  f"{m['seconds']:6.1f} s "
                  f"(wall {time.perf_counter() - started:.0f} s)  imported {m['imported']}"
                  + (f"  failed: {m['failed']}" if m["failed"] else ""))


if __name__ == "__main__":
    main()

"""Scanned PDF reader: pages rendered to images (pdftoppm) and OCR'd with Tesseract (vie).

Each OCR'd line keeps Tesseract's word confidence, so low-confidence numbers can go to review.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from extractor.model import Document, Paragraph
from extractor.normalize import clean
from extractor.readers import ReadError

DPI = 300


def read(path: Path, pages: int) -> Document:
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise ReadError("scanned PDF needs OCR: install tesseract-ocr, tesseract-ocr-vie and poppler-utils")
    blocks: list = []
    with tempfile.TemporaryDirectory(prefix="xhht-ocr-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(path), f"{tmp}/p"], check=True,
                       capture_output=True, timeout=600)
        for number, image in enumerate(sorted(Path(tmp).glob("p-*.png")), 1):
            blocks += _ocr_page(image, number)
    return Document(path=str(path), format="pdf", blocks=blocks, pages=pages, method="ocr",
                    notes=["OCR (tesseract vie)"])


def _ocr_page(image: Path, number: int) -> list[Paragraph]:
    out = subprocess.run(["tesseract", str(image), "-", "-l", "vie", "--psm", "4", "tsv"],
                         capture_output=True, timeout=600, check=False, text=True)
    if out.returncode != 0:
        raise ReadError(f"tesseract failed on page {number}: {out.stderr.strip()[:120]}")
    lines: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for row in out.stdout.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or not parts[11].strip():
            continue
        key = (int(parts[2]), int(parts[3]), int(parts[4]))
        lines.setdefault(key, []).append((parts[11], float(parts[10])))
    paragraphs = []
    for k, (_key, items) in enumerate(sorted(lines.items()), 1):
        text = clean(" ".join(t for t, _ in items))
        confidence = min(c for _, c in items) if items else None
        paragraphs.append(Paragraph(text, f"page {number}, line {k}", confidence))
    return paragraphs

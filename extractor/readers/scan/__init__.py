"""Scanned PDF reader: pages rendered (pdftoppm), OCR'd with Tesseract (vie), tables rebuilt.

`pdf_reader` decides a PDF is a scan (no text layer) and calls `read`; nothing here calls back.
- `page`: the page image — rendering, skew found and straightened, ruling lines found;
- `ocr`: Tesseract on every page, short uncertain words read again, the result cached by the
  file's sha256 and the settings (`OCR_SETTINGS`, `REREAD`, `CACHE_VERSION`, `page`'s rule sizes);
- `grid`: the ruling lines of every page, cached apart (a better rule finder must not cost an OCR);
- `layout`: the words of a page → lines → tables (from the rules) and paragraphs;
- `syllables`: Vietnamese syllables the OCR ran together set apart again;
- `crops`: PNGs of a page's regions for review (`crops.crops`).
A table continued on the next page is joined as for a born-digital PDF (`readers.tables`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from extractor.model import Document
from extractor.readers.errors import ReadError
from extractor.readers.scan.grid import cached_rules
from extractor.readers.scan.layout import page_blocks
from extractor.readers.scan.ocr import OCR_SETTINGS, cached_ocr, settled
from extractor.readers.scan.syllables import split_run_together
from extractor.readers.tables import join_tables


def read(path: Path, pages: int) -> Document:
    """The scanned PDF at `path` (of `pages` pages) read by OCR, from the cache when it was before."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise ReadError("scanned PDF needs OCR: install tesseract-ocr, tesseract-ocr-vie and poppler-utils")
    blocks: list = []
    tables = 0
    read_pages = cached_ocr(path, pages)
    page_rules = cached_rules(path, [page.get("skew", 0) for page in read_pages], OCR_SETTINGS["dpi"])
    for number, (page, ruled) in enumerate(zip(read_pages, page_rules, strict=True), 1):
        words = [part for w in page["words"] for part in split_run_together(settled(w))]
        laid_out, tables = page_blocks(words, ruled, number, tables)
        blocks += laid_out
    return Document(path=str(path), format="pdf", blocks=join_tables(blocks), pages=pages, method="ocr",
                    notes=[f"OCR (tesseract {OCR_SETTINGS['lang']}, {OCR_SETTINGS['dpi']} dpi)"])

"""Scanned PDF reader: pages rendered (pdftoppm), OCR'd with Tesseract (vie), tables rebuilt.

`pdf_reader` decides a PDF is a scan (no text layer) and calls `read`, or, when only some pages
are images without a text layer, `read_pages` for those; nothing here calls back.
- `page`: the page image — rendering, skew found and straightened, ruling lines found;
- `ocr`: Tesseract on each page, short uncertain words read again, the result cached by the
  file's sha256, the page and the settings (`OCR_SETTINGS`, `REREAD`, `CACHE_VERSION`, `page`'s
  rule sizes), so an interrupted volume resumes at the first page not read;
- `grid`: the ruling lines of each page, cached apart (a better rule finder must not cost an OCR);
- `layout`: the words of a page → lines → tables (from the rules) and paragraphs;
- `syllables`: Vietnamese syllables the OCR ran together set apart again;
- `crops`: PNGs of a page's regions for review (`crops.crops`).
A table continued on the next page is joined as for a born-digital PDF (`readers.tables`).
"""

from __future__ import annotations

import os
import shutil
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from extractor.cache import file_digest
from extractor.model import Document
from extractor.readers.errors import ReadError
from extractor.readers.scan.grid import page_rules, whole_file_rules
from extractor.readers.scan.layout import page_blocks
from extractor.readers.scan.ocr import OCR_SETTINGS, cached_page, settled, whole_file_entry
from extractor.readers.scan.syllables import split_run_together
from extractor.readers.tables import join_tables


def read(path: Path, pages: int) -> Document:
    """The scanned PDF at `path` (of `pages` pages) read by OCR, page by page, each page from the
    cache when it was read before. Pages are OCR'd in parallel, a few ahead of the one being laid
    out, and only their blocks are kept: memory does not grow with the words of a volume."""
    numbers = list(range(1, pages + 1))
    blocks = [block for _, laid_out in read_pages(path, pages, numbers) for block in laid_out]
    return Document(path=str(path), format="pdf", blocks=join_tables(blocks), pages=pages, method="ocr",
                    notes=[f"OCR (tesseract {OCR_SETTINGS['lang']}, {OCR_SETTINGS['dpi']} dpi)"],
                    ocr_pages=tuple(numbers))


def read_pages(path: Path, pages: int, numbers: list[int]) -> Iterator[tuple[int, list]]:
    """The pages `numbers` (in order) of the PDF at `path` (of `pages` pages) OCR'd and laid out:
    (page number, its blocks), tables not yet joined across pages. A PDF whose other pages have
    a text layer gives only its image pages here (`pdf_reader` lays out the rest)."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise ReadError("scanned PDF needs OCR: install tesseract-ocr, tesseract-ocr-vie and poppler-utils")
    tables = 0
    for number, (page, ruled) in zip(numbers, _pages(path, pages, numbers), strict=True):
        words = [part for w in page["words"] for part in split_run_together(settled(w))]
        laid_out, tables = page_blocks(words, ruled, number, tables)
        yield number, laid_out


def _pages(path: Path, pages: int, numbers: list[int]) -> Iterator[tuple[dict, dict]]:
    """The OCR reading and rules of each page of `numbers`, in order: from a whole-file cache entry
    of an earlier version when every page is asked for and there is one, else each page read (or
    taken from its own entry) in a thread, at most two pages per thread ahead of the page handed on."""
    digest = file_digest(path)
    dpi = OCR_SETTINGS["dpi"]
    whole = whole_file_entry(digest) if len(numbers) == pages else None
    if whole is not None and len(whole) == pages:
        ruled = whole_file_rules(digest, [page.get("skew", 0) for page in whole], dpi)
        for number, page in enumerate(whole, 1):
            skew = page.get("skew", 0)
            yield page, ruled[number - 1] if ruled else page_rules(path, digest, number, skew, dpi)
        return

    def one(number: int) -> tuple[dict, dict]:
        page = cached_page(path, digest, number)
        return page, page_rules(path, digest, number, page.get("skew", 0), dpi)

    threads = max(1, min(len(numbers), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ahead: deque[Future] = deque()
        waiting = iter(numbers)
        for number in waiting:
            ahead.append(pool.submit(one, number))
            if len(ahead) >= 2 * threads:
                break
        while ahead:
            done = ahead.popleft().result()
            following = next(waiting, None)
            if following is not None:
                ahead.append(pool.submit(one, following))
            yield done

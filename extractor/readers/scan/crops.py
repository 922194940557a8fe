"""Review crops: the part of a scanned page an uncertain value was read from, as a PNG.

A reviewer reads the original rather than the OCR's reading of it. The boxes are those of the OCR
words, in the frame of the straightened page, so the page is turned by the skew the OCR found
(kept in its cache) before it is cut.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from extractor.cache import file_digest
from extractor.readers.scan.ocr import OCR_SETTINGS, page_skew
from extractor.readers.scan.page import grey_image, turned


def crops(path: Path, regions: list[tuple[int, list[int]]], margin: int = 40,
          max_width: int = 1400) -> list[bytes]:
    """PNGs of regions (page, box of OCR words in the straightened frame) of a scanned PDF, each
    with a margin, so a reviewer reads the original rather than the OCR's reading of it. Each
    page is rendered once, however many regions it holds."""
    digest = file_digest(path)
    pages: dict[int, object] = {}
    out = []
    with tempfile.TemporaryDirectory(prefix="xhht-crop-") as tmp:
        for page, box in regions:
            if page not in pages:
                image = grey_image(path, page, Path(tmp), OCR_SETTINGS["dpi"])
                pages[page] = turned(image, page_skew(path, digest, page))
            image = pages[page]
            left, top, right, bottom = box
            region = image.crop((max(left - margin, 0), max(top - margin, 0),
                                 min(right + margin, image.width), min(bottom + margin, image.height)))
            if region.width > max_width:
                region = region.resize((max_width, round(region.height * max_width / region.width)))
            buffer = io.BytesIO()
            region.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
    return out


"""The ruling lines of every page of a scan, found and cached apart from its OCR.

Finding rules needs only the page image and the skew the OCR found, and takes a fraction of a
second a page, while reading the page takes seconds: so the rules are cached on their own, keyed by
the file, the rule settings and the skews. A better rule finder then costs one rendering of each
page, never a second OCR.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from extractor.cache import cached
from extractor.readers.scan.page import (
    MAX_RULE_GAP,
    RULE_BINARISE,
    RULE_MIN_FRACTION,
    RULE_MIN_VERTICAL,
    RULE_STROKE,
    render,
    rules,
    turned,
)

GRID_VERSION = 1


def cached_rules(path: Path, skews: list[float], dpi: int) -> list[dict]:
    """Every page's rules ({"h": …, "v": …}) in the frame of the page straightened by its skew."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    key = [RULE_MIN_FRACTION, RULE_MIN_VERTICAL, MAX_RULE_GAP, RULE_BINARISE, RULE_STROKE, dpi, skews,
           GRID_VERSION]
    settings = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:12]
    return cached("rules", f"{digest}-{settings}", lambda: _find(path, skews, dpi))


def _find(path: Path, skews: list[float], dpi: int) -> list[dict]:
    """Each page rendered, turned by its skew and searched for rules, in parallel."""
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="xhht-rules-") as tmp:
        def page(number: int) -> dict:
            image = render(path, number, Path(tmp), dpi)
            try:
                with Image.open(image) as img:
                    straight = turned(img.convert("L"), skews[number - 1])
                return rules(np.asarray(straight))
            finally:
                image.unlink(missing_ok=True)

        with ThreadPoolExecutor(max_workers=max(1, min(len(skews), os.cpu_count() or 1))) as pool:
            return list(pool.map(page, range(1, len(skews) + 1)))

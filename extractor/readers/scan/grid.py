"""The ruling lines of every page of a scan, found and cached apart from its OCR.

Finding rules needs only the page image and the skew the OCR found, and takes a fraction of a
second a page, while reading the page takes seconds: so the rules are cached on their own, keyed by
the file, the page, the rule settings and its skew. A better rule finder then costs one rendering of each
page, never a second OCR.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from extractor.cache import cached, stored
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


def _settings() -> list:
    return [RULE_MIN_FRACTION, RULE_MIN_VERTICAL, MAX_RULE_GAP, RULE_BINARISE, RULE_STROKE]


def whole_file_rules(digest: str, skews: list[float], dpi: int) -> list[dict] | None:
    """Every page's rules as cached whole before pages were cached one by one, or None."""
    key = [*_settings(), dpi, skews, GRID_VERSION]
    return stored("rules", f"{digest}-{hashlib.sha256(json.dumps(key).encode()).hexdigest()[:12]}")


def page_rules(path: Path, digest: str, number: int, skew: float, dpi: int) -> dict:
    """One page's rules ({"h": …, "v": …}) in the frame of the page straightened by its skew,
    cached by the file, the page, its skew and the rule settings."""
    key = [*_settings(), dpi, skew, GRID_VERSION]
    settings = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:12]
    return cached("rules", f"{digest}-{settings}-p{number}", lambda: _find(path, number, skew, dpi))


def _find(path: Path, number: int, skew: float, dpi: int) -> dict:
    """The page rendered, turned by its skew and searched for rules."""
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="xhht-rules-") as tmp:
        image = render(path, number, Path(tmp), dpi)
        try:
            with Image.open(image) as img:
                straight = turned(img.convert("L"), skew)
            return rules(np.asarray(straight))
        finally:
            image.unlink(missing_ok=True)

"""The page image: a scanned page rendered, straightened, and its ruling lines found.

Tables in these reports are ruled, so the ruling lines are found in the page image (OpenCV
morphology: long straight strokes of ink). A scan is rarely square to the page,
so the page is first turned until its text lines are level; words read on the page as scanned
are moved to where they are on the straight one.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from extractor.readers.errors import ReadError

RULE_MIN_FRACTION = 0.12  # a horizontal rule spans at least this share of the page width
RULE_MIN_VERTICAL = 90    # pixels (at 300 dpi, ~7.5 mm): shorter dark runs are letters, not rules
MAX_RULE_GAP = 60         # pixels: a rule broken by a faded stretch this long is still one rule
RULE_BINARISE = {"block": 25, "offset": 20}  # ink: this much darker than the mean of its 25 px square
RULE_STROKE = {"h": 40, "v": 50, "v_gap": 15, "drift": 6}  # pixels: shortest straight piece of a rule,
# the gap bridged along a vertical rule, and how far the pieces of one rule may lie off one line
MAX_SKEW = 3.0            # degrees: a page is straightened when its text lines lean up to this much


def render(path: Path, number: int, folder: Path, dpi: int) -> Path:
    """One page as a grey TIFF at the OCR resolution. TIFF, because it carries the resolution
    (without it Tesseract guesses, and reads worse) and packbits costs nothing to write: PNG's
    compression took ~3.7 s of CPU a page, as long as reading it."""
    prefix = folder / f"p{number}"
    try:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-tiff", "-tiffcompression", "packbits",
                        "-f", str(number), "-l", str(number), "-singlefile", str(path), str(prefix)],
                       check=True, capture_output=True, timeout=300)
    except subprocess.CalledProcessError as exc:
        reason = exc.stderr.decode(errors="replace").strip()[:120]
        raise ReadError(f"cannot render page {number}: {reason}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ReadError(f"rendering page {number} took too long") from exc
    return prefix.with_suffix(".tif")


def grey_image(path: Path, number: int, folder: Path, dpi: int):
    """One page as a grey PIL image, for cutting crops out of it (a failure is the caller's to
    catch: subprocess errors, or StopIteration when pdftoppm wrote no page)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number), str(path),
                    f"{folder}/p{number}"], check=True, capture_output=True, timeout=120)
    with Image.open(next(Path(folder).glob(f"p{number}-*.pgm"))) as img:
        return img.convert("L")


def turned(image, angle: float):
    """The page image turned by `angle` degrees about its centre, white filling the corners."""
    from PIL import Image

    return image.rotate(angle, resample=Image.BILINEAR, fillcolor=255) if angle else image


def straightened(image: Path):
    """The page as a grey array, turned by the angle that makes its lines level, and that angle.

    A 0.7° lean moves a line 30 pixels across an A4 page at 300 dpi, more than half a text line:
    words of one line would be grouped into two, and a ruling line would break into pieces. The
    angle is the one whose row profile of dark pixels is sharpest (text lines and rules then fall
    on as few pixel rows as possible), searched on a third-size copy, coarse then fine.
    """
    import numpy as np
    from PIL import Image

    with Image.open(image) as img:
        page = img.convert("L")
    small = page.reduce(3).point(lambda v: 255 if v < 140 else 0)
    angle = _sharpest(small, [a / 2 for a in range(int(-2 * MAX_SKEW), int(2 * MAX_SKEW) + 1)])
    angle = _sharpest(small, [round(angle + a / 10, 1) for a in range(-4, 5)])
    return np.asarray(turned(page, angle)), angle


def _sharpest(dark_image, angles: list[float]) -> float:
    """The angle among `angles` whose row profile of dark pixels changes most from row to row."""
    import numpy as np
    from PIL import Image

    def sharpness(angle: float) -> float:
        turned = dark_image.rotate(angle, resample=Image.NEAREST, fillcolor=0)
        profile = np.asarray(turned, dtype=bool).sum(axis=1).astype(np.int64)
        return float((np.diff(profile) ** 2).sum())

    return max(angles, key=lambda a: (sharpness(a), -abs(a)))


def moved(x: float, y: float, angle: float, centre: tuple[float, float]) -> tuple[float, float]:
    """How far a point moves when the page turns by `angle` degrees about its centre (as PIL turns it)."""
    t = math.radians(angle)
    cx, cy = centre
    nx = cx + (x - cx) * math.cos(t) + (y - cy) * math.sin(t)
    ny = cy - (x - cx) * math.sin(t) + (y - cy) * math.cos(t)
    return nx - x, ny - y


# ---- ruling lines -------------------------------------------------------------------------------
def rules(page) -> dict:
    """Horizontal rules (y, x0, x1) and vertical rules (x, y0, y1) found in the page image.

    OpenCV's morphology does it: the page is binarised against its local background (a rule
    printed faint or scanned grey is still ink beside white paper, where one global threshold
    broke it into pieces), an opening with a long thin kernel keeps only straight strokes at least
    that long (letters and specks go), a closing bridges short faded stretches, and each
    connected stroke long enough is a rule.
    """
    import cv2
    import numpy as np

    grey = np.ascontiguousarray(page, dtype=np.uint8)
    dark = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 RULE_BINARISE["block"], RULE_BINARISE["offset"])
    width = grey.shape[1]
    return {"h": _strokes(dark, horizontal=True, min_length=int(width * RULE_MIN_FRACTION)),
            "v": _strokes(dark, horizontal=False, min_length=RULE_MIN_VERTICAL)}


def _strokes(dark, horizontal: bool, min_length: int) -> list[list[int]]:
    """Straight dark strokes along one axis, at least `min_length` long: [[pos, start, end], …].

    The opening kernel is longer than any letter's stroke along that axis. A horizontal rule's
    pieces are then joined across gaps up to twice MAX_RULE_GAP (faded stretches close together
    leave slivers the opening removes); a vertical rule's only across a few pixels, where a longer
    bridge would join the stems of letters on successive text lines into a false rule. The length
    is judged on the joined rule.
    """
    import cv2

    along = RULE_STROKE["h" if horizontal else "v"]
    shape = (along, 1) if horizontal else (1, along)
    strokes = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
    _, _, stats, _ = cv2.connectedComponentsWithStats(strokes)
    pieces = sorted([int(y + h // 2), int(x), int(x + w - 1)] if horizontal
                    else [int(x + w // 2), int(y), int(y + h - 1)]
                    for x, y, w, h, _area in stats[1:])
    bridge = 2 * MAX_RULE_GAP if horizontal else RULE_STROKE["v_gap"]
    joined: list[list[int]] = []
    for pos, start, end in sorted(pieces, key=lambda p: (p[1], p[0])):
        near = next((r for r in joined if abs(r[0] - pos) <= RULE_STROKE["drift"]
                     and start - r[2] <= bridge and end >= r[1]), None)
        if near:
            near[1], near[2] = min(near[1], start), max(near[2], end)
        else:
            joined.append([pos, start, end])
    return sorted(r for r in joined if r[2] - r[1] + 1 >= min_length)

"""The page image: a scanned page rendered, straightened, and its ruling lines found.

Tables in these reports are ruled, so the ruling lines are found in the page image (long runs of
dark pixels). A scan is rarely square to the page, so the page is first turned until its text
lines are level; words read on the page as scanned are moved to where they are on the straight one.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from extractor.readers.errors import ReadError

RULE_MIN_FRACTION = 0.12  # a horizontal rule spans at least this share of the page width
RULE_MIN_VERTICAL = 90    # pixels (at 300 dpi, ~7.5 mm): shorter dark runs are letters, not rules
MAX_RULE_GAP = 60         # pixels: a rule broken by a faded stretch this long is still one rule
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
    """Horizontal rules (y, x0, x1) and vertical rules (x, y0, y1) found in the page image."""
    dark = page < 140
    height, width = dark.shape
    horizontal = _runs(dark, int(width * RULE_MIN_FRACTION))
    vertical = _runs(dark.T, RULE_MIN_VERTICAL)
    return {"h": horizontal, "v": vertical}


def _runs(dark, min_length: int, spread: int = 4) -> list[list[int]]:
    """Long straight runs along axis 1: [[pos, start, end], …].

    A scan is rarely square to the page: a rule drifts a few pixels across its length. Each
    pixel row is first thickened by `spread` rows either side, so the drifting rule is one run;
    the runs found on neighbouring rows are then merged into one rule.
    """
    import numpy as np

    thick = dark.copy()
    for shift in range(1, spread + 1):
        thick[shift:] |= dark[:-shift]
        thick[:-shift] |= dark[shift:]
    n, m = thick.shape
    index = np.arange(m, dtype=np.int32)
    last_gap = np.maximum.accumulate(np.where(thick, np.int32(-1), index[None, :]), axis=1)
    length = index[None, :] - last_gap  # length of the dark run ending at each pixel
    raw: list[list[int]] = []
    for pos in np.nonzero(length.max(axis=1) >= min_length)[0]:
        row = length[pos]
        ends = np.nonzero((row >= min_length) & ((index == m - 1) | (np.roll(row, -1) == 0)))[0]
        raw += [[int(pos), int(end - row[end] + 1), int(end)] for end in ends]
    merged: list[list[int]] = []
    for pos, start, end in sorted(raw):
        near = next((r for r in reversed(merged) if pos - r[3] <= 2 * spread + 2
                     and start <= r[2] + MAX_RULE_GAP and end >= r[1] - MAX_RULE_GAP), None)
        if near:
            near[1], near[2], near[3] = min(near[1], start), max(near[2], end), pos
            near[4].append(pos)
        else:
            merged.append([pos, start, end, pos, [pos]])
    return [[int(sum(r[4]) / len(r[4])), r[1], r[2]] for r in merged]

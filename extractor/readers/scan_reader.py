"""Scanned PDF reader: pages rendered (pdftoppm), OCR'd with Tesseract (vie), tables rebuilt.

Tesseract gives words with boxes and confidences (TSV), not tables. Tables in these reports are
ruled, so the ruling lines are found in the page image (long runs of dark pixels) and every word
is put in the cell its centre falls in. Within a table row, the lines of all cells are laid on one
vertical grid (blank where a cell has nothing at that height), so a value stays aligned with the
label beside it, as in a Word cell; a label wrapped onto a lowercase continuation line is joined.
Words outside tables become paragraphs. Every line keeps its lowest word confidence, so the
extractor can send uncertain numbers to review.

OCR is slow, so each page's result is cached by the file's sha256 (and the OCR settings): a
re-import or re-extraction of the same scan reads the cache. Pages are OCR'd in parallel.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from extractor.cache import cache_root, cached
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.readers import ReadError

# OCR settings, as plain data; the cache key includes them.
OCR_SETTINGS = {"dpi": 300, "lang": "vie", "psm": 4}
RULE_MIN_FRACTION = 0.12  # a horizontal rule spans at least this share of the page width
RULE_MIN_VERTICAL = 90    # pixels (at 300 dpi, ~7.5 mm): shorter dark runs are letters, not rules
MAX_RULE_GAP = 60         # pixels: a rule broken by a faded stretch this long is still one rule
CACHE_VERSION = 9
REREAD = {"max_chars": 4, "below": 85.0, "psm": 7, "max_words": 80}  # second read of short, weak words
REREAD_ACCEPT = 90.0      # a second read this sure of a clean number replaces the first
MAX_SKEW = 3.0            # degrees: a page is straightened when its text lines lean up to this much


@dataclass
class _Word:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    conf: float
    line: str = ""  # Tesseract's block.paragraph.line: words it read as one line
    second: str | None = None  # the word read again on its own (see _reread)
    second_conf: float | None = None

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def read(path: Path, pages: int) -> Document:
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise ReadError("scanned PDF needs OCR: install tesseract-ocr, tesseract-ocr-vie and poppler-utils")
    ocr = _cached_ocr(path, pages)
    blocks: list = []
    tables = 0
    for number, page in enumerate(ocr, 1):
        words = [_settled(_Word(*w)) for w in page["words"]]
        page_blocks, tables = _layout(words, page["rules"], number, tables)
        blocks += page_blocks
    from extractor.readers.pdf_reader import _join_tables

    return Document(path=str(path), format="pdf", blocks=_join_tables(blocks), pages=pages, method="ocr",
                    notes=[f"OCR (tesseract {OCR_SETTINGS['lang']}, {OCR_SETTINGS['dpi']} dpi)"])


def crops(path: Path, regions: list[tuple[int, list[int]]], margin: int = 40, max_width: int = 1400) -> list[bytes]:
    """PNGs of regions (page, box of OCR words in the straightened frame) of a scanned PDF, each
    with a margin, so a reviewer reads the original rather than the OCR's reading of it. Each
    page is rendered once, however many regions it holds."""
    from PIL import Image

    skews = [p.get("skew", 0) for p in _cached_ocr(path, _page_count(path))]
    pages: dict[int, object] = {}
    out = []
    with tempfile.TemporaryDirectory(prefix="xhht-crop-") as tmp:
        for page, box in regions:
            if page not in pages:
                subprocess.run(["pdftoppm", "-r", str(OCR_SETTINGS["dpi"]), "-gray", "-f", str(page), "-l",
                                str(page), str(path), f"{tmp}/p{page}"], check=True, capture_output=True, timeout=120)
                with Image.open(next(Path(tmp).glob(f"p{page}-*.pgm"))) as img:
                    image = img.convert("L")
                skew = skews[page - 1] if page <= len(skews) else 0
                pages[page] = image.rotate(skew, resample=Image.BILINEAR, fillcolor=255) if skew else image
            image = pages[page]
            left, top, right, bottom = box
            region = image.crop((max(left - margin, 0), max(top - margin, 0), min(right + margin, image.width),
                                 min(bottom + margin, image.height)))
            if region.width > max_width:
                region = region.resize((max_width, round(region.height * max_width / region.width)))
            buffer = io.BytesIO()
            region.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
    return out


# ---- OCR with a cache -------------------------------------------------------------------------
def cache_dir() -> Path:
    """Where OCR results are kept: ocr/ in the user's cache (see extractor.cache)."""
    return cache_root() / "ocr"


def _cached_ocr(path: Path, pages: int) -> list[dict]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    settings = hashlib.sha256(json.dumps([OCR_SETTINGS, REREAD, RULE_MIN_FRACTION, RULE_MIN_VERTICAL, MAX_SKEW, CACHE_VERSION])
                              .encode()).hexdigest()[:12]
    return cached("ocr", f"{digest}-{settings}", lambda: _ocr_pdf(path, pages))


def _page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return len(pdf.pages)


def _ocr_pdf(path: Path, pages: int) -> list[dict]:
    """Every page rendered and read in the worker thread that OCRs it, and its image deleted once
    read: rendering overlaps with OCR, and the disk holds one page per thread, not the whole scan."""
    with tempfile.TemporaryDirectory(prefix="xhht-ocr-") as tmp:
        def page(number: int) -> dict:
            image = _render(path, number, Path(tmp))
            try:
                return _ocr_page(image, number)
            finally:
                image.unlink(missing_ok=True)

        with ThreadPoolExecutor(max_workers=max(1, min(pages, os.cpu_count() or 1))) as pool:
            return list(pool.map(page, range(1, pages + 1)))


def _render(path: Path, number: int, folder: Path) -> Path:
    """One page as a grey TIFF at the OCR resolution. TIFF, because it carries the resolution
    (without it Tesseract guesses, and reads worse) and packbits costs nothing to write: PNG's
    compression took ~3.7 s of CPU a page, as long as reading it."""
    prefix = folder / f"p{number}"
    try:
        subprocess.run(["pdftoppm", "-r", str(OCR_SETTINGS["dpi"]), "-gray", "-tiff", "-tiffcompression", "packbits",
                        "-f", str(number), "-l", str(number), "-singlefile", str(path), str(prefix)],
                       check=True, capture_output=True, timeout=300)
    except subprocess.CalledProcessError as exc:
        raise ReadError(f"cannot render page {number}: {exc.stderr.decode(errors='replace').strip()[:120]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ReadError(f"rendering page {number} took too long") from exc
    return prefix.with_suffix(".tif")


def _ocr_page(image: Path, number: int) -> dict:
    """Words and ruling lines of one page, both in the frame of the straightened page.

    Tesseract reads the page as scanned (it copes with a slight lean, and on a straightened page
    it tends to drop narrow ruled columns); the page is straightened only to find its rules and
    to put every word where it would be on a straight page.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # pages run in parallel: one thread each
    out = subprocess.run(["tesseract", str(image), "-", "-l", OCR_SETTINGS["lang"], "--psm", str(OCR_SETTINGS["psm"]),
                          "tsv"], capture_output=True, timeout=600, check=False, text=True, env=env)
    if out.returncode != 0:
        raise ReadError(f"tesseract failed on page {number}: {out.stderr.strip()[:120]}")
    straight, angle = _straightened(image)
    centre = (straight.shape[1] / 2, straight.shape[0] / 2)
    words = []
    for row in out.stdout.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        text = parts[11].strip().strip("|¦").strip()
        if not text or set(text) <= set("|¦_-—~¡!'\".,"):
            continue  # a ruling line read as a glyph
        left, top, width, height = (int(parts[i]) for i in (6, 7, 8, 9))
        dx, dy = _moved(left + width / 2, top + height / 2, angle, centre)
        words.append([text, round(left + dx), round(top + dy), round(left + width + dx), round(top + height + dy),
                      float(parts[10]), ".".join(parts[2:5])])
    rules = _rules(straight)
    _reread(words, straight, rules, image.parent / f"reread-{number}", env)
    return {"words": words, "rules": rules, "skew": angle}


def _reread(words: list[list], page, rules: dict, folder: Path, env: dict) -> None:
    """Read short, uncertain words again, each cut out on its own, and keep the second reading.

    On a whole page Tesseract often misreads a lone figure in a table cell ("01" as “, "10" as
    TỦ) and says so with a low confidence. Cut out with a margin, inside its cell's vertical
    rules, and read as a single line, the same figure is usually read right and surely. All cut-outs
    of a page go to one Tesseract run (an image list), so this costs one process per page. Whether
    the second reading is used is decided when the page is laid out (`_settled`).
    """
    from PIL import Image

    _join_pieces(words)
    weak = [w for w in words if _doubtful(w)][:REREAD["max_words"]]
    if not weak:
        return
    folder.mkdir()
    image = Image.fromarray(page)
    listing = []
    for k, (_, left, top, right, bottom, *_rest) in enumerate(weak):
        margin = bottom - top
        x0, x1 = _cell_edges(left, right, (top + bottom) / 2, rules["v"])
        box = (max(left - margin, x0), max(top - margin // 3, 0), min(right + margin, x1), bottom + margin // 3)
        path = folder / f"w{k:03d}.png"
        image.crop(box).save(path)
        listing.append(str(path))
    (folder / "list.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    out = subprocess.run(["tesseract", str(folder / "list.txt"), "-", "-l", OCR_SETTINGS["lang"], "--psm",
                          str(REREAD["psm"]), "tsv"], capture_output=True, timeout=300, check=False, text=True, env=env)
    readings: dict[int, list[tuple[str, float]]] = {}
    for row in out.stdout.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) >= 12 and parts[0] == "5" and parts[11].strip():
            readings.setdefault(int(parts[1]) - 1, []).append((parts[11].strip(), float(parts[10])))
    for k, word in enumerate(weak):
        found = readings.get(k, [])
        word += ["".join(t for t, _ in found), min((c for _, c in found), default=0.0)] if found else ["", 0.0]


def _doubtful(word: list) -> bool:
    """A short word read with low confidence, or one with no letter or digit at all (“, :)."""
    text, conf = word[0], word[5]
    return len(text) <= REREAD["max_chars"] and (conf < REREAD["below"] or not any(ch.isalnum() for ch in text))


def _join_pieces(words: list[list]) -> None:
    """Doubtful neighbours level with each other, closer than half a letter height, become one word.

    A figure read as two marks ("01" as ": :") is one thing to read again, not two.
    """
    k = 0
    while k < len(words) - 1:
        a, b = words[k], words[k + 1]
        gap = b[1] - a[3]
        height = a[4] - a[2]
        level = abs((a[2] + a[4]) - (b[2] + b[4])) / 2 < 0.5 * height
        if level and _doubtful(a) and _doubtful(b) and 0 <= gap < 0.5 * height:
            words[k] = [a[0] + b[0], a[1], min(a[2], b[2]), b[3], max(a[4], b[4]), min(a[5], b[5]), a[6]]
            del words[k + 1]
        else:
            k += 1


def _cell_edges(left: int, right: int, y: float, vertical: list[list[int]]) -> tuple[int, int]:
    """The vertical rules either side of a word (a cut-out must not take in a rule or the next cell)."""
    here = [x for x, y0, y1 in vertical if y0 <= y <= y1]
    x0 = max((x for x in here if x < left), default=-10**6) + 8
    x1 = min((x for x in here if x > right), default=10**6) - 8
    return x0, x1


def _straightened(image: Path):
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
    if angle:
        page = page.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    return np.asarray(page), angle


def _sharpest(dark_image, angles: list[float]) -> float:
    """The angle among `angles` whose row profile of dark pixels changes most from row to row."""
    import numpy as np
    from PIL import Image

    def sharpness(angle: float) -> float:
        turned = dark_image.rotate(angle, resample=Image.NEAREST, fillcolor=0)
        profile = np.asarray(turned, dtype=bool).sum(axis=1).astype(np.int64)
        return float((np.diff(profile) ** 2).sum())

    return max(angles, key=lambda a: (sharpness(a), -abs(a)))


def _moved(x: float, y: float, angle: float, centre: tuple[float, float]) -> tuple[float, float]:
    """How far a point moves when the page turns by `angle` degrees about its centre (as PIL turns it)."""
    t = math.radians(angle)
    cx, cy = centre
    nx = cx + (x - cx) * math.cos(t) + (y - cy) * math.sin(t)
    ny = cy - (x - cx) * math.sin(t) + (y - cy) * math.cos(t)
    return nx - x, ny - y


# ---- ruling lines -------------------------------------------------------------------------------
def _rules(page) -> dict:
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


# ---- layout: tables from rules, paragraphs from the rest ----------------------------------------
def _layout(words: list[_Word], rules: dict, page: int, tables: int) -> tuple[list, int]:
    grids = _grids(rules)
    blocks: list[tuple[float, object]] = []
    used: set[int] = set()
    for grid in grids:
        tables += 1
        table, taken = _table(grid, words, page, f"table {tables}")
        used |= taken
        if table.rows:
            blocks.append((grid["top"], table))
    rest = [w for k, w in enumerate(words) if k not in used]
    for k, (y, text, confidence, box) in enumerate(_text_lines(rest), 1):
        blocks.append((y, Paragraph(text, f"page {page}, line {k}", confidence, box=box)))
    blocks.sort(key=lambda item: item[0])
    return [b for _, b in blocks], tables


def _grids(rules: dict) -> list[dict]:
    """Group horizontal rules joined by vertical rules into tables: {"top", "rows": [(y0, y1, [x…])]}."""
    horizontal = _unify(rules["h"])
    vertical = _unify(rules["v"])
    grids: list[dict] = []
    current: list[list[int]] = []
    for rule in horizontal:
        if current and _linked(current, rule, vertical):
            current.append(rule)
            continue
        if len(current) >= 2:
            grids.append(_grid(current, vertical))
        current = [rule]
    if len(current) >= 2:
        grids.append(_grid(current, vertical))
    return grids


def _unify(rules: list[list[int]], tolerance: int = 12) -> list[list[int]]:
    """Pieces of one rule (split where a faded stretch or a glyph broke it) → one rule."""
    out: list[list[int]] = []
    for pos, start, end in sorted(rules):
        if out and pos - out[-1][0] <= tolerance:
            out[-1] = [out[-1][0], min(out[-1][1], start), max(out[-1][2], end)]
        else:
            out.append([pos, start, end])
    return out


def _linked(table: list[list[int]], lower: list[int], vertical: list[list[int]]) -> bool:
    """A rule belongs to the table above when at least two vertical rules run down to it.

    Rules are counted across the table's whole width: a faded rule may survive only in part
    (under the label column, say), and it still closes the row above.
    """
    upper = table[-1]
    left = min(r[1] for r in table + [lower]) - 8
    right = max(r[2] for r in table + [lower]) + 8
    return sum(1 for rule in vertical if _spans(rule, upper[0], lower[0]) and left <= rule[0] <= right) >= 2


def _spans(rule: list[int], top: int, bottom: int) -> bool:
    """A vertical rule separates cells between two horizontal rules when it covers most of the gap
    (scans lose bits of rules, so a rule may stop short)."""
    _, y0, y1 = rule
    return min(y1, bottom) - max(y0, top) >= 0.6 * (bottom - top)


def _grid(rules: list[list[int]], vertical: list[list[int]]) -> dict:
    """Rows between consecutive rules; every row gets the table's columns (all its vertical rules).

    A scan loses bits of rules, so a row may show fewer vertical rules than the table has; giving
    every row the same columns keeps a value in its column (a target is never read as a result).
    """
    left = min(r[1] for r in rules) - 8
    right = max(r[2] for r in rules) + 8
    xs = sorted(rule[0] for rule in vertical if left <= rule[0] <= right
                and any(_spans(rule, upper[0], lower[0]) for upper, lower in zip(rules, rules[1:], strict=False)))
    columns = [x for k, x in enumerate(xs) if k == 0 or x - xs[k - 1] > 10]
    rows = [(upper[0], lower[0], columns) for upper, lower in zip(rules, rules[1:], strict=False)]
    return {"top": rules[0][0], "rows": rows}


def _table(grid: dict, words: list[_Word], page: int, location: str) -> tuple[Table, set[int]]:
    taken: set[int] = set()
    rows: list[Row] = []
    for y0, y1, xs in grid["rows"]:
        spans = list(zip(xs, xs[1:], strict=False))
        if not spans:
            continue
        cells_words: list[list[_Word]] = [[] for _ in spans]
        for k, word in enumerate(words):
            if k in taken or not y0 < word.cy < y1:
                continue
            for c, (x0, x1) in enumerate(spans):
                if x0 < word.cx < x1:
                    cells_words[c].append(word)
                    taken.add(k)
                    break
        where = f"page {page}, {location}, row {len(rows) + 1}"
        rows.append(Row(_row_cells(cells_words, spans, where), where))
    table = Table(rows, location)
    table.page = page
    return table, taken


def _row_cells(cells_words: list[list[_Word]], spans: list[tuple[int, int]], where: str) -> list[Cell]:
    """Cells of one row, their lines aligned with the label column's items where the page allows.

    The label column (the one with the most text) is cut into items: a line that starts with a
    bullet, a digit or a capital opens an item; a lowercase line, or one after a line ending in
    "-" or ",", continues the one above (a wrapped label). When every line of another cell sits
    level with an item, the cell gets one line per item, so a value sits beside its
    label as in a Word cell. When the values drift off their labels (a line level with no item),
    the cell keeps its lines in order and nothing more: the extractor then pairs
    them by count or sends the cell to review, as it does for a Word cell.
    """
    lines_by_cell = [_group_lines(ws) for ws in cells_words]
    label = max(range(len(lines_by_cell)), key=lambda c: sum(len(w.text) for _, ws in lines_by_cell[c] for w in ws))
    items: list[list] = []  # [top y, bottom y, words]
    for y, ws in lines_by_cell[label]:
        if items and (ws[0].text[:1].islower() or items[-1][2][-1].text.endswith(("-", ","))):
            items[-1][1] = y
            items[-1][2] = items[-1][2] + ws
        else:
            items.append([y, y, list(ws)])
    heights = sorted(w.bottom - w.top for ws in cells_words for w in ws) or [0]
    tolerance = 0.5 * heights[len(heights) // 2]
    columns: list[list[list[_Word]]] = []
    for c, lines in enumerate(lines_by_cell):
        if c == label:
            columns.append([item[2] for item in items])
        else:
            columns.append(_aligned(lines, items, tolerance) or [ws for _, ws in lines])
    cells = []
    for c, column in enumerate(columns):
        location = f"{where}, cell {c + 1}"
        lines = [Line(" ".join(w.text for w in ws), f"{location}, line {k}",
                      _confidence(ws), _box(ws)) for k, ws in enumerate(column, 1)]
        cells.append(Cell(lines, location, c))
    return cells


def _aligned(lines: list[tuple[float, list[_Word]]], items: list[list], tolerance: float) -> list[list[_Word]] | None:
    """One entry per item, each line put at the item level with it; None when a line sits level with none."""
    column: list[list[_Word]] = [[] for _ in items]
    for y, ws in lines:
        if not items:
            return None
        gaps = [max(item[0] - y, y - item[1], 0) for item in items]
        k = min(range(len(items)), key=gaps.__getitem__)
        if gaps[k] > tolerance:
            return None
        column[k] = column[k] + ws  # a cell wrapped over several lines beside one item
    return column


def _group_lines(words: list[_Word]) -> list[tuple[float, list[_Word]]]:
    """Words → text lines (y, words) by how much their boxes overlap vertically.

    A word joins a line when at least half of it (or of the line, if smaller) overlaps the line's
    core band (median top to median bottom of its words). Accents, descenders and a raised "*"
    make boxes uneven, so neither a word's centre nor the first word of a line is a safe guide.
    Tesseract's own line ids are not used, as in tables they often run two visual lines together.
    """
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        home = next((ws for ws in reversed(lines[-3:]) if _overlaps(word, ws)), None)
        if home is not None:
            home.append(word)
        else:
            lines.append([word])
    return sorted(((sum(w.cy for w in ws) / len(ws), sorted(ws, key=lambda w: w.left)) for ws in lines),
                  key=lambda line: line[0])


def _overlaps(word: _Word, line: list[_Word]) -> bool:
    tops = sorted(w.top for w in line)
    bottoms = sorted(w.bottom for w in line)
    top, bottom = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
    shared = min(bottom, word.bottom) - max(top, word.top)
    return shared >= 0.5 * min(bottom - top, word.bottom - word.top)


def _text_lines(words: list[_Word]) -> list[tuple[float, str, float | None, tuple | None]]:
    """Words outside tables → (y, text, confidence, box) lines.

    A wide gap splits a line into separate lines, left first: the letterhead's two columns
    ("TRUNG TÂM HTCĐ XÃ CHÂN" … "Độc lập - Tự do") must not run into one another. Specks and the
    short rule under the letterhead are read as stray marks; they are dropped.
    """
    out = []
    for y, ws in _group_lines([w for w in words if not _speck(w)]):
        ws.sort(key=lambda w: w.left)
        parts: list[list[_Word]] = [[ws[0]]]
        for word in ws[1:]:
            if word.left - parts[-1][-1].right > 120:
                parts.append([word])
            else:
                parts[-1].append(word)
        out += [(y, " ".join(w.text for w in p), _confidence(p), _box(p)) for p in parts]
    return out


def _box(words: list[_Word]) -> tuple[int, int, int, int] | None:
    """The box around these words, so a person can be shown that part of the page."""
    if not words:
        return None
    return (min(w.left for w in words), min(w.top for w in words), max(w.right for w in words),
            max(w.bottom for w in words))


def _confidence(words: list[_Word]) -> float | None:
    """How sure the OCR is of a line's figures: the lowest confidence among its words with a digit.

    A bullet glyph ("»", "•") is often read with a low confidence that says nothing about the
    number beside it; a line without digits (a status word, a misread number) keeps the lowest
    confidence of all its words.
    """
    if not words:
        return None
    figures = [w.conf for w in words if any(ch.isdigit() for ch in w.text)]
    return min(figures or [w.conf for w in words])


def _settled(word: _Word) -> _Word:
    """The word with its second reading taken into account.

    Two readings that agree make the word as sure as the surer one. A second reading that is a
    clean number read with confidence at least REREAD_ACCEPT replaces the first. Otherwise the
    first reading stands with its low confidence, so a figure taken from it goes to review.
    """
    if word.second is None or word.second_conf is None:
        return word
    if word.second == word.text:
        word.conf = max(word.conf, word.second_conf)
    elif _CLEAN_NUMBER.fullmatch(word.second) and word.second_conf >= REREAD_ACCEPT:
        word.text, word.conf = word.second, word.second_conf
    return word


_CLEAN_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")


def _speck(word: _Word) -> bool:
    """A one-character 'word' that is no bullet, or a faint letter: dirt or a rule, not text."""
    if len(word.text) > 1:
        return False
    ch = word.text
    letter_or_digit = ch.isdigit() or ch.lower() != ch.upper()  # "ˆ" and "`" are neither
    return ch not in "-+•*·–" and (not letter_or_digit or word.conf < 60)

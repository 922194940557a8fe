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
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.normalize import clean
from extractor.readers import ReadError

# OCR settings, as plain data; the cache key includes them.
OCR_SETTINGS = {"dpi": 300, "lang": "vie", "psm": 4}
RULE_MIN_FRACTION = 0.12  # a horizontal rule spans at least this share of the page width
RULE_MIN_VERTICAL = 90    # pixels (at 300 dpi, ~7.5 mm): shorter dark runs are letters, not rules
MAX_RULE_GAP = 60         # pixels: a rule broken by a faded stretch this long is still one rule
CACHE_VERSION = 3


@dataclass
class _Word:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    conf: float
    line: str = ""  # Tesseract's block.paragraph.line: words it read as one line

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def read(path: Path, pages: int) -> Document:
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise ReadError("scanned PDF needs OCR: install tesseract-ocr, tesseract-ocr-vie and poppler-utils")
    ocr = _cached_ocr(path)
    blocks: list = []
    tables = 0
    for number, page in enumerate(ocr, 1):
        words = [_Word(*w) for w in page["words"]]
        page_blocks, tables = _layout(words, page["rules"], number, tables)
        blocks += page_blocks
    from extractor.readers.pdf_reader import _join_tables

    return Document(path=str(path), format="pdf", blocks=_join_tables(blocks), pages=pages, method="ocr",
                    notes=[f"OCR (tesseract {OCR_SETTINGS['lang']}, {OCR_SETTINGS['dpi']} dpi)"])


# ---- OCR with a cache -------------------------------------------------------------------------
def cache_dir() -> Path:
    """$XHHT_CACHE_DIR, else $XDG_CACHE_HOME/xhht, else ~/.cache/xhht; OCR results go in ocr/."""
    base = os.environ.get("XHHT_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xhht"
    return Path(base) / "ocr"


def _cached_ocr(path: Path) -> list[dict]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    settings = hashlib.sha256(json.dumps([OCR_SETTINGS, RULE_MIN_FRACTION, RULE_MIN_VERTICAL, CACHE_VERSION])
                              .encode()).hexdigest()[:12]
    cached = cache_dir() / f"{digest}-{settings}.json"
    if cached.is_file():
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # a damaged cache entry is simply redone
    pages = _ocr_pdf(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        partial.replace(cached)  # atomic: a killed import never leaves half a cache entry
    except OSError:
        pass  # a read-only cache folder only costs speed
    return pages


def _ocr_pdf(path: Path) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="xhht-ocr-") as tmp:
        try:
            subprocess.run(["pdftoppm", "-r", str(OCR_SETTINGS["dpi"]), "-gray", "-png", str(path), f"{tmp}/p"],
                           check=True, capture_output=True, timeout=900)
        except subprocess.CalledProcessError as exc:
            raise ReadError(f"cannot render PDF pages: {exc.stderr.decode(errors='replace').strip()[:120]}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ReadError("rendering the PDF pages took too long") from exc
        images = sorted(Path(tmp).glob("p-*.png"))
        with ThreadPoolExecutor(max_workers=max(1, min(len(images), os.cpu_count() or 1))) as pool:
            return list(pool.map(_ocr_page, images, range(1, len(images) + 1)))


def _ocr_page(image: Path, number: int) -> dict:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # pages run in parallel: one thread each
    out = subprocess.run(["tesseract", str(image), "-", "-l", OCR_SETTINGS["lang"], "--psm", str(OCR_SETTINGS["psm"]),
                          "tsv"], capture_output=True, timeout=600, check=False, text=True, env=env)
    if out.returncode != 0:
        raise ReadError(f"tesseract failed on page {number}: {out.stderr.strip()[:120]}")
    words = []
    for row in out.stdout.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        text = parts[11].strip().strip("|¦").strip()
        if not text or set(text) <= set("|¦_-—~¡!'\".,"):
            continue  # a ruling line read as a glyph
        left, top, width, height = (int(parts[i]) for i in (6, 7, 8, 9))
        words.append([text, left, top, left + width, top + height, float(parts[10]), ".".join(parts[2:5])])
    return {"words": words, "rules": _rules(image)}


# ---- ruling lines -------------------------------------------------------------------------------
def _rules(image: Path) -> dict:
    """Horizontal rules (y, x0, x1) and vertical rules (x, y0, y1) found in the page image."""
    import numpy as np
    from PIL import Image

    with Image.open(image) as img:
        dark = np.asarray(img.convert("L")) < 140
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
    for k, (y, text, confidence) in enumerate(_text_lines(rest), 1):
        blocks.append((y, Paragraph(clean(text), f"page {page}, line {k}", confidence)))
    blocks.sort(key=lambda item: item[0])
    return [b for _, b in blocks], tables


def _grids(rules: dict) -> list[dict]:
    """Group horizontal rules joined by vertical rules into tables: {"top", "rows": [(y0, y1, [x…])]}."""
    horizontal = _unify(rules["h"])
    vertical = _unify(rules["v"])
    grids: list[dict] = []
    current: list[list[int]] = []
    for rule in horizontal:
        if current and _linked(current[-1], rule, vertical):
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


def _linked(upper: list[int], lower: list[int], vertical: list[list[int]]) -> bool:
    """Two rules belong to one table when at least two vertical rules run from one to the other."""
    return sum(1 for rule in vertical if _spans(rule, upper[0], lower[0]) and upper[1] - 8 <= rule[0] <= upper[2] + 8) >= 2


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
    """Cells of one row, their lines aligned with the label column's items.

    The label column (the one with the most text) is cut into items: a line that starts with a
    bullet, a digit or a capital opens an item, a lowercase line continues the one above (a
    wrapped label). Every line of the other cells goes to the item nearest its height, so each
    cell gets one line per item and a value sits beside its label, as in a Word cell.
    """
    lines_by_cell = [_group_lines(ws) for ws in cells_words]
    label = max(range(len(lines_by_cell)), key=lambda c: sum(len(w.text) for _, ws in lines_by_cell[c] for w in ws))
    items: list[list] = []  # [top y, bottom y, words]
    for y, ws in lines_by_cell[label]:
        if items and ws[0].text[:1].islower():
            items[-1][1] = y
            items[-1][2] = items[-1][2] + ws
        else:
            items.append([y, y, list(ws)])
    columns: list[list[list[_Word]]] = []
    for c, lines in enumerate(lines_by_cell):
        if c == label:
            columns.append([item[2] for item in items])
            continue
        column: list[list[_Word]] = [[] for _ in items]
        for y, ws in lines:
            if not items:
                break
            k = min(range(len(items)), key=lambda i: max(items[i][0] - y, y - items[i][1], 0))
            column[k] = column[k] + ws
        columns.append(column)
    cells = []
    for c, column in enumerate(columns):
        location = f"{where}, cell {c + 1}"
        lines = [Line(clean(" ".join(w.text for w in ws)), f"{location}, line {k}",
                      min(w.conf for w in ws) if ws else None) for k, ws in enumerate(column, 1)]
        cells.append(Cell(lines, location, c))
    return cells


def _group_lines(words: list[_Word]) -> list[tuple[float, list[_Word]]]:
    """Words → text lines (y, words) by their vertical centres.

    Accents make word boxes uneven, so a word joins a line when its centre is within 40% of
    the typical word height of the line's first word; Tesseract's own line ids are not used,
    as in tables they often run two visual lines together.
    """
    if not words:
        return []
    heights = sorted(w.bottom - w.top for w in words)
    tolerance = 0.4 * heights[len(heights) // 2]
    lines: list[tuple[float, list[_Word]]] = []
    for word in sorted(words, key=lambda w: w.cy):
        if lines and word.cy - lines[-1][0] <= tolerance:
            lines[-1][1].append(word)
        else:
            lines.append((word.cy, [word]))
    return [(sum(w.cy for w in ws) / len(ws), sorted(ws, key=lambda w: w.left)) for _, ws in lines]


def _text_lines(words: list[_Word]) -> list[tuple[float, str, float | None]]:
    """Words outside tables → (y, text, confidence) lines; a wide gap splits the letterhead columns."""
    out = []
    for y, ws in _group_lines(words):
        ws.sort(key=lambda w: w.left)
        parts: list[list[_Word]] = [[ws[0]]]
        for word in ws[1:]:
            if word.left - parts[-1][-1].right > 120:
                parts.append([word])
            else:
                parts[-1].append(word)
        out.append((y, "\t".join(" ".join(w.text for w in p) for p in parts), min(w.conf for w in ws)))
    return out

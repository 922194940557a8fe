"""OCR: Tesseract (vie) run on every page of a scan, its words in the frame of the straightened page.

Tesseract gives words with boxes and confidences (TSV), not tables. Short, uncertain words are read
a second time, each cut out on its own within its cell's ruling lines (`page.rules`). The words and
the skew are kept, so laying out the page needs Tesseract no more (its rules come from `grid`).

OCR is slow, so each page's result is cached by the file's sha256, its page number and the OCR
settings: a re-import or re-extraction of the same scan reads the cache, and an interrupted
volume resumes where it stopped. The caller (`scan.read`) runs pages in parallel.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from extractor.cache import cache_root, cached, stored
from extractor.readers.errors import ReadError
from extractor.readers.scan.page import (
    MAX_SKEW,
    RULE_MIN_FRACTION,
    RULE_MIN_VERTICAL,
    moved,
    render,
    rules,
    straightened,
)
from extractor.readers.words import Word

# OCR settings, as plain data; the cache key includes them (and the rule sizes and skew of `page`).
OCR_SETTINGS = {"dpi": 300, "lang": "vie", "psm": 4}
CACHE_VERSION = 9
REREAD = {"max_chars": 4, "below": 85.0, "psm": 7, "max_words": 80}  # second read of short, weak words
REREAD_ACCEPT = 90.0      # a second read this sure of a clean number replaces the first
_CLEAN_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")


def cache_dir() -> Path:
    """Where OCR results are kept: ocr/ in the user's cache (see extractor.cache)."""
    return cache_root() / "ocr"


def ocr_key(digest: str) -> str:
    """The cache key of a scan's OCR: the file's sha256 and the settings that shape a reading."""
    key = [OCR_SETTINGS, REREAD, RULE_MIN_FRACTION, RULE_MIN_VERTICAL, MAX_SKEW, CACHE_VERSION]
    return f"{digest}-{hashlib.sha256(json.dumps(key).encode()).hexdigest()[:12]}"


def whole_file_entry(digest: str) -> list[dict] | None:
    """Every page of a scan as cached whole before pages were cached one by one (still read, so
    an archive's cache is not OCR'd again), or None."""
    return stored("ocr", ocr_key(digest))


def cached_page(path: Path, digest: str, number: int) -> dict:
    """One page's words (as lists: text, left, top, right, bottom, confidence, Tesseract's line id
    and, for a word read again, the second reading and its confidence) and skew, cached by the
    file's sha256, the page number and the settings: a volume whose reading was interrupted
    resumes at the first page not read. The page's rules bound the cut-outs of words read again;
    the layout takes its rules from `grid`, cached apart, so entries made with an older rule
    finder stay valid."""
    return cached("ocr", f"{ocr_key(digest)}-p{number}", lambda: _ocr_one(path, number))


def page_skew(path: Path, digest: str, number: int) -> float:
    """The skew the OCR found on a page (from the cache; the page is read if it never was)."""
    whole = whole_file_entry(digest)
    page = whole[number - 1] if whole and number <= len(whole) else cached_page(path, digest, number)
    return page.get("skew", 0)


def settled(word: list) -> Word:
    """A word of the OCR's reading, with its second reading taken into account.

    Two readings that agree make the word as sure as the surer one. A second reading that is a
    clean number read with confidence at least REREAD_ACCEPT replaces the first. Otherwise the
    first reading stands with its low confidence, so a figure taken from it goes to review.
    """
    text, left, top, right, bottom, conf = word[:6]
    second, second_conf = (word[7], word[8]) if len(word) > 8 else (None, None)
    if second is not None and second_conf is not None:
        if second == text:
            conf = max(conf, second_conf)
        elif _CLEAN_NUMBER.fullmatch(second) and second_conf >= REREAD_ACCEPT:
            text, conf = second, second_conf
    return Word(text, left, top, right, bottom, conf)


def _ocr_one(path: Path, number: int) -> dict:
    """One page rendered, read and its image deleted: the disk holds one page per thread."""
    with tempfile.TemporaryDirectory(prefix="xhht-ocr-") as tmp:
        image = render(path, number, Path(tmp), OCR_SETTINGS["dpi"])
        try:
            return _ocr_page(image, number)
        finally:
            image.unlink(missing_ok=True)


def _ocr_page(image: Path, number: int) -> dict:
    """Words and ruling lines of one page, both in the frame of the straightened page.

    Tesseract reads the page as scanned (it copes with a slight lean, and on a straightened page
    it tends to drop narrow ruled columns); the page is straightened only to find its rules and
    to put every word where it would be on a straight page.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # pages run in parallel: one thread each
    out = subprocess.run(["tesseract", str(image), "-", "-l", OCR_SETTINGS["lang"], "--psm",
                          str(OCR_SETTINGS["psm"]), "tsv"],
                         capture_output=True, timeout=600, check=False, text=True, env=env)
    if out.returncode != 0:
        raise ReadError(f"tesseract failed on page {number}: {out.stderr.strip()[:120]}")
    straight, angle = straightened(image)
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
        dx, dy = moved(left + width / 2, top + height / 2, angle, centre)
        words.append([text, round(left + dx), round(top + dy), round(left + width + dx),
                      round(top + height + dy), float(parts[10]), ".".join(parts[2:5])])
    page_rules = rules(straight)
    _reread(words, straight, page_rules, image.parent / f"reread-{number}", env)
    return {"words": words, "skew": angle}


def _reread(words: list[list], page, page_rules: dict, folder: Path, env: dict) -> None:
    """Read short, uncertain words again, each cut out on its own, and keep the second reading.

    On a whole page Tesseract often misreads a lone figure in a table cell ("01" as “, "10" as
    TỦ) and says so with a low confidence. Cut out with a margin, inside its cell's vertical
    rules, and read as a single line, the same figure is usually read right and surely. All cut-outs
    of a page go to one Tesseract run (an image list), so this costs one process per page. Whether
    the second reading is used is decided when the page is laid out (`settled`).
    """
    from PIL import Image

    join_pieces(words)
    weak = [w for w in words if _doubtful(w)][:REREAD["max_words"]]
    if not weak:
        return
    folder.mkdir()
    image = Image.fromarray(page)
    listing = []
    for k, (_, left, top, right, bottom, *_rest) in enumerate(weak):
        margin = bottom - top
        x0, x1 = _cell_edges(left, right, (top + bottom) / 2, page_rules["v"])
        box = (max(left - margin, x0), max(top - margin // 3, 0),
               min(right + margin, x1), bottom + margin // 3)
        path = folder / f"w{k:03d}.png"
        image.crop(box).save(path)
        listing.append(str(path))
    (folder / "list.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    out = subprocess.run(["tesseract", str(folder / "list.txt"), "-", "-l", OCR_SETTINGS["lang"], "--psm",
                          str(REREAD["psm"]), "tsv"],
                         capture_output=True, timeout=300, check=False, text=True, env=env)
    readings: dict[int, list[tuple[str, float]]] = {}
    for row in out.stdout.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) >= 12 and parts[0] == "5" and parts[11].strip():
            readings.setdefault(int(parts[1]) - 1, []).append((parts[11].strip(), float(parts[10])))
    for k, word in enumerate(weak):
        found = readings.get(k, [])
        word += ["".join(t for t, _ in found), min(c for _, c in found)] if found else ["", 0.0]


def _doubtful(word: list) -> bool:
    """A short word read with low confidence, or one with no letter or digit at all (“, :)."""
    text, conf = word[0], word[5]
    unclear = conf < REREAD["below"] or not any(ch.isalnum() for ch in text)
    return len(text) <= REREAD["max_chars"] and unclear


def join_pieces(words: list[list]) -> None:
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

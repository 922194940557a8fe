"""What the extractor leaves for a person, with what that person needs to decide.

Precision first means every stage refuses to guess and says why. A stage says so with `flag`:
the warning stays one line of text (the spot-check contract), and carries its category and the
facts behind it (the labels and values of an ambiguous cell, the register's candidates for a
commune). `review_items` then turns the unmatched labels and warnings of one extraction into
review items, each with the source text around it, the extractor's best suggestion, and, on a
scanned page, the box of that region so a crop of the page can be shown.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from extractor.i18n import N_
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.normalize import words
from extractor.patterns import Catalogue
from extractor.values import Parsed, parse_value

# Category → what it means for the person deciding. The order is the order of the queue.
# The descriptions are shown translated (extractor.i18n); the keys stay codes everywhere.
CATEGORIES = {
    "unmatched_label": N_("a label with a value that no catalogue label matches well enough"),
    "unclear_value": N_("a matched label whose value does not read as that indicator's type"),
    "low_confidence": N_("an OCR'd figure read with too little confidence"),
    "ambiguous_cell": N_("a cell whose labels and values cannot be paired one to one"),
    "conflict": N_("one indicator read with two different values"),
    "inconsistent": N_("figures of the report that break one of its consistency checks (checks.yaml)"),
    "ambiguous_unit": N_("a unit name the register holds several times, with nothing in the text to choose"),
    "unknown_unit": N_("a unit name the register does not know, or cannot spell"),
    "other": N_("anything else the extractor left for review"),
}


class Flag(str):
    """A warning line that also carries its review category and details.

    It is a `str` so that everything that prints, stores or compares warnings keeps working;
    `review_items` reads the extra attributes.
    """

    category: str
    details: dict

    def __new__(cls, text: str, category: str, **details) -> Flag:
        flag = super().__new__(cls, text)
        flag.category = category if category in CATEGORIES else "other"
        flag.details = details
        return flag

    def __reduce__(self):  # pickled to worker processes and Dask as itself
        return (_rebuild, (str(self), self.category, self.details))


def _rebuild(text: str, category: str, details: dict) -> Flag:
    return Flag(text, category, **details)


def flag(text: str, category: str, **details) -> Flag:
    """A warning line for review in `category` (see CATEGORIES), with facts for the reviewer."""
    return Flag(text, category, **details)


@dataclass
class _Place:
    """Where a location string points in the document: the row, cell and line or paragraph."""

    block: Paragraph | Table
    row: Row | None = None
    cell: Cell | None = None
    line: Line | None = None
    index: int = 0  # the block's position, for the paragraphs around it


def item_key(item: dict) -> str:
    """A review item's identity across re-extractions: what it is and where, never a row id."""
    parts = [item.get("kind"), item.get("category"), item.get("location"), item.get("label"),
             item.get("raw_value")]
    return hashlib.sha256("|".join(str(p or "") for p in parts).encode()).hexdigest()[:20]


def review_items(document: Document, result: dict, catalogue: Catalogue) -> list[dict]:
    """The unmatched labels and warnings of one extraction as review items with their context."""
    if not result["unmatched"] and not result["warnings"]:
        return []
    places = _places(document)
    items = [_from_unmatched(u, catalogue) for u in result["unmatched"]]
    items += [_from_warning(w) for w in result["warnings"]]
    for item in items:
        place = _find(places, item["location"])
        if place is None and item["label"]:
            place = _naming(places, item["label"])
            item["location"] = _location_of(place) if place else None
        item["context"] = _context(document, place) if place else {}
        item["box"] = _box(place) if place else None
        item["page"] = (_page_of(item["location"]) if item["location"] else None) or (
            getattr(place.block, "page", None) if place else None)
        item["key"] = item_key(item)
    return items


def plain_review_items(result: dict) -> list[dict]:
    """Review items of a result made without the document at hand (no context, no boxes)."""
    items = [_from_unmatched(u, None) for u in result["unmatched"]] + [
        _from_warning(w) for w in result["warnings"]]
    for item in items:
        item["key"] = item_key(item)
    return items


def attach_crops(result: dict, path: str) -> None:
    """Give each review item of a scanned document a PNG crop of its region of the page.

    Done when importing (the crops are stored with the items, so a reviewer needs neither the
    original file nor the OCR tools); a region that cannot be cut is simply left without one.
    """
    if result["source"]["format"] not in ("scan", "pdf"):  # a typed PDF may hold a page or two OCR'd
        return
    from extractor.readers.scan.crops import crops

    boxed = [item for item in result.get("review", []) if item.get("box") and item.get("page")]
    if not boxed:
        return
    try:
        images = crops(Path(path), [(item["page"], item["box"]) for item in boxed])
    except (OSError, subprocess.SubprocessError, StopIteration):
        return
    for item, image in zip(boxed, images, strict=True):
        item["crop"] = image


def _from_unmatched(unmatched: dict, catalogue: Catalogue | None) -> dict:
    reason = unmatched["reason"]
    if unmatched.get("category"):
        category = unmatched["category"]
    elif unmatched.get("best") and "match" not in reason and "label" not in reason:
        category = "unclear_value"
    else:
        category = "unmatched_label"
    return {"kind": "unmatched", "category": category, "label": unmatched.get("label"),
            "raw_value": unmatched.get("raw_value") or None, "location": unmatched.get("location"),
            "reason": reason, "suggestion": _suggestion(unmatched, catalogue), "candidates": []}


def _suggestion(unmatched: dict, catalogue: Catalogue | None) -> dict | None:
    """The code the label came closest to and its value read as that indicator's type."""
    code = unmatched.get("best")
    if catalogue is None:
        return {"code": code, "kind": "actual", "value": None, "score": unmatched.get(
            "score")} if code else None
    try:
        indicator = catalogue.indicator(code) if code else None
    except KeyError:
        return None
    if indicator is None:
        return None
    parsed = parse_value(unmatched.get("raw_value"), indicator.value_type)
    value = parsed.value if isinstance(parsed, Parsed) else None
    return {"code": code, "kind": "actual", "value": value, "score": unmatched.get("score")}


def _from_warning(warning: str) -> dict:
    category = getattr(warning, "category", "other")
    details = dict(getattr(warning, "details", {}))
    return {"kind": "warning", "category": category, "label": details.pop("label", None),
            "raw_value": details.pop("raw_value", None),
            "location": details.pop("location", None) or _head_location(warning), "reason": str(warning),
            "suggestion": details.pop("suggestion", None), "candidates": details.pop("candidates", []),
            **details}


def _head_location(warning: str) -> str | None:
    head = warning.split(":", 1)[0]
    return head if head.startswith(("table", "paragraph", "line", "page", "sheet")) else None


def _page_of(location: str) -> int | None:
    head = location.split(",", 1)[0]
    return int(head.split()[1]) if head.startswith("page ") and head.split()[1].isdigit() else None


# ---- finding a location in the document --------------------------------------------------------
def _places(document: Document) -> dict[str, _Place]:
    out: dict[str, _Place] = {}
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            out[block.location] = _Place(block, index=index)
            continue
        for row in block.rows:
            out.setdefault(row.location, _Place(block, row, index=index))
            for cell in row.cells:
                out.setdefault(cell.location, _Place(block, row, cell, index=index))
                for line in cell.lines:
                    out.setdefault(line.location, _Place(block, row, cell, line, index))
    return out


def _find(places: dict[str, _Place], location: str | None) -> _Place | None:
    """The place a location names, or the nearest enclosing one ("…, row 3, cell 2" → the cell)."""
    while location:
        if location in places:
            return places[location]
        location = location.rsplit(",", 1)[0] if "," in location else None
    return None


def _naming(places: dict[str, _Place], label: str) -> _Place | None:
    """The first line that names this label (a unit in the letterhead), for items that have no
    location of their own."""
    key = f" {words(label)} "
    for place in places.values():
        text = place.line.text if place.line is not None else (
            place.block.text if isinstance(place.block, Paragraph) else "")
        if (place.line is not None or isinstance(place.block, Paragraph)) and key in f" {words(text)} ":
            return place
    return None


def _location_of(place: _Place) -> str:
    return place.line.location if place.line is not None else place.block.location


def _context(document: Document, place: _Place) -> dict:
    """The source text around an item: its line, cell and row, or the paragraphs around it."""
    if isinstance(place.block, Paragraph):
        before = [b.text for b in document.blocks[max(0, place.index - 2):place.index]
                  if isinstance(b, Paragraph)]
        after = [b.text for b in document.blocks[place.index + 1:place.index + 3] if isinstance(b, Paragraph)]
        return {"paragraph": place.block.text, "before": before, "after": after}
    out: dict = {"row": " | ".join(c.text.replace("\n", " / ") for c in place.row.cells)}
    if place.cell is not None:
        out["cell"] = place.cell.text
    if place.line is not None:
        out["line"] = place.line.text
        beside = [c for c in place.row.cells if c is not place.cell]
        k = place.cell.lines.index(place.line)
        level = [c.lines[k].text for c in beside if k < len(c.lines) and c.lines[k].text.strip()]
        if level:
            out["level_with"] = level
    return out


def _box(place: _Place) -> list[int] | None:
    """The item's box on an OCR'd page: its line, else its cell, else its row."""
    if isinstance(place.block, Paragraph):
        return list(place.block.box) if place.block.box else None
    lines = [place.line] if place.line is not None else (
        place.cell.lines if place.cell is not None else [ln for c in place.row.cells for ln in c.lines])
    boxes = [ln.box for ln in lines if ln.box]
    if not boxes:
        return None
    if place.line is not None:  # the whole row's width: the label and its value side by side
        row_boxes = [ln.box for c in place.row.cells for ln in c.lines if ln.box]
        left, right = min(b[0] for b in row_boxes), max(b[2] for b in row_boxes)
        boxes = [(left, b[1], right, b[3]) for b in boxes]
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes)]

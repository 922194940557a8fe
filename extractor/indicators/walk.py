"""The walk: a document's blocks in reading order, each paragraph and table handed to its shapes.

A paragraph is a stop heading (after it the report speaks of plans: nothing more is read), a
heading opening a group, or text read as "label: value" lines (when the report type reads its
narrative), by the catalogue's prose patterns and as sentences. A table is read by tables.py,
which passes its column roles on to a following table without a header. At the end the ledger
settles the readings.
"""

from __future__ import annotations

import re

from extractor.indicators.lines import has_number, read_pairs, segments
from extractor.indicators.prose import read_prose, read_sentences
from extractor.indicators.state import Findings, Reading
from extractor.indicators.tables import read_table
from extractor.model import Document, Paragraph
from extractor.patterns import Catalogue

_NUMBERED = re.compile(r"^\s*(\d+(\.\d+)*\.?|[IVX]{1,4}\.|[a-zA-Z][.)])\s")


def extract_indicators(document: Document, catalogue: Catalogue, report_type: str) -> Findings:
    """The indicators of one report type in a document, and what is left for review."""
    reading = Reading.start(catalogue, report_type)
    if not reading.report:
        return reading.found
    roles: list[str] | None = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            _paragraph(reading, block)
        else:
            roles = read_table(reading, block, roles)
    reading.found.observations = reading.ledger.settled(reading.found.warnings)
    return reading.found


def _paragraph(reading: Reading, para: Paragraph) -> None:
    text = para.text
    if reading.matcher.is_stop(text):
        reading.context.stopped = True
        return
    if reading.context.stopped:
        return
    looks_like_heading = len(text) < 100 or bool(_NUMBERED.match(text))
    if looks_like_heading and not has_number(text) and reading.open_heading(text):
        return
    if reading.report.narrative:
        hits = read_prose(reading, text, para.location, para.confidence)
        read_pairs(reading, segments(text), para.location, "narrative", para.confidence, quiet=bool(hits))
    read_sentences(reading, text, para.location, para.confidence)

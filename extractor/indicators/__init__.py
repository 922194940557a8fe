"""Indicator extraction: walk a document in reading order and settle label → value pairs.

Values are found in four shapes, each recorded with its source method:
  table      a label cell and value cells (one row per indicator, or several labels as
             paragraphs of one cell aligned line by line with the value cell)     — tables.py
  inline     "label: value; label: value" inside a label cell                      — lines.py
  narrative  "- label: 241.026 người; miễn giảm: 1.738 người" lines in the body    — lines.py
  prose      sentences matched by the catalogue's prose patterns, and values read
             inside sentences by sentences.py ("sentence")                         — prose.py
The walk (walk.py) keeps the context that tells repeated labels apart: the current group (from
headings and from the last matched label) and the last matched code (state.py). A label and its
values are matched and stored by labels.py; every value goes to the ledger (ledger.py), which
settles one value per (code, kind) at the end and sends conflicting readings to review. Anything
that cannot be settled (weak match, ambiguous cell, unclear value) is kept for review with its
reason and location.
"""

from extractor.indicators.ledger import Ledger, Observation
from extractor.indicators.state import Findings
from extractor.indicators.walk import extract_indicators

__all__ = ["Observation", "Findings", "Ledger", "extract_indicators"]

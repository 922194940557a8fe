"""The likeliest pairing of a cell's labels with its values, for a person to confirm in one step.

A cell of several labels (one per paragraph) beside a cell of fewer or more values cannot be
paired line by line, so the extractor stores none of them (precision first) and leaves the cell
for review. The reviewer still decides; this only fills the form in. The pairing keeps the
order of both (reports list values in the order of their labels) and prefers, in that order, a
value whose unit word the label names ("03 lớp" beside "Số lớp …", "200 lượt" beside "Số lượt …"),
a value that reads as the label's indicator's type, and pairing every value: an alignment of
the two lists by dynamic programming, as a diff aligns two texts. Between equal pairings, the
first labels take the values (as a cell that lost its last lines would be read).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.normalize import words
from extractor.values import Parsed, parse_value

UNIT_NAMED, UNIT_OTHER, READS, NOT_READ, NO_CODE, SKIPPED = 3.0, -4.0, 1.0, -4.0, -1.0, -2.0
EARLIER = 1e-6
_UNIT_WORD = re.compile(r"[^\W\d_]+")


def score(label: str, value: str, value_type: str | None) -> float:
    """How well one value fits one label (see the module's doc for the weights)."""
    if value_type is None:
        return NO_CODE
    fit = READS if isinstance(parse_value(value, value_type), Parsed) else NOT_READ
    unit = " ".join(_UNIT_WORD.findall(words(value)))
    if unit:
        fit += UNIT_NAMED if f" {unit} " in f" {words(label)} " else UNIT_OTHER
    return fit


def propose(labels: Sequence[str], values: Sequence[str], value_types: Sequence[str | None]) -> list[
    int | None]:
    """For each label, the index of its value in `values` (None: no value), order kept on both sides."""
    n, m = len(labels), len(values)
    best = [[float("-inf")] * (m + 1) for _ in range(n + 1)]
    step: list[list[str | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == float("-inf"):
                continue
            moves = []
            if i < n:
                moves.append((i + 1, j, here, "label"))  # label i without a value
            if j < m:
                moves.append((i, j + 1, here + SKIPPED, "value"))  # value j for no label
            if i < n and j < m:
                early = EARLIER * (n - i)  # of two equal pairings, the one pairing the first labels
                moves.append((i + 1, j + 1, here + score(labels[i], values[j], value_types[i]) + early,
                              "pair"))
            for a, b, total, how in moves:
                if total > best[a][b]:
                    best[a][b], step[a][b] = total, how
    out: list[int | None] = [None] * n
    i, j = n, m
    while i or j:
        how = step[i][j]
        if how == "pair":
            out[i - 1] = j - 1
        i, j = (i - 1 if how in ("label", "pair") else i), (j - 1 if how in ("value", "pair") else j)
    return out

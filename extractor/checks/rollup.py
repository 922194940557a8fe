"""Rollup: a district's or province's own figure against the sum of its units' figures.

A district's count of classes or people gathers its communes'; a misread digit on either side
breaks that. Judged only when enough of the units reported (`min_coverage` of those the unit
has): below that, the sum says little. The district can never be below the sum of the communes
that reported (less the tolerance); with all of them reported it is their sum (within the
tolerance), and with some missing it is judged too large only beyond twice the extrapolated sum
(the missing ones may include the largest commune). A mismatch flags both sides: the document
cannot say which one was misread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.checks.rules import Check

# with units missing, the parent is judged too large only beyond twice their extrapolated sum
PARTIAL_EXCESS = 2


@dataclass(frozen=True)
class Rollup:
    holds: bool
    value: float  # the parent's own figure
    children: float  # the sum of the units that reported
    reported: int
    expected: int | None  # how many units the parent has, when known
    low: float
    high: float | None

    @property
    def facts(self) -> dict:
        return {"value": self.value, "children": self.children, "reported": self.reported,
                "expected": self.expected if self.expected is not None else "?"}


def rollup(parent: float, children: Sequence[float], expected: int | None, check: Check) -> Rollup | None:
    """Judge a parent's figure against its children's (None when too few of them reported).

    `expected` is the number of units the parent has (the register knows it); without it only
    the lower bound is judged, as the units that reported are then all there is to go by.
    """
    return rollup_of_sum(parent, float(sum(children)), len(children), expected, check)


def rollup_of_sum(parent: float, total: float, reported: int, expected: int | None,
                  check: Check) -> Rollup | None:
    """`rollup` from the children's sum and how many reported, all it judges by: the archive's
    checks have SQLite add a year's figures up, and read each child's only for a figure that fails."""
    if not reported or (expected is not None and reported < check.params.get("min_coverage", 0.8) * expected):
        return None
    low = total * (1 - check.tolerance)
    high = None
    if expected is not None and reported >= expected:
        high = total * (1 + check.tolerance)
    elif expected is not None:  # the missing units may include the largest: only a gross excess is judged
        high = PARTIAL_EXCESS * total * expected / reported
    holds = parent >= low and (high is None or parent <= high)
    return Rollup(holds, float(parent), total, reported, expected, low, high)

"""History: a unit's figure against the same indicator in the unit's other years.

A misread digit often shows only over time: a commune that ran 40 classes a year for a decade
does not run 400 one year. The test is robust, on a log scale: the unit's other years give a
trend (Theil–Sen: the median of the slopes between every two of them, so one wrong year cannot
bend it) and their spread around it (the median absolute deviation). A year is flagged when it
lies further from the trend than both a jump factor (`tolerance`) and `mad_multiplier` robust
standard deviations: steady growth, however fast, follows the trend; a ten-fold jump (a doubled
or dropped digit) does not.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import combinations, pairwise

from extractor.checks.rules import Check

MAD_SCALE = 1.4826  # the MAD of a normal sample times this estimates its standard deviation
TREND_YEARS = 5  # other years needed to follow a trend rather than a level


@dataclass(frozen=True)
class Outlier:
    year: int
    value: float
    expected: float  # what the unit's other years lead to expect for this year
    factor: float  # value ÷ expected

    @property
    def facts(self) -> dict:
        return {"year": str(self.year), "value": self.value,  # a year is no quantity: never 2,018
                "expected": round(self.expected, 2), "factor": round(self.factor, 1)}


def outliers(series: Iterable[tuple[int, float]], check: Check, years: Collection[int] | None = None) -> list[
    Outlier]:
    """The years of one unit's series (year, value) whose value is out of line with its other
    years (of `years` only, when given: a year imported is judged without judging the whole
    series again). Zero and negative values are not judged (a year without the activity is no
    misreading), nor small counts, nor a year with fewer than `min_years` other years to judge it by."""
    points = [(int(year), math.log10(value)) for year, value in series if value is not None and value > 0]
    min_years, min_level = check.params.get("min_years", 3), check.params.get("min_level", 20)
    limit = math.log10(check.tolerance)
    found = []
    for year, level in points:
        if years is not None and year not in years:
            continue
        others = [(y, x) for y, x in points if y != year]
        if len(others) < min_years or len({y for y, _ in others}) < 2:
            continue
        if _surely_within(others, year, level, limit):
            continue
        expected, spread = _trend(others, year)
        if max(level, expected) < math.log10(min_level):
            continue
        if abs(level - expected) > max(limit, check.params.get("mad_multiplier", 5) * spread):
            found.append(Outlier(year, 10 ** level, 10 ** expected, 10 ** (level - expected)))
    return found


def _trend(points: list[tuple[int, float]], year: int) -> tuple[float, float]:
    """The Theil–Sen line through the points at `year`, and the robust spread around it. Under
    TREND_YEARS points a slope is no better than noise (one wrong year among three bends it), and
    the level is their median."""
    slope = _median([(x2 - x1) / (y2 - y1) for (y1, x1), (y2, x2) in combinations(points, 2) if y2 != y1]) \
        if len(points) >= TREND_YEARS else 0.0
    intercept = _median([x - slope * y for y, x in points])
    spread = MAD_SCALE * _median([abs(x - intercept - slope * y) for y, x in points])
    return intercept + slope * year, spread


def _surely_within(points: list[tuple[int, float]], year: int, level: float, limit: float) -> bool:
    """Whether what `_trend` expects at `year` lies within `limit` of `level` for certain, found
    without the trend: most years of most units are in line, and the trend takes every pair of
    years. Theil–Sen's slope lies between the least and the greatest slope of consecutive years
    (any pair's slope is an average of those between them), so each point's extrapolation to
    `year`, and their median (the trend's value there), lie between those the two slopes give."""
    ordered = sorted(points)
    if len(ordered) < TREND_YEARS:
        low = high = [x for _, x in ordered]  # no slope: the median of the levels
    else:
        if any(y1 == y2 for (y1, _), (y2, _) in pairwise(ordered)):
            return False  # two points of one year: no bound from consecutive slopes
        slopes = [(x2 - x1) / (y2 - y1) for (y1, x1), (y2, x2) in pairwise(ordered)]
        least, greatest = min(slopes), max(slopes)
        ends = [(x + least * (year - y), x + greatest * (year - y)) for y, x in ordered]
        low, high = [min(e) for e in ends], [max(e) for e in ends]
    margin = 1e-9  # the trend's arithmetic rounds otherwise than the bounds'
    return _median(low) >= level - limit + margin and _median(high) <= level + limit - margin


def _median(values: list[float]) -> float:
    """statistics.median, to the bit, without its generality: the history check takes three
    medians per year judged, each unit's every year imported, and the library's own is most of
    the check's time."""
    values.sort()
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2

"""History: a unit's figure against the same indicator in the unit's other years.

A misread digit often shows only over time: a commune that ran 40 classes a year for a decade
does not run 400 one year. The test is robust (Hampel-style): on a log scale, a year's value is
compared with the median of the unit's other years and their spread (the median absolute
deviation), so one wrong year does not hide itself by moving the yardstick, ordinary growth of a
few percent a year stays inside it, and a ten-fold jump (a doubled or dropped digit) stands out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from extractor.checks.rules import Check

MAD_SCALE = 1.4826  # the MAD of a normal sample times this estimates its standard deviation


@dataclass(frozen=True)
class Outlier:
    year: int
    value: float
    median: float  # of the unit's other years
    factor: float  # value ÷ median


def outliers(series: Iterable[tuple[int, float]], check: Check) -> list[Outlier]:
    """The years of one unit's series (year, value) whose value is out of line with its other
    years. Zero and negative values are not judged (a year without the activity is no misreading),
    nor small counts, nor a year with fewer than `min_years` other years to judge it by."""
    points = [(year, float(value)) for year, value in series if value is not None and value > 0]
    factor = check.tolerance
    multiplier = check.params.get("mad_multiplier", 5)
    min_years, min_level = check.params.get("min_years", 3), check.params.get("min_level", 20)
    found = []
    for year, value in points:
        others = [math.log10(v) for y, v in points if y != year]
        if len(others) < min_years:
            continue
        centre = median(others)
        if max(value, 10 ** centre) < min_level:
            continue
        spread = MAD_SCALE * median(abs(x - centre) for x in others)
        if abs(math.log10(value) - centre) > max(math.log10(factor), multiplier * spread):
            found.append(Outlier(year, value, 10 ** centre, value / 10 ** centre))
    return found

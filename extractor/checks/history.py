"""History: a unit's figure against the same indicator in the unit's other years.

A misread digit often shows only over time: a commune that ran 40 classes a year for a decade
does not run 400 one year. The test is robust, on a log scale: the unit's other years give a
trend (Theil–Sen: the median of the slopes between every two of them, so one wrong year cannot
bend it) and their spread around it (the median absolute deviation). A year is flagged when it
lies further from the trend than both a jump factor (`tolerance`) and `mad_multiplier` robust
standard deviations: steady growth, however fast, follows the trend; a ten-fold jump (a doubled
or dropped digit) does not.

Every year judged is one row of a few arrays (its series' other years), and all the rows of a
run are judged together by numpy: the forty indicators of each of the hundreds of units an import
touches cost one pass, not one a series or a unit, whatever the number of years they have (an
archive that fills up must not import slower).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from extractor.checks.rules import Check

MAD_SCALE = 1.4826  # the MAD of a normal sample times this estimates its standard deviation
TREND_YEARS = 5  # other years needed to follow a trend rather than a level

Series = Iterable[tuple[int, float]]  # (year, value) of one unit and indicator


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


def outliers(series: Series, check: Check, years: Collection[int] | None = None) -> list[Outlier]:
    """The years of one unit's series (year, value) whose value is out of line with its other
    years (of `years` only, when given: a year imported is judged without judging the whole
    series again). Zero and negative values are not judged (a year without the activity is no
    misreading), nor small counts, nor a year with fewer than `min_years` other years to judge it by."""
    points = [(int(year), value) for year, value in series if value is not None]
    return outliers_of_many([([y for y, _ in points], [v for _, v in points], years)], check)[0]


def outliers_of_many(items: Sequence[tuple[Sequence[int], Sequence[float], Collection[int] | None]],
                     check: Check) -> list[list[Outlier]]:
    """`outliers` of each (years, values, years to judge) at once: what a unit's import judges.
    The series go into one matrix (a row per series), and each point judged is a row of its
    series' matrix without its own year."""
    found: list[list[Outlier]] = [[] for _ in items]
    ids = np.repeat(np.arange(len(items)), [len(years) for years, _, _ in items])
    years = np.array(list(chain.from_iterable(years for years, _, _ in items)), dtype=float)
    values = np.array(list(chain.from_iterable(values for _, values, _ in items)), dtype=float)
    judged = np.array(list(chain.from_iterable(  # the years asked for, in the same order
        [True] * len(ys) if asked is None else [y in asked for y in ys] for ys, _, asked in items)),
        dtype=bool)
    kept = values > 0
    if not kept.any():
        return found
    ids, years, judged = ids[kept], years[kept], judged[kept]
    levels = np.array(list(map(math.log10, values[kept].tolist())))  # the library's log, to the bit
    count = np.bincount(ids, minlength=len(items))
    column = np.arange(len(ids)) - (np.cumsum(count) - count)[ids]
    shape = (len(items), count.max())
    matrix_years, matrix_levels, present = np.zeros(shape), np.zeros(shape), np.zeros(shape, dtype=bool)
    matrix_years[ids, column], matrix_levels[ids, column], present[ids, column] = years, levels, True
    if not judged.any():
        return found
    ids, years, levels = ids[judged], years[judged], levels[judged]
    expected, flagged = _expected(matrix_years[ids], matrix_levels[ids], present[ids], years, levels, check)
    for i, year, level, trend in zip(ids[flagged].tolist(), years[flagged].tolist(), levels[flagged].tolist(),
                                     expected[flagged].tolist(), strict=True):
        found[i].append(Outlier(int(year), 10 ** level, 10 ** trend, 10 ** (level - trend)))
    return found


def _expected(years: np.ndarray, levels: np.ndarray, present: np.ndarray, judged: np.ndarray,
              level: np.ndarray, check: Check) -> tuple[np.ndarray, np.ndarray]:
    """For each row (a series' years, levels and which are present; the year judged and its
    level): the trend's value at that year, and whether the level is out of line with it."""
    others = present & (years != judged[:, None])  # a year's own points are not its evidence
    count = others.sum(axis=1)
    spanned = np.where(others, years, np.inf).min(axis=1) < np.where(others, years, -np.inf).max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(count >= TREND_YEARS, _theil_sen_slope(years, levels, others), 0.0)
        intercept = _median(levels - slope[:, None] * years, others)
        spread = MAD_SCALE * _median(np.abs(levels - intercept[:, None] - slope[:, None] * years), others)
        expected = intercept + slope * judged
        limit, params = math.log10(check.tolerance), check.params
        flagged = ((count >= params.get("min_years", 3)) & spanned
                   & (np.maximum(level, expected) >= math.log10(params.get("min_level", 20)))
                   & (np.abs(level - expected) > np.maximum(limit, params.get("mad_multiplier", 5) * spread)))
    return expected, flagged


def _theil_sen_slope(years: np.ndarray, levels: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The median of the slopes between every two of a row's other years (two points of one
    year give none). Under TREND_YEARS points a slope is no better than noise (one wrong year
    among three bends it): the caller takes a level instead."""
    first, second = np.triu_indices(years.shape[1], 1)  # every two points, once
    run = years[:, second] - years[:, first]
    pairs = others[:, first] & others[:, second] & (run != 0)
    return _median((levels[:, second] - levels[:, first]) / np.where(pairs, run, 1.0), pairs)


def _median(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The median of each row's kept values, as statistics.median gives it to the bit: the middle
    value, or the mean of the two middle ones. A row with none gives inf (never flagged)."""
    if not values.shape[1]:  # a series of one point: no pair of points
        return np.full(len(values), np.inf)
    ordered = np.sort(np.where(keep, values, np.inf), axis=1)
    count, rows = keep.sum(axis=1), np.arange(len(values))
    return (ordered[rows, np.maximum((count - 1) // 2, 0)] + ordered[rows, count // 2]) / 2

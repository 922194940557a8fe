"""A label and its values, as tables and lines give them: match the label, store each value.

A value comes with the role of the column it stood in ("value" on a line); the role says which
(indicator, kind) it is: a plan column is the target, the percent column of a count belongs to
the indicator that is its percentage. A label that matches nothing clears the last code; if it
is a heading without a value it opens its group, and if it looks like a label it is left for
review.
"""

from __future__ import annotations

import re

from extractor.indicators.state import Reading
from extractor.matching import Miss, value_shape
from extractor.normalize import strip_bullet, words
from extractor.patterns import Indicator, ReportPatterns
from extractor.values import is_blank

_LABELISH = re.compile(r"^(so|tong|ti le|ty le|co |ve |cac |huyen|dan so|trong do|mien giam|dat ti le)")

Value = tuple[str, str, str]  # (column role, raw value, location)


def pair(reading: Reading, label: str, values: list[Value], location: str, method: str,
         quiet: bool = False, confidence: float | None = None, review_value: bool = False,
         cell_confidence: dict[str, float | None] | None = None) -> None:
    """Match one label and store its values; `quiet` keeps a miss out of review (the line was read
    by a prose pattern), `review_value` sends a miss to review even without a value.
    `cell_confidence` gives each value the OCR confidence of its own cell, by location, in place of
    the one `confidence` of the whole reading."""
    ctx = reading.context
    label = label.strip()
    has_value = any(not is_blank(v) for _, v, _ in values)
    shape = (value_shape(next(v for _, v, _ in values if not is_blank(v)))
             if has_value and len(values) == 1 else None)
    result = reading.matcher.match(label, ctx.group, ctx.last_code, shape)
    if isinstance(result, Miss):
        ctx.last_code = None
        if not has_value and reading.open_heading(label):
            return
        if (has_value or review_value or result.best) and not quiet \
                and _LABELISH.match(words(strip_bullet(label))):
            reading.found.unmatched.append({
                "label": label, "raw_value": "; ".join(v for _, v, _ in values if not is_blank(v)),
                "location": location, "reason": result.reason, "best": result.best, "score": result.score})
        return
    ind = result.indicator
    ctx.follow(ind)
    for role, raw, where in values:
        if is_blank(raw):
            continue
        target = _target(reading.report, ind, role)
        if target is None:
            reading.found.unmatched.append({"label": label, "raw_value": raw, "location": where,
                                            "reason": f"a '{role}' column value for {ind.code}",
                                            "category": "unmatched_label"})
            continue
        code_ind, kind = target
        sure = cell_confidence.get(where, confidence) if cell_confidence is not None else confidence
        reading.store(code_ind, kind, raw, label, result.score, where, method, sure)


def _target(report: ReportPatterns, ind: Indicator, role: str) -> tuple[Indicator, str] | None:
    """Which (indicator, kind) a value in a column of this role belongs to."""
    if role == "target":
        return (ind, "target") if ind.value_type == "percent_or_status" else None
    if role == "percent" and ind.value_type == "count":
        companion = next((i for i in report.indicators if i.percent_of == ind.code), None)
        return (companion, "actual") if companion else None
    if role == "count" and ind.value_type == "percent":
        return None if any(i.percent_of == ind.code for i in report.indicators) else (ind, "actual")
    return ind, "actual"

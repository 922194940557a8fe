"""Identity checks within one report: sums, ratios, orderings and ranges over its figures.

Plain functions on plain data: a document's figures are a mapping (code, kind) → Figure (the
value with its raw text and location), so the same code serves the extraction, the store and
the benchmark. A check applies only when every figure it ties is there: a missing figure is
no evidence either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extractor.checks.rules import Check, Term
from extractor.values import NUMBER

EPSILON = 1e-9  # float arithmetic on printed decimals


@dataclass(frozen=True)
class Figure:
    """One figure as the document prints it: the value read, its text, where, and its type."""

    value: int | float
    raw: str | None = None
    location: str | None = None
    label: str | None = None
    value_type: str = "count"


Figures = Mapping[tuple[str, str], Figure]


@dataclass(frozen=True)
class Instance:
    """A check bound to the figures of one document (a range check binds one figure at a time)."""

    check: Check
    roles: dict[str, tuple[Term, ...]]

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for terms in self.roles.values() for t in terms)


@dataclass(frozen=True)
class Outcome:
    """Whether an instance holds on some figures, and the facts its message names."""

    holds: bool
    facts: dict


def figures_of(indicators: Iterable[dict], value_types: Mapping[str, str]) -> dict[tuple[str, str], Figure]:
    """A document's numeric figures from its contract `indicators` (status words are no figures;
    a (code, kind) read twice keeps its first reading, as the store does)."""
    out: dict[tuple[str, str], Figure] = {}
    for ind in indicators:
        value = ind.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        out.setdefault((ind["code"], ind["kind"]), Figure(value, ind.get("raw_value"), ind.get("location"),
                                                          ind.get("label"),
                                                          value_types.get(ind["code"], "count")))
    return out


def instances(checks: Iterable[Check], report_type: str | None, figures: Figures) -> list[Instance]:
    """The identity checks of this report type that every figure they tie is present for."""
    out = []
    for check in checks:
        if check.kind == "range":
            out += [Instance(check, {"codes": (t,)}) for t in check.roles["codes"] if t.key in figures]
        elif check.kind in ("sum", "ratio", "ordering") and check.report_type == report_type \
                and all(t.key in figures for t in check.terms):
            out.append(Instance(check, check.roles))
    return out


def evaluate(instance: Instance, figures: Figures) -> Outcome | None:
    """Does the instance hold on these figures? None when it cannot say (a ratio over nothing)."""
    check, roles = instance.check, instance.roles

    def total(role: str) -> float:
        return sum(figures[t.key].value for t in roles.get(role, ()))

    if check.kind == "sum":
        whole, parts = total("total"), total("parts")
        return Outcome(abs(whole - parts) <= check.tolerance + EPSILON,
                       {"total": whole, "parts": parts, "difference": whole - parts})
    if check.kind == "ratio":
        denominator = total("denominator") - total("minus")
        if denominator <= 0:
            return None
        printed = figures[roles["value"][0].key]
        expected = check.params.get("scale", 100) * total("numerator") / denominator
        tolerance = half_unit(printed) if check.tolerance == "printed" else check.tolerance
        return Outcome(abs(printed.value - expected) <= tolerance + EPSILON,
                       {"value": printed.value, "expected": round(expected, 2)})
    if check.kind == "ordering":
        smaller, larger = total("smaller"), total("larger")
        return Outcome(smaller <= larger + check.tolerance + EPSILON, {"smaller": smaller, "larger": larger})
    term = roles["codes"][0]
    value = figures[term.key].value
    low, high = check.params.get("min", float("-inf")), check.params.get("max", float("inf"))
    holds = low - check.tolerance - EPSILON <= value <= high + check.tolerance + EPSILON
    return Outcome(holds, {"value": value, "min": check.params.get("min"), "max": check.params.get("max"),
                           "code": str(term)})


def half_unit(figure: Figure) -> float:
    """Half a unit of the last digit the figure is printed with: 99,22 → 0.005, 100 → 0.5."""
    return 0.5 * 10 ** -decimals(figure)


def decimals(figure: Figure) -> int:
    """How many decimals the report prints for this figure (from its text, else its value)."""
    token = re.search(NUMBER, figure.raw or "")
    if token:
        text = token.group()
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):  # thousands dots only: an integer
            return 0
        return len(re.split(r"[,.]", text)[-1]) if re.search(r"[,.]", text) else 0
    if isinstance(figure.value, float) and not figure.value.is_integer():
        return len(repr(figure.value).split(".")[-1])
    return 0

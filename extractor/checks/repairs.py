"""Repairs suggested, never applied: which one figure, misread one plausible way, breaks a check.

Error localisation in the spirit of Fellegi–Holt (Statistics Netherlands' errorlocate and the
typing-error correction of `deductive`): the fewest figures changed — here exactly one — and
only by a change OCR and typists actually make: a digit confused with its look-alike (0/8, 1/7,
3/8, 5/6, 6/8), a digit dropped or doubled, a thousands dot taken for a decimal comma or the
reverse. A repair is offered only when it makes every check that figure takes part in hold, and
only when it is the one such repair: two that fit mean the document cannot say which, and a
person decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractor.checks.identity import Figure, Figures, Instance, evaluate
from extractor.checks.rules import Term
from extractor.values import NUMBER

CONFUSED = {"0": "8", "8": "036", "1": "7", "7": "1", "3": "8", "5": "6", "6": "58"}
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


@dataclass(frozen=True)
class Misreading:
    """A value the figure may really have been, the text it would be printed as, and the slip
    that would turn that text into what was read."""

    value: int | float
    raw: str
    how: str  # digit confusion, dropped digit, doubled digit, separator
    tier: int = 0  # 1: a decimal restored, tried only when no tier-0 slip fits


@dataclass(frozen=True)
class Repair:
    term: Term
    value: int | float
    raw: str
    how: str


def misreadings(figure: Figure) -> list[Misreading]:
    """Every value one slip away from the figure as printed (each value once, the first slip
    that explains it), of the figure's type: a count stays a whole number."""
    whole, fraction, dotted = _digits(figure)
    found: dict[int | float, Misreading] = {}
    for how, new_whole, new_fraction in _slips(whole, fraction):
        _keep(found, figure, new_whole, new_fraction, how, dotted, len(fraction))
    if len(fraction) == 3:  # "1,234" read where "1.234" (thousands) was printed
        _keep(found, figure, whole + fraction, "", "separator", True)
    if dotted and not fraction:  # "1.234" read where "1,234" (decimal) was printed
        _keep(found, figure, whole[:-3], whole[-3:], "separator", False)
    if not fraction and figure.value_type != "count":  # "9953" read where "99,53" was printed
        for cut in range(1, len(whole)):
            _keep(found, figure, whole[:cut], whole[cut:], "separator", False)
    return list(found.values())


def localise(failed: Instance, instances: list[Instance], figures: Figures) -> list[Repair]:
    """The single-figure repairs of a failed instance: each figure it ties, changed by one
    misreading, such that every instance that figure is in then holds. A repair that prints one
    decimal more than was read (a decimal dropped) is weighed only when no other fits: one more
    decimal always fits a rounded ratio better, so it must not compete with a simpler slip."""
    repairs: dict[tuple, tuple[int, Repair]] = {}
    for term in dict.fromkeys(failed.terms):
        related = [i for i in instances if term in i.terms and evaluate(i, figures) is not None]
        figure = figures[term.key]
        for slip in misreadings(figure):
            trial = {**figures, term.key: replace(figure, value=slip.value, raw=slip.raw)}
            if all((outcome := evaluate(i, trial)) is not None and outcome.holds for i in related):
                repairs.setdefault((term, slip.value), (slip.tier,
                                                        Repair(term, slip.value, slip.raw, slip.how)))
    simplest = min((tier for tier, _ in repairs.values()), default=0)
    return [repair for tier, repair in repairs.values() if tier == simplest]


def _digits(figure: Figure) -> tuple[str, str, bool]:
    """The figure's whole and decimal digits as printed, and whether thousands were dotted.

    In a count every dot groups thousands, even where a slip broke the grouping ("1.0442" is
    "1.042" with a digit doubled, all five digits of it)."""
    if figure.value_type == "count" and figure.raw and (run := re.search(r"\d[\d.]*", figure.raw)):
        text = run.group().rstrip(".")
        return text.replace(".", ""), "", "." in text
    token = re.search(NUMBER, figure.raw or "")
    text = token.group() if token else _printed(figure.value)
    if _THOUSANDS.fullmatch(text):
        whole, _, fraction = text.partition(",")
        return whole.replace(".", ""), fraction, "." in whole
    whole, _, fraction = re.sub(r"[,.]", ",", text).partition(",")
    return whole, fraction, False


def _printed(value: int | float) -> str:
    """A value as a Vietnamese report prints it: 241.026, 99,22."""
    if isinstance(value, float) and not value.is_integer():
        whole, _, fraction = f"{value:.6f}".rstrip("0").partition(".")
        return f"{int(whole):,}".replace(",", ".") + "," + fraction
    return f"{int(value):,}".replace(",", ".")


def _slips(whole: str, fraction: str):
    """(how, whole, fraction) for each one-character slip in either part of the number."""
    for changed, how in _edits(whole, restore=True):
        yield how, changed, fraction
    for changed, how in _edits(fraction, restore=True):
        yield how, whole, changed


def _edits(text: str, restore: bool):
    for i, digit in enumerate(text):
        for other in CONFUSED.get(digit, ""):
            yield text[:i] + other + text[i + 1:], "digit confusion"
    for i in range(len(text) + 1 if restore else 0):  # the true figure had one digit more
        for digit in "0123456789":
            yield text[:i] + digit + text[i:], "dropped digit"
    for i in range(len(text) - 1):  # a digit printed once was read twice
        if text[i] == text[i + 1]:
            yield text[:i] + text[i + 1:], "doubled digit"


def _value(whole: str, fraction: str) -> int | float | None:
    if not whole and not fraction:
        return None
    return float(f"{whole or '0'}.{fraction}") if fraction else int(whole)


def _keep(found: dict, figure: Figure, whole: str, fraction: str, how: str, dotted: bool,
          printed_decimals: int | None = None) -> None:
    """Record a candidate, printed with as many decimals as the slip leaves (99,50 stays two)."""
    value = _value(whole, fraction)
    if value is None or value == figure.value or value in found:
        return
    if figure.value_type == "count" and (fraction.strip("0") or not float(value).is_integer()):
        return
    if figure.value_type == "count":
        value = int(value)
    shown = f"{int(whole or '0'):,}".replace(",", ".") if dotted else (whole or "0")
    tier = int(printed_decimals is not None and len(fraction) > printed_decimals)
    found[value] = Misreading(value, shown + ("," + fraction if fraction else ""), how, tier)

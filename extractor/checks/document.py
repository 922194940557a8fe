"""The checks of one document, run at extraction: each failed check with its repair, as the
contract's `checks` key, the review flags and the summary lines (the package's docstring says what
the checks are)."""


from __future__ import annotations

from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from extractor.checks.identity import Figure, Figures, Instance, Outcome, evaluate, figures_of, instances
from extractor.checks.repairs import Repair, localise
from extractor.checks.rules import Check, Term
from extractor.review import Flag, flag

if TYPE_CHECKING:  # the catalogue loads the checks' rules: at run time only the other way round
    from extractor.patterns import Catalogue

__all__ = ["Check", "Figure", "Term", "check_figures", "check_indicators", "flags", "message", "warning_line"]


def check_indicators(indicators: list[dict], catalogue: Catalogue, report_type: str | None) -> list[dict]:
    """The failed identity checks of one extraction (its contract `indicators`), each with its
    suggested repair when exactly one misreading of one figure explains it."""
    value_types = {ind.code: ind.value_type for ind in catalogue.all_indicators()}
    return check_figures(catalogue.checks, report_type, figures_of(indicators, value_types))


def check_figures(checks: tuple[Check, ...], report_type: str | None, figures: Figures) -> list[dict]:
    """The failed identity checks over a document's figures, in the catalogue's order."""
    bound = instances(checks, report_type, figures)
    failed = []
    for instance in bound:
        outcome = evaluate(instance, figures)
        if outcome is not None and not outcome.holds:
            failed.append(_failure(instance, outcome, localise(instance, bound, figures), figures))
    return failed


def message(check: Check, facts: dict, lang: str) -> str:
    """The check's message in `lang` with its facts filled in, numbers written that language's way."""
    shown = {k: _number(v, lang) for k, v in facts.items()}
    return check.message[lang].format(**shown)


def flags(failed: list[dict]) -> list[Flag]:
    """Each failed check as a warning line for review (category `inconsistent`), placed at the
    figure the repair would change, else at the check's first figure, so a scan's review item
    shows the crop of that figure beside the suggestion."""
    out = []
    for failure in failed:
        repair, at = failure["repair"], _placed_at(failure)
        suggestion = {"code": repair["code"], "kind": repair["kind"], "value": repair["value"],
                      "score": None} \
            if repair else None
        out.append(flag(warning_line(failure), "inconsistent", location=at["location"], label=at["label"],
                        raw_value=at["raw_value"], suggestion=suggestion, check=failure["id"],
                        check_kind=failure["kind"], values=failure["values"],
                        message_vi=failure["message_vi"], repairs_fitting=failure["repairs_fitting"]))
    return out


def warning_line(failure: dict) -> str:
    """The one-line warning of a failed check (English, as reasons are stored)."""
    return f"{_placed_at(failure)['location'] or 'document'}: {failure['message']} (check {failure['id']})"


def _placed_at(failure: dict) -> dict:
    """The figure a failed check is shown at: the one its repair changes, else its first."""
    repair = failure["repair"]
    return next((v for v in failure["values"] if repair and (v["code"],
                                                             v["kind"]) == (repair["code"], repair["kind"])),
                failure["values"][0])


def _failure(instance: Instance, outcome: Outcome, repairs: list[Repair], figures: Figures) -> dict:
    check = instance.check
    values = [{"code": t.code, "kind": t.kind, "value": figures[t.key].value, "raw_value": figures[t.key].raw,
               "label": figures[t.key].label, "location": figures[t.key].location} for t in instance.terms]
    repair = None
    if len(repairs) == 1:
        only = repairs[0]
        repair = {"code": only.term.code, "kind": only.term.kind, "value": only.value, "raw_value": only.raw,
                  "was": figures[only.term.key].value, "misreading": only.how}
    return {"id": check.id, "kind": check.kind, "codes": [str(t) for t in instance.terms],
            "message": message(check, outcome.facts, "en"), "message_vi": message(check, outcome.facts, "vi"),
            "values": values, "locations": list(dict.fromkeys(v["location"] for v in values
                                                              if v["location"])),
            "repair": repair, "repairs_fitting": len(repairs)}


def _number(value, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(round(value, 2) if isinstance(value, float) else value, locale=lang)

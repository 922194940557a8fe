"""The consistency checks as data: `patterns/checks.yaml`, loaded and validated like the labels.

A check says how figures hang together (a sum, a ratio, an ordering, a range, a unit's history,
a district against its communes). Keeping them as data means a new rule is one entry in the
file, reviewed like a label; validating them on load means a typo in a code or a message fails
loudly, naming the file and the entry, instead of silently checking nothing.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

from extractor.yamldata import VALUE_TYPES, PatternError, load_yaml

KINDS = ("actual", "target")
IDENTITY_KINDS = ("sum", "ratio", "ordering", "range")
CHECK_KINDS = IDENTITY_KINDS + ("history", "rollup")
LANGUAGES = ("vi", "en")

# Per kind: the roles that hold codes (one code, or a list), the roles a check must have, the
# other keys it may have, and the facts its message may name.
_ROLES = {
    "sum": {"total": "one", "parts": "many"},
    "ratio": {"value": "one", "numerator": "many", "denominator": "many", "minus": "many"},
    "ordering": {"smaller": "one", "larger": "one"},
    "range": {"codes": "many"},
    "history": {"codes": "many"},
    "rollup": {"codes": "many"},
}
_REQUIRED = {
    "sum": ("total", "parts"), "ratio": ("value", "numerator", "denominator"),
    "ordering": ("smaller", "larger"), "range": (), "history": (), "rollup": (),
}
_PARAMETERS = {
    "sum": (), "ratio": ("scale",), "ordering": (), "range": ("min", "max"),
    "history": ("mad_multiplier", "min_years", "min_level"), "rollup": ("min_coverage",),
}
FACTS = {
    "sum": {"total", "parts", "difference"},
    "ratio": {"value", "expected"},
    "ordering": {"smaller", "larger"},
    "range": {"value", "min", "max", "code"},
    "history": {"value", "year", "expected", "factor", "code"},
    "rollup": {"value", "children", "reported", "expected", "code"},
}
_COMMON = {"id", "kind", "tolerance", "message", "value_types", "kinds"}


@dataclass(frozen=True)
class Term:
    """One figure of a document: an indicator code and its kind (a Đề án row has two)."""

    code: str
    kind: str = "actual"

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.kind)

    def __str__(self) -> str:
        return self.code if self.kind == "actual" else f"{self.code}@{self.kind}"


@dataclass(frozen=True)
class Check:
    """One validated entry of checks.yaml.

    `roles` maps each role of the kind (total, parts, value, smaller, codes, …) to its terms;
    `tolerance` is absolute for sums and orderings, relative for rollups, the smallest jump
    factor for history, and for ratios a number or "printed" (half a unit of the last digit the
    report prints, so 99,22 % stands for anything from 99.215 to 99.225).
    """

    id: str
    kind: str
    report_type: str | None
    roles: dict[str, tuple[Term, ...]]
    tolerance: float | str
    message: dict[str, str]
    params: dict = field(default_factory=dict)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for terms in self.roles.values() for t in terms)


def load_checks(path: Path, indicators: dict) -> tuple[Check, ...]:
    """Load and validate checks.yaml against the label catalogue (`indicators`: code → Indicator).

    A folder without checks.yaml has no checks (a catalogue made before checks existed).
    """
    if not path.is_file():
        return ()
    data = load_yaml(path)
    entries = data.get("checks")
    if not isinstance(entries, list):
        raise PatternError(f"{path.name}: expected a list under 'checks'")
    checks = tuple(_check(entry, indicators, f"{path.name}: checks[{i}]") for i, entry in enumerate(entries))
    ids = [c.id for c in checks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PatternError(f"{path.name}: duplicate check ids {duplicates}")
    return checks


def _check(entry, indicators: dict, where: str) -> Check:
    if not isinstance(entry, dict):
        raise PatternError(f"{where}: expected a mapping")
    if not isinstance(entry.get("id"), str) or not entry["id"].strip():
        raise PatternError(f"{where}: missing 'id'")
    where = f"{where} ({entry['id']})"
    kind = entry.get("kind")
    if kind not in CHECK_KINDS:
        raise PatternError(f"{where}: kind must be one of {list(CHECK_KINDS)}")
    unknown = set(entry) - _COMMON - set(_ROLES[kind]) - set(_PARAMETERS[kind])
    if unknown:
        raise PatternError(f"{where}: unknown keys {sorted(unknown)}")
    roles = {role: _terms(entry.get(role), shape, indicators, f"{where}: {role}")
             for role, shape in _ROLES[kind].items() if role in entry}
    missing = [role for role in _REQUIRED[kind] if not roles.get(role)]
    if missing:
        raise PatternError(f"{where}: missing {missing}")
    if kind in ("range", "history", "rollup"):
        roles["codes"] = roles.get("codes", ()) + _by_value_type(entry, indicators, where)
        if not roles["codes"]:
            raise PatternError(f"{where}: needs 'codes' or 'value_types'")
    elif "value_types" in entry or "kinds" in entry:
        raise PatternError(f"{where}: 'value_types' and 'kinds' are for range, history and rollup checks")
    report_types = {indicators[t.code].report_type for terms in roles.values() for t in terms}
    if kind in ("sum", "ratio", "ordering") and len(report_types) > 1:
        raise PatternError(f"{where}: ties codes of several report types {sorted(report_types)}")
    return Check(id=entry["id"], kind=kind, report_type=report_types.pop() if len(report_types) == 1
                 else None,
                 roles=roles, tolerance=_tolerance(entry, kind, where), message=_messages(entry, kind, where),
                 params=_params(entry, kind, where))


def parse_term(text: str, indicators: dict, where: str) -> Term:
    """`code` (its actual value) or `code@target`; the code must be in the label catalogue."""
    if not isinstance(text, str) or not text.strip():
        raise PatternError(f"{where}: a code must be a non-empty string")
    code, _, kind = text.strip().partition("@")
    kind = kind or "actual"
    if code not in indicators:
        raise PatternError(f"{where}: unknown code '{code}'")
    if kind not in KINDS:
        raise PatternError(f"{where}: unknown kind '{kind}' in '{text}' (one of {list(KINDS)})")
    return Term(code, kind)


def _terms(value, shape: str, indicators: dict, where: str) -> tuple[Term, ...]:
    if shape == "one":
        if isinstance(value, list):
            raise PatternError(f"{where}: one code, not a list")
        return (parse_term(value, indicators, where),)
    if not isinstance(value, list) or not value:
        raise PatternError(f"{where}: must be a non-empty list of codes")
    return tuple(parse_term(v, indicators, where) for v in value)


def _by_value_type(entry: dict, indicators: dict, where: str) -> tuple[Term, ...]:
    """Every code of the listed value types, in each listed kind (a target only where the
    indicator has one: the Đề án rows)."""
    types = entry.get("value_types", [])
    kinds = entry.get("kinds", list(KINDS))
    if not isinstance(types, list) or any(t not in VALUE_TYPES for t in types):
        raise PatternError(f"{where}: value_types must be a list of {sorted(VALUE_TYPES)}")
    if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
        raise PatternError(f"{where}: kinds must be a non-empty list of {list(KINDS)}")
    return tuple(Term(code, kind) for code, ind in indicators.items() if ind.value_type in types
                 for kind in kinds if kind == "actual" or ind.report_type == "dean_1373")


def _tolerance(entry: dict, kind: str, where: str) -> float | str:
    value = entry.get("tolerance")
    if kind == "ratio" and value == "printed":
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        hint = " or 'printed'" if kind == "ratio" else ""
        raise PatternError(f"{where}: tolerance must be a number ≥ 0{hint}")
    if kind == "history" and value <= 1:
        raise PatternError(f"{where}: a history tolerance is the smallest jump factor, above 1")
    return float(value)


def _messages(entry: dict, kind: str, where: str) -> dict[str, str]:
    """A message per language; the {facts} it names must be ones this kind of check gives."""
    messages = entry.get("message")
    if not isinstance(messages, dict) or any(not isinstance(messages.get(lang), str)
                                             or not messages[lang].strip()
                                             for lang in LANGUAGES):
        raise PatternError(f"{where}: message needs non-empty 'vi' and 'en' texts")
    if set(messages) - set(LANGUAGES):
        raise PatternError(f"{where}: message has unknown languages {sorted(set(messages) - set(LANGUAGES))}")
    for lang in LANGUAGES:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(messages[lang]) if name is not None}
        except ValueError as exc:
            raise PatternError(f"{where}: message.{lang} is not a valid template ({exc})") from exc
        unknown = names - FACTS[kind]
        if unknown:
            raise PatternError(f"{where}: message.{lang} names {sorted(unknown)}; a {kind} check gives "
                               f"{sorted(FACTS[kind])}")
    return {lang: messages[lang] for lang in LANGUAGES}


def _params(entry: dict, kind: str, where: str) -> dict:
    params = {}
    for name in _PARAMETERS[kind]:
        if name in entry:
            value = entry[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PatternError(f"{where}: '{name}' must be a number")
            params[name] = value
    if kind == "range" and "min" not in params and "max" not in params:
        raise PatternError(f"{where}: a range needs 'min' or 'max'")
    if kind == "rollup" and not 0 < params.get("min_coverage", 0.8) <= 1:
        raise PatternError(f"{where}: min_coverage must be above 0 and at most 1")
    return params

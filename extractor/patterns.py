"""The label catalogue: YAML data files in `patterns/`, loaded and validated once.

Patterns are data so that a new template row or wording needs no code: add a line to the
report type's file. Validation happens on load and names the file and the entry at fault,
so a typo in a pattern file fails loudly instead of silently matching nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extractor.resources import data_dir
from extractor.yamldata import VALUE_TYPES, PatternError, load_yaml  # noqa: F401 (PatternError: the API)

REPORT_TYPES = ("tuanle", "tongket_xhht", "dean_1373", "soket_tthtcd", "unknown")
INDICATOR_FILES = ("tuanle", "tongket_xhht", "dean_1373")
COLUMN_ROLES = {"number", "label", "note", "target", "actual", "percent", "count", "value"}
ACTIVITY_ROLES = {"number", "name", "participants", "host", "partners", "note"}


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    headings: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Rate:
    """A rate declared by its parts: scale × Σnumerator / (Σdenominator − Σminus)."""

    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    minus: tuple[str, ...] = ()
    scale: float = 100.0

    def parts(self) -> tuple[str, ...]:
        return (*self.numerator, *self.denominator, *self.minus)


@dataclass(frozen=True)
class Indicator:
    code: str
    report_type: str
    group: str
    label: str
    unit: str
    value_type: str
    labels: tuple[str, ...] = ()
    context_labels: tuple[str, ...] = ()
    after: str | None = None
    percent_of: str | None = None
    prose: tuple[re.Pattern, ...] = ()
    rate: Rate | None = None  # the counts this rate is made of (recomputed when units are summed)


@dataclass(frozen=True)
class ReportPatterns:
    report_type: str
    narrative: bool
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    stop_headings: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Everything in `patterns/`: thresholds, abbreviations, column roles, report types."""

    version: str
    matching: dict
    abbreviations: dict[str, str]
    column_roles: tuple[tuple[str, re.Pattern], ...]
    activity_roles: tuple[tuple[str, re.Pattern], ...]
    not_a_report: tuple[re.Pattern, ...]
    type_rules: tuple[tuple[str, re.Pattern], ...]
    reports: dict[str, ReportPatterns] = field(default_factory=dict)
    checks: tuple = ()  # extractor.checks.rules.Check, from checks.yaml
    annex_suffixes: tuple[str, ...] = ()  # file name endings of an annex (report_types.yaml)
    copy_marks: tuple[re.Pattern, ...] = ()  # what a copy's name ends with: "(1)", "- Copy" (same file)

    def indicator(self, code: str) -> Indicator:
        for report in self.reports.values():
            for ind in report.indicators:
                if ind.code == code:
                    return ind
        raise KeyError(code)

    def all_indicators(self) -> list[Indicator]:
        return [ind for report in self.reports.values() for ind in report.indicators]


def _regex(text: str, where: str) -> re.Pattern:
    try:
        return re.compile(text)
    except re.error as exc:
        raise PatternError(f"{where}: bad regex {text!r} ({exc})") from exc


def _strings(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PatternError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def prose_regex(pattern: str, where: str) -> re.Pattern:
    """Compile a prose pattern: spaces match any run of separators, {value} captures a number."""
    if "{value}" not in pattern:
        raise PatternError(f"{where}: prose pattern {pattern!r} has no {{value}}")
    from extractor.values import NUMBER

    body = pattern.replace(" ", r"[\s,.:;()\-–—]+")
    body = body.replace("{value}", rf"(?P<value>(?:{NUMBER})\s*%?)")
    return _regex(body, where)


def _indicator(entry: dict, report_type: str, groups: set[str], where: str) -> Indicator:
    for key in ("code", "group", "label", "unit", "value_type"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise PatternError(f"{where}: missing '{key}'")
    where = f"{where} ({entry['code']})"
    if entry["group"] not in groups:
        raise PatternError(f"{where}: unknown group '{entry['group']}'")
    if entry["value_type"] not in VALUE_TYPES:
        raise PatternError(f"{where}: value_type must be one of {sorted(VALUE_TYPES)}")
    unknown = set(entry) - {"code", "group", "label", "unit", "value_type", "labels",
                            "context_labels", "after", "percent_of", "prose", "rate"}
    if unknown:
        raise PatternError(f"{where}: unknown keys {sorted(unknown)}")
    labels = _strings(entry, "labels", where)
    context = _strings(entry, "context_labels", where)
    if not labels and not context:
        raise PatternError(f"{where}: needs 'labels' or 'context_labels'")
    prose = tuple(prose_regex(p, where) for p in _strings(entry, "prose", where))
    return Indicator(code=entry["code"], report_type=report_type, group=entry["group"],
                     label=entry["label"], unit=entry["unit"], value_type=entry["value_type"],
                     labels=labels, context_labels=context, after=entry.get("after"),
                     percent_of=entry.get("percent_of"), prose=prose, rate=_rate(entry, where))


def _rate(entry: dict, where: str) -> Rate | None:
    """An indicator's `rate` (its numerator and denominator codes), checked for shape here and
    for the codes and their value types once the file is read (`_check_rates`)."""
    rate = entry.get("rate")
    if rate is None:
        return None
    if not isinstance(rate, dict) or set(rate) - {"numerator", "denominator", "minus", "scale"}:
        raise PatternError(f"{where}: 'rate' must map numerator, denominator, minus, scale")
    if entry["value_type"] != "percent":
        raise PatternError(f"{where}: only a value_type percent may have a 'rate'")
    scale = rate.get("scale", 100)
    if not isinstance(scale, (int, float)) or scale <= 0:
        raise PatternError(f"{where}: rate.scale must be a positive number")
    numerator, denominator = _strings(rate, "numerator", where), _strings(rate, "denominator", where)
    if not numerator or not denominator:
        raise PatternError(f"{where}: a rate needs a numerator and a denominator")
    return Rate(numerator, denominator, _strings(rate, "minus", where), float(scale))


def _check_rates(indicators: tuple[Indicator, ...], where: str) -> None:
    """A rate's parts are counts (or sums of money) of the same report file."""
    types = {ind.code: ind.value_type for ind in indicators}
    for ind in indicators:
        for part in ind.rate.parts() if ind.rate else ():
            if types.get(part) not in ("count", "money"):
                raise PatternError(f"{where}: the rate of {ind.code} names '{part}', which is not a count "
                                   "or money code of this file")


def _report(path: Path) -> ReportPatterns:
    data = load_yaml(path)
    report_type = data.get("report_type")
    if report_type not in REPORT_TYPES:
        raise PatternError(f"{path.name}: report_type must be one of {REPORT_TYPES}")
    groups = []
    for i, g in enumerate(data.get("groups") or []):
        where = f"{path.name}: groups[{i}]"
        if not isinstance(g, dict) or not g.get("id") or not g.get("title"):
            raise PatternError(f"{where}: needs 'id' and 'title'")
        headings = tuple(_regex(h, where) for h in _strings(g, "headings", where))
        groups.append(Group(g["id"], g["title"], headings))
    group_ids = {g.id for g in groups}
    indicators = tuple(_indicator(e, report_type, group_ids, f"{path.name}: indicators[{i}]")
                       for i, e in enumerate(data.get("indicators") or []))
    codes = [ind.code for ind in indicators]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise PatternError(f"{path.name}: duplicate codes {sorted(duplicates)}")
    for ind in indicators:
        for ref in (ind.after, ind.percent_of):
            if ref and ref not in codes:
                raise PatternError(f"{path.name}: {ind.code} refers to unknown code '{ref}'")
    _check_rates(indicators, path.name)
    stops = tuple(_regex(s, path.name) for s in _strings(data, "stop_headings", path.name))
    return ReportPatterns(report_type, bool(data.get("narrative")), tuple(groups), indicators, stops)


def _roles(rules: list, allowed: set[str], where: str) -> tuple[tuple[str, re.Pattern], ...]:
    out = []
    for i, rule in enumerate(rules or []):
        if not isinstance(rule, dict) or rule.get("role") not in allowed or not rule.get("pattern"):
            raise PatternError(f"{where}[{i}]: needs 'role' (one of {sorted(allowed)}) and 'pattern'")
        out.append((rule["role"], _regex(rule["pattern"], f"{where}[{i}]")))
    return tuple(out)


def load(folder: Path | None = None) -> Catalogue:
    """Load and validate every pattern file in `folder` (default: the project's `patterns/`)."""
    folder = Path(folder) if folder else data_dir("patterns")
    settings = load_yaml(folder / "settings.yaml")
    matching = settings.get("matching") or {}
    for key in ("accept", "review", "margin", "heading_score"):
        if not isinstance(matching.get(key), (int, float)):
            raise PatternError(f"settings.yaml: matching.{key} must be a number")
    abbreviations = settings.get("abbreviations") or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in abbreviations.items()):
        raise PatternError("settings.yaml: abbreviations must map text to text")
    columns = load_yaml(folder / "columns.yaml")
    types = load_yaml(folder / "report_types.yaml")
    type_rules = []
    for i, rule in enumerate(types.get("rules") or []):
        if rule.get("type") not in REPORT_TYPES:
            raise PatternError(f"report_types.yaml: rules[{i}]: unknown type {rule.get('type')!r}")
        type_rules.append((rule["type"], _regex(rule["pattern"], f"report_types.yaml: rules[{i}]")))
    reports = {name: _report(folder / f"{name}.yaml") for name in INDICATOR_FILES}
    all_codes = [ind.code for r in reports.values() for ind in r.indicators]
    if len(all_codes) != len(set(all_codes)):
        raise PatternError("a code is defined in more than one report file")
    from extractor.checks.rules import load_checks  # the checks name the codes loaded above

    indicators = {ind.code: ind for r in reports.values() for ind in r.indicators}
    return Catalogue(
        version=str(settings.get("version", "1")),
        matching=matching,
        abbreviations=abbreviations,
        column_roles=_roles(columns.get("roles"), COLUMN_ROLES, "columns.yaml: roles"),
        activity_roles=_roles(columns.get("activity_roles"), ACTIVITY_ROLES, "columns.yaml: activity_roles"),
        not_a_report=tuple(_regex(p, "report_types.yaml") for p in _strings(
            types, "not_a_report", "report_types.yaml")),
        type_rules=tuple(type_rules),
        reports=reports,
        checks=load_checks(folder / "checks.yaml", indicators),
        annex_suffixes=_strings(types, "annex_suffixes", "report_types.yaml"),
        copy_marks=tuple(_regex(p, "report_types.yaml: copy_marks") for p in _strings(
            types, "copy_marks", "report_types.yaml")),
    )


@lru_cache(maxsize=4)
def default_catalogue() -> Catalogue:
    return load()


def catalogue_digest(folder: Path | None = None) -> str:
    """A short hash of the pattern files, stored with each extraction to know when to re-extract."""
    import hashlib

    folder = Path(folder) if folder else data_dir("patterns")
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]

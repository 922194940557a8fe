"""The interface in the users' language: Vietnamese by default, English on request.

The archivists and researchers who use this are Vietnamese, so Vietnamese is the default; the
messages in the code are written in English (the msgids) and translated by the gettext catalogue
`locale/vi/LC_MESSAGES/xhht.po`, compiled to the `.mo` beside it (both are committed, so a
checkout and an installed wheel read the same catalogue; tests/test_i18n.py fails when they
disagree). Data stays as it is stored — codes, kinds, statuses and reasons are English in the
database and in JSON/CSV — and is translated only where a person reads it (tables, pages).

The language: `--lang` on the command line, else `XHHT_LANG`, else the first of LANGUAGE,
LC_ALL, LC_MESSAGES, LANG that is set; an English locale gives English, anything else (C,
POSIX, unset, vi_VN…) Vietnamese.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from functools import cache
from pathlib import Path

DOMAIN = "xhht"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT = "vi"
ENVIRONMENT = ("XHHT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None  # set by `--lang` for the run (process-wide: the web server's threads see it)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


def from_locale(value: str) -> str:
    """The interface language a locale string asks for: "en_US.UTF-8" → en, "C" → vi."""
    first = value.split(":", 1)[0].strip()
    code = re.split(r"[_.@-]", first, maxsplit=1)[0].lower()
    return code if code in LANGUAGES else DEFAULT


def language() -> str:
    """The language of this run: `--lang`, else XHHT_LANG, else the locale (see the module's doc)."""
    if _chosen:
        return _chosen
    for name in ENVIRONMENT:
        value = os.environ.get(name, "").strip()
        if value:
            return from_locale(value)
    return DEFAULT


def set_language(lang: str | None) -> None:
    """Choose the language for the rest of the run (None: back to the environment's choice)."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}' (one of {', '.join(LANGUAGES)})")
    _chosen = lang


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `lang` (English is the msgids themselves)."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str) -> str:
    """`message` in the current language."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for `n`, in the current language."""
    return translations(language()).ngettext(singular, plural, n)


_ = gettext


# ---- numbers ---------------------------------------------------------------------------------------
def number(value, unit: str | None = None) -> str:
    """A number as a person of this language reads it: 4.000.000 and 57,4 % in Vietnamese,
    4,000,000 and 57.4 % in English; counts without decimals, at most two decimals otherwise.
    Words (Đạt, Chưa đạt) pass as written. Machine formats (CSV, JSON) never go through here."""
    from babel.numbers import format_decimal

    if value is None:
        return ""
    if isinstance(value, str | bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = round(value, 2)
    text = format_decimal(value, locale=language(), group_separator=True)
    return f"{text} %" if unit == "%" else text


# ---- names of codes ---------------------------------------------------------------------------------
REPORT_TYPE_NAMES = {  # keyed by patterns.REPORT_TYPES (tests/test_i18n.py checks they are the same)
    "tuanle": N_("Lifelong Learning Week"),
    "tongket_xhht": N_("Learning society year-end review"),
    "dean_1373": N_("Learning society scheme 1373"),
    "soket_tthtcd": N_("Community learning centre review"),
    "unknown": N_("Unknown report type"),
}

CATEGORY_NAMES = {  # keyed by review.CATEGORIES
    "unmatched_label": N_("unmatched label"),
    "unclear_value": N_("unclear value"),
    "low_confidence": N_("uncertain OCR reading"),
    "ambiguous_cell": N_("ambiguous cell"),
    "conflict": N_("conflicting values"),
    "inconsistent": N_("inconsistent figures"),
    "ambiguous_unit": N_("ambiguous unit name"),
    "unknown_unit": N_("unknown unit"),
    "other": N_("other"),
}

STATUS_NAMES = {  # review_queue.status: open, or the action of the correction that resolved it
    "open": N_("open"),
    "set": N_("value set"),
    "delete": N_("value removed"),
    "pick": N_("picked"),
    "reject": N_("rejected"),
}

KIND_NAMES = {"actual": N_("actual"), "target": N_("target")}

COLUMN_NAMES = {  # the columns of the CLI's tables (CSV and JSON keep the keys)
    "id": N_("id"), "code": N_("code"), "report_type": N_("report type"), "label": N_("label"), "unit": N_("unit"),
    "observations": N_("values stored"), "level": N_("level"), "name": N_("name"), "district": N_("district"),
    "province": N_("province"), "merged_into": N_("merged into (2025)"), "documents": N_("documents"),
    "years": N_("years"), "status": N_("status"), "category": N_("category"), "unit_name": N_("reporting unit"),
    "year": N_("year"), "location": N_("location"), "raw_value": N_("value as written"), "reason": N_("reason"),
}


CONTEXT_NAMES = {  # the source text around a review item (review._context) and its details
    "paragraph": N_("paragraph"), "before": N_("before"), "after": N_("after"), "row": N_("row"), "cell": N_("cell"),
    "line": N_("line"), "level_with": N_("on the same line"), "labels": N_("labels"), "values": N_("values"),
}


def report_type_name(code: str | None) -> str:
    """A report type's name in the current language (an unknown code as it is)."""
    return gettext(REPORT_TYPE_NAMES[code]) if code in REPORT_TYPE_NAMES else (code or "")


def category_name(code: str | None) -> str:
    return gettext(CATEGORY_NAMES[code]) if code in CATEGORY_NAMES else (code or "")


def status_name(code: str | None) -> str:
    return gettext(STATUS_NAMES[code]) if code in STATUS_NAMES else (code or "")


def kind_name(code: str | None) -> str:
    return gettext(KIND_NAMES[code]) if code in KIND_NAMES else (code or "")


def column_name(code: str) -> str:
    """A column of the CLI's tables, or a field of a review item's context, in the current language."""
    name = COLUMN_NAMES.get(code) or CONTEXT_NAMES.get(code)
    return gettext(name) if name else code


# ---- stored reasons and locations ----------------------------------------------------------------------
# A review item's reason is stored as the extractor wrote it (English, the same in every database
# and export). These are its wordings, placeholders where the extractor puts facts; a reason is
# shown translated when it reads as one of them, and as written otherwise. Keep them in step with
# the f-strings that make them (values.py, matching.py, indicators.py, metadata.py, activities.py).
REASONS = (
    N_("{location}: a sentence gives {code} ({kind}) = {value}, the {method} at {where} gives {other}; "
       "the {method} value is kept"),
    N_("{location}: {labels} labels but {values} values; left for review"),
    N_("{location}: {code} ({kind}) read twice with different values ({value} at {where}, {other} here); "
       "left for review"),
    N_("{location}: {code} ({kind}) read with different values ({values}); left for review"),
    N_("{location}: participants '{raw}' is not a number; left out"),
    N_("metadata: the reporting unit is a school; its name is left for review"),
    N_("metadata: the unit's name '{name}' ({level}) is not in the register of administrative units and its "
       "end is unclear; left empty for review"),
    N_("metadata: {level} '{name}' is written without diacritics and the register spells that name in "
       "several ways; left empty for review"),
    N_("metadata: {level} {name} is one of {count} units of that name in the register ({places}) and the "
       "document names neither district nor province; left empty for review"),
    N_("status word '{raw}' where a number is expected"),
    N_("not a number: '{raw}'"),
    N_("number with extra text: '{raw}'"),
    N_("fraction where a count is expected: '{raw}'"),
    N_("no label text"),
    N_("no wording of this report type fits"),
    N_("no catalogue label is close"),
    N_("weak match"),
    N_("ambiguous between {code} and {other}"),
    N_("a '{role}' column value for {code}"),
    N_("OCR confidence {confidence} below {minimum}"),
)

# The words of a location ("table 2, row 3, cell 1, line 2", "page 1, line 22, at 33").
LOCATION_WORDS = {"table": N_("table"), "row": N_("row"), "cell": N_("cell"), "line": N_("line"),
                  "paragraph": N_("paragraph"), "page": N_("page"), "at": N_("at character")}


_LOCATION = r"(?:table|row|cell|line|paragraph|page|at) \d+(?:, (?:table|row|cell|line|paragraph|page|at) \d+)*"


@cache
def _reason_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Each reason wording as a regex: literal text, a lazy group per placeholder (a placeholder
    written twice must hold the same text both times)."""
    out = []
    for template in REASONS:
        seen: set[str] = set()
        parts = []
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
            parts.append(re.escape(literal))
            if name:
                shape = _LOCATION if name in ("location", "where") else ".+?"
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{shape})")
                seen.add(name)
        out.append((re.compile("".join(parts), re.DOTALL), template))
    return tuple(out)


def reason(text: str | None) -> str:
    """A stored reason in the current language (as written when no wording matches)."""
    if not text or language() == "en":
        return text or ""
    for pattern, template in _reason_patterns():
        found = pattern.fullmatch(text)
        if found:
            facts = found.groupdict()
            for place in ("location", "where", "values"):  # values: readings with their places
                if place in facts:
                    facts[place] = location(facts[place])
            if "kind" in facts:
                facts["kind"] = kind_name(facts["kind"])
            return gettext(template).format(**facts)
    return text


def location(text: str | None) -> str:
    """A stored location ("table 2, row 3, cell 1") in the current language."""
    if not text or language() == "en":
        return text or ""
    return re.sub(r"\b(table|row|cell|line|paragraph|page|at)\b(?= \d)",
                  lambda m: gettext(LOCATION_WORDS[m.group(1)]), text)

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
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def one_run() -> Iterator[None]:
    """A run of the command line: the language it chooses (`set_language`) lasts until it ends, and
    then the choice made before it is back (a program or a test that runs several commands in one
    process runs each in its own language)."""
    global _chosen
    before = _chosen
    try:
        yield
    finally:
        _chosen = before


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
    lang = language()
    if lang in SEPARATORS and abs(value) < 1e15:  # what babel writes, without its per-call locale lookup
        text = format(value, ",").translate(SEPARATORS[lang])
    else:
        text = format_decimal(value, locale=lang, group_separator=True)
    return f"{text} %" if unit == "%" else text


# Python's "," format (1,234.5) turned into each language's (babel's: 1.234,5 in Vietnamese). A page
# of a country's pivot writes tens of thousands of numbers (tests/test_i18n.py: the same as babel).
SEPARATORS = {"vi": str.maketrans({",": ".", ".": ","}), "en": str.maketrans({})}


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
    "ok": N_("check holds now"),  # an inconsistent item whose check a correction made hold
}

KIND_NAMES = {"actual": N_("actual"), "target": N_("target")}

COLUMN_NAMES = {  # the columns of the CLI's tables (CSV and JSON keep the keys)
    "id": N_("id"), "code": N_("code"), "report_type": N_("report type"), "label": N_("label"),
    "unit": N_("unit"), "observations": N_("values stored"), "level": N_("level"), "name": N_("name"),
    "district": N_("district"), "province": N_("province"), "merged_into": N_("merged into (2025)"),
    "documents": N_("documents"), "years": N_("years"), "status": N_("status"), "category": N_("category"),
    "unit_name": N_("reporting unit"), "year": N_("year"), "location": N_("location"),
    "raw_value": N_("value as written"), "reason": N_("reason"),
}


CONTEXT_NAMES = {  # the source text around a review item (review._context) and its details
    "paragraph": N_("paragraph"), "before": N_("before"), "after": N_("after"), "row": N_("row"),
    "cell": N_("cell"), "line": N_("line"), "level_with": N_("on the same line"), "labels": N_("labels"),
    "values": N_("values"),
}


def report_type_name(code: str | None) -> str:
    """A report type's name in the current language (an unknown code as it is)."""
    return gettext(REPORT_TYPE_NAMES[code]) if code in REPORT_TYPE_NAMES else (code or "")


def category_name(code: str | None) -> str:
    return gettext(CATEGORY_NAMES[code]) if code in CATEGORY_NAMES else (code or "")


def category_code(text: str) -> str | None:
    """The review category `text` names: its code (`unclear_value`) or its name as the tables write it
    in either language ("giá trị không rõ", "gia tri khong ro", "unclear value"): what `review list`
    shows is what `--kind` takes. None when it names none."""
    from extractor.normalize import words

    wanted = words(text)
    for code, name in CATEGORY_NAMES.items():
        written = {translations(lang).gettext(name) for lang in LANGUAGES}
        if wanted in {words(code), *map(words, written)}:
            return code
    return None


def status_name(code: str | None) -> str:
    return gettext(STATUS_NAMES[code]) if code in STATUS_NAMES else (code or "")


def kind_name(code: str | None) -> str:
    return gettext(KIND_NAMES[code]) if code in KIND_NAMES else (code or "")


def column_name(code: str) -> str:
    """A column of the CLI's tables, or a field of a review item's context, in the current language."""
    name = COLUMN_NAMES.get(code) or CONTEXT_NAMES.get(code)
    return gettext(name) if name else code


# ---- stored text: review reasons, reader notes, import errors ------------------------------------------
# What the extractor writes into the database is stored as it wrote it (English, the same in every
# database and export): a review item's reason, a reader's notes, why a file was not imported (a
# ReadError, a store failure, a skipped path). These are their wordings, placeholders where the
# extractor puts facts; such a text is shown translated when it reads as one of them, and as written
# otherwise. Keep them in step with the f-strings that make them (values.py, matching.py,
# indicators.py, activities.py, metadata/unit.py, readers/**, store.py, importer.py, extract.py):
# tests/test_i18n.py reads real files and checks that what they produce is shown translated.
# review items the store writes when a file at a known path changes (extractor/store/successors.py)
VOLUME_GONE = N_("no longer in the volume at {path}: the file there now holds other reports")
CORRECTION_NOT_CARRIED = N_("correction not applied: the value read changed ({code} {kind}: read {old} "
                            "before, now {new}; corrected to {value})")
REASONS = (
    VOLUME_GONE, CORRECTION_NOT_CARRIED,
    N_("{location}: a sentence gives {code} ({kind}) = {value}, the {method} at {where} gives {other}; "
       "the {method} value is kept"),
    N_("{location}: {labels} but {values}; left for review"),
    N_("{location}: {code} ({kind}) read with different values ({readings}); left for review"),
    N_("{location}: {code} ({kind}) read twice with different values ({value} at {where}, {other} here); "
       "left for review"),  # the wording of databases made before version 0.1 settled readings in one place
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
    N_("metadata: an annex without its own letterhead and no report of the same name beside it; its unit, "
       "year and report type are left for review"),
    N_("metadata: an annex without its own letterhead, and its report {file} does not give its {missing} "
       "either; left for review"),
)

NOTES = (  # a reader's notes on how it read a file (documents.reader_notes)
    N_("decoded as {encoding}"),
    N_("converted from {encoding}"),
    N_("converted from {encoding} (detected from characters)"),
    N_("converted {runs} from legacy fonts"),
    N_("converted from .doc with LibreOffice"),
    N_("{tables} LibreOffice ran together rebuilt from the .doc text stream"),
    N_("OCR (tesseract {language}, {dpi} dpi)"),
    N_("OCR (tesseract {language}, {dpi} dpi) of the pages without a text layer: {pages}"),
    N_("hidden sheet '{sheet}' skipped"),
    N_("formulas without a saved value, read as empty: sheet '{sheet}' {cells}"),
    N_("metadata ({fields}) taken from the report beside it: {file}"),
    N_("pages {first}-{last} of a bound volume of {pages} pages"),
)

ERRORS = (  # why a file was not imported or read (import_errors.error), or a path skipped
    N_("not a file"),
    N_("empty file (0 bytes)"),
    N_("file too large ({size} MiB)"),
    N_("text export too large ({size} MiB; the limit is {limit} MiB): split it into its reports"),
    N_("corrupt Word file ({detail})"),
    N_("corrupt Word file: {detail}"),
    N_("document structure too deeply nested"),
    N_("document too large to read in memory"),
    N_("cannot read as {format}: {detail}"),
    N_("unsupported format '{format}'"),
    N_("binary data, not text"),
    N_("encrypted PDF (password protected)"),
    N_("corrupt PDF: {detail}"),
    N_("PDF has no pages"),
    N_("the file now reads as other documents"),
    N_("PDF has {pages} pages; more than {limit} is not a report (a bound volume?), split it to import its "
       "reports"),
    N_("not a readable Word file: {problem}"),
    N_("the OLE container has no WordDocument stream (not a Word document)"),
    N_("damaged OLE container ({detail})"),
    N_("the Word stream has no valid header (FIB magic {magic})"),
    N_("the Word stream is empty"),
    N_("the Word stream's piece table cannot be read"),
    N_("{share} of the Word stream's text is not Latin letters (CJK or unassigned characters)"),
    N_("{share} of the converted text is not Latin letters (CJK or unassigned characters: a damaged Word "
       "stream)"),
    N_("cannot read .doc: LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"),
    N_("LibreOffice took longer than {seconds}s to convert the .doc"),
    N_("LibreOffice could not convert this .doc (corrupt or not a Word file)"),
    N_("not a Word document (zip without word/document.xml)"),
    N_("encrypted Word document"),
    N_("refused: expands to {size} MiB (zip bomb?)"),
    N_("refused: the document's text is {size} MiB of XML, over the {limit} MiB limit (many reports in one "
       "file?): split it"),
    N_("refused: Word XML declares a DTD or entities (entity expansion attack?)"),
    N_("scanned PDF needs OCR: install tesseract-ocr, tesseract-ocr-vie and poppler-utils"),
    N_("tesseract failed on page {page}: {detail}"),
    N_("cannot render page {page}: {detail}"),
    N_("rendering page {page} took too long"),
    N_("cannot read file: {detail}"),
    N_("cannot read: {detail}"),
    N_("source not found: no recorded path still holds this content"),
    N_("not stored: {problem}"),
    N_("{code} ({kind}) read twice with different values: {value} at {where}, {other} at {elsewhere}"),
    N_("cluster task failed: {detail}"),
    N_("symbolic link loop"),
    N_("broken link: its target does not exist"),
    N_("link to a folder, not followed"),
    N_("folder named like a file"),
    N_("not a regular file"),
    N_("unsupported file type"),
    N_("encrypted Office file (password protected)"),
    N_("encrypted workbook (password protected)"),
    N_("corrupt workbook: {detail}"),
    N_("refused: the sheets are {size} MiB, over the {limit} MiB limit (a data dump, not a report)"),
    N_("refused: over {limit} cells in the sheets (a data dump, not a report)"),
)

# The words of a location ("table 2, row 3, cell 1, line 2", "page 1, line 22, at 33").
LOCATION_WORDS = {"sheet": N_("sheet"), "table": N_("table"), "row": N_("row"), "cell": N_("cell"),
                  "line": N_("line"), "paragraph": N_("paragraph"), "page": N_("page"),
                  "at": N_("at character")}

METHOD_NAMES = {  # the shape a value was read in (indicators.Observation.reading), named in a reason
    "table": N_("table"), "inline": N_("'label: value' line"), "narrative": N_("paragraph"),
    "prose": N_("catalogue phrase"), "sentence": N_("sentence"),
}

READER_METHODS = {  # how a reader got a document's text (documents.reader_method)
    "text": N_("text read directly"), "converted": N_("converted text"), "ocr": N_("OCR of a scan"),
}


def method_name(code: str | None) -> str:
    """How a value was read (observations.method: table, inline, …, ocr) in the current language."""
    names = {**METHOD_NAMES, "ocr": READER_METHODS["ocr"]}
    return gettext(names[code]) if code in names else (code or "")


def reader_method_name(code: str | None) -> str:
    """How a document's text was got (text layer, converted, OCR) in the current language."""
    return gettext(READER_METHODS[code]) if code in READER_METHODS else (code or "")


COUNTED = {  # placeholders that hold a count and its noun ("3 labels", "1 table": wording.count)
    "labels": lambda n: ngettext("{n} label", "{n} labels", n),
    "values": lambda n: ngettext("{n} value", "{n} values", n),
    "tables": lambda n: ngettext("{n} table", "{n} tables", n),
    "runs": lambda n: ngettext("{n} run of text", "{n} runs of text", n),
}

# a place in a document; a workbook's are "sheet 'Biểu 1'" and "cell C" (its column's letters)
_PLACE = r"(?:(?:table|row|cell|line|paragraph|page|at) \d+|sheet '[^']*'|cell [A-Z]{1,3})"
_LOCATION = rf"{_PLACE}(?:, {_PLACE})*"
_PLACES = ("location", "where", "elsewhere")  # placeholders that hold a location
_NESTED = ("problem",)  # placeholders that hold another stored wording (an error inside an error)


def _shape(name: str) -> str:
    """What a placeholder may hold in the stored text (the others hold anything, matched lazily)."""
    if name in _PLACES:
        return _LOCATION
    if name in COUNTED:
        return r"\d+ \w+"
    return ".+?"


@cache
def _patterns(templates: tuple[str, ...]) -> tuple[tuple[re.Pattern, str], ...]:
    """Each wording as a regex: literal text, a group per placeholder (a placeholder written twice
    must hold the same text both times). The wordings that begin with the longest literal text are
    tried first, so "not stored: {problem}" is not read as a "{code} (…)" wording whose code holds
    "not stored: …"; then those with the most literal text, so "converted from {encoding}" does not
    swallow "converted from {encoding} (detected …)"."""
    out = []
    for template in templates:
        seen: set[str] = set()
        parts = []
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{_shape(name)})")
                seen.add(name)
        out.append((re.compile("".join(parts), re.DOTALL), template))
    return tuple(sorted(out, key=lambda pair: (-len(pair[1].split("{", 1)[0]),
                                               -len(re.sub(r"\{\w+\}", "", pair[1])))))


def _fact(name: str, text: str, templates: tuple[str, ...]) -> str:
    """One fact of a stored text as it is shown: locations, kinds, methods, counts and nested
    wordings in the current language, anything else (values, codes, names) as written."""
    if name in _PLACES:
        return location(text)
    if name == "kind":
        return kind_name(text)
    if name == "method":
        return gettext(METHOD_NAMES[text]) if text in METHOD_NAMES else text
    if name in COUNTED:
        n = int(text.split(" ", 1)[0])
        return COUNTED[name](n).format(n=n)
    if name == "readings":  # "02 lớp at line 17, at 22; 03 lớp at line 34, at 22"
        return "; ".join(_reading(part) for part in text.split("; "))
    if name in _NESTED:
        return _stored(text, templates)
    return text


def _reading(text: str) -> str:
    found = re.fullmatch(rf"(?P<value>.*) at (?P<where>{_LOCATION})", text, re.DOTALL)
    if not found:
        return text
    return gettext(N_("{value} at {where}")).format(value=found["value"], where=location(found["where"]))


def _stored(text: str, templates: tuple[str, ...]) -> str:
    """A stored text in the current language: a message of its own, or one of `templates` with its
    facts put back; as written when it is neither."""
    if not text or language() == "en":
        return text or ""
    if text in templates:
        return gettext(text)
    for pattern, template in _patterns(templates):
        found = pattern.fullmatch(text)
        if found:
            facts = {name: _fact(name, value, templates) for name, value in found.groupdict().items()}
            return gettext(template).format(**facts)
    return text


def reason(text: str | None) -> str:
    """A stored review reason in the current language (as written when no wording matches)."""
    return _stored(text or "", REASONS)


def note(text: str | None) -> str:
    """A reader's note in the current language."""
    return _stored(text or "", NOTES)


def error(text: str | None) -> str:
    """Why a file was not imported or a path was skipped (a ReadError's reason, a store failure, a
    walk's skip reason), in the current language."""
    return _stored(text or "", ERRORS)


def location(text: str | None) -> str:
    """A stored location ("table 2, row 3, cell 1", "sheet 'Biểu 1', row 5, cell C") in the current
    language; a sheet's name stays as written."""
    if not text or language() == "en":
        return text or ""
    parts = re.split(r"('[^']*')", text)
    return "".join(part if part.startswith("'") else
                   re.sub(r"\b(sheet|table|row|cell|line|paragraph|page|at)\b(?= \d| [A-Z]{1,3}\b| '| $)",
                          lambda m: gettext(LOCATION_WORDS[m.group(1)]), part)
                   for part in parts)

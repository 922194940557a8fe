"""Annexes: a workbook (or a file named as an annex) takes what it does not say from its report.

Figures often sit in an annex beside the Word report ("BC_TuanLe_2023_XaA_PhuLuc.xlsx" beside
"BC_TuanLe_2023_XaA.docx"), and an annex seldom repeats the letterhead. Such a file takes the
unit, the year and the report type it lacks from the report of the same folder whose file name is
its own without an annex word at its end or its start (`annex_suffixes` in
patterns/report_types.yaml: "…_PhuLuc", "PL01_…") and without a copy's mark (`copy_marks`: "… (1)"),
or, for a workbook, its own name; it records which report in `metadata_from` and in a reader note. With no
such report its metadata is left for review, and its figures are not stored (no report type).
Which report it looked at (`report_beside`: name and sha256, or none) is stored with it, so an
import reads the annex again when its report appears or changes beside it.

The report is found on disk, beside the annex, and its metadata read again there, not taken from
the database: `extract` and `import` then agree, whatever the order files are imported in, and
worker processes never open the database (the importing process stays its only reader and writer).
On a Dask cluster with `--cluster-files send` the report's bytes travel with the annex's task.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from extractor.cache import file_digest
from extractor.metadata import Metadata, detect
from extractor.normalize import fold, normalize_document
from extractor.patterns import Catalogue
from extractor.readers import SPREADSHEETS, ReadError, read_document, sniff
from extractor.review import flag

REPORT_SUFFIXES = (".docx", ".doc", ".pdf", ".txt", ".md", ".text")  # in the order one is preferred
_SEPARATORS = r"[\s_.\-]"
UNIT_FIELDS = ("unit_name", "unit_level", "district", "province")
YEAR_FIELDS = ("year", "period")

ReportOf = Callable[[], "tuple[str, str, Metadata] | None"]  # the report's file name, sha256, metadata


def _key(text: str) -> str:
    """A file name as compared: NFC (file systems may give NFD), folded, separators as one space."""
    folded = fold(unicodedata.normalize("NFC", text))
    return re.sub(rf"{_SEPARATORS}+", " ", folded).strip()


def report_stem(stem: str, catalogue: Catalogue) -> str | None:
    """The name of the report an annex named `stem` belongs to, compared as `_key` does; None when
    the name has no annex ending. The ending must stand apart: after a separator or starting a
    capitalised word ("XaA_PhuLuc", "XaAPhuLuc"), never inside a word."""
    stem = unicodedata.normalize("NFC", without_copy_mark(stem, catalogue))
    words = "|".join(re.sub(r"(?:\\ )+", lambda _: f"{_SEPARATORS}*", re.escape(w.strip()))
                     for w in catalogue.annex_suffixes)
    if not words:
        return None
    found = re.search(rf"(?P<sep>{_SEPARATORS}*)(?P<word>{words})(?:{_SEPARATORS}*\d+)?$", fold(stem))
    if not found or found.start() == 0:
        return _after_prefix(fold(stem), words)
    if not found["sep"] and not stem[found.start("word")].isupper():
        return None
    return _key(stem[: found.start()]) or None


def _after_prefix(folded: str, words: str) -> str | None:
    """The report's name of an annex whose name opens with an annex word, maybe numbered, and a
    separator ("phuluc_bc tuanle …", "pl01_bc …"); None when it does not."""
    found = re.match(rf"(?:{words})(?:{_SEPARATORS}*\d+)?{_SEPARATORS}+(?P<rest>.+)$", folded)
    return _key(found["rest"]) or None if found else None


def without_copy_mark(stem: str, catalogue: Catalogue) -> str:
    """`stem` without what a browser or file manager added to a copy's name ("BC (1)" → "BC"):
    the same file saved twice still belongs to its report."""
    for mark in catalogue.copy_marks:
        found = re.search(rf"{_SEPARATORS}*(?:{mark.pattern})$", fold(stem))
        if found and found.start() > 0:
            return stem[: found.start()]
    return stem


def report_beside(path: Path, catalogue: Catalogue, kind: str | None = None) -> Path | None:
    """The report an annex at `path` belongs to, in its folder; None when it is no annex or has
    none. `kind` is the annex's format, when known (a workbook may share its report's name)."""
    stems = set()
    own = report_stem(path.stem, catalogue)
    if own:
        stems.add(own)
    if (kind or _kind(path)) in SPREADSHEETS:
        stems.add(_key(without_copy_mark(path.stem, catalogue)))
    if not stems:
        return None
    try:
        entries = [p for p in path.parent.iterdir() if p != path and p.suffix.lower() in REPORT_SUFFIXES]
    except OSError:
        return None
    found = [p for p in entries if _key(p.stem) in stems and p.is_file()]
    found.sort(key=lambda p: (REPORT_SUFFIXES.index(p.suffix.lower()), p.name))
    return found[0] if found else None


def _kind(path: Path) -> str | None:
    try:
        return sniff(path)
    except OSError:
        return None


def is_annex(path: Path, kind: str, catalogue: Catalogue) -> bool:
    """A workbook, or a file whose name ends as an annex's."""
    return kind in SPREADSHEETS or report_stem(path.stem, catalogue) is not None


def report_reader(path: Path, kind: str, catalogue: Catalogue) -> ReportOf | None:
    """For an annex, how to get its report's file name and metadata (called only when the annex
    lacks some); None for a file that is no annex."""
    if not is_annex(path, kind, catalogue):
        return None

    def read() -> tuple[str, str, Metadata] | None:
        report = report_beside(path, catalogue, kind)
        if report is None:
            return None
        try:
            document = read_document(report)
            digest = file_digest(report)
        except (ReadError, OSError):
            return None
        normalize_document(document)
        return report.name, digest, detect(document, catalogue)

    return read


def lacks(meta: Metadata) -> bool:
    """What an annex without a letterhead lacks: its unit, its year or its report type."""
    return meta.unit_name is None or meta.year is None or meta.report_type == "unknown"


def complete(meta: Metadata, report_of: ReportOf) -> tuple[dict | None, dict | None]:
    """Fill what `meta` lacks from the annex's report, and say from which file and what; with no
    report, leave a review warning. Returns the provenance (`metadata_from`, or None) and, when the
    report was looked for, which one was found (`report_beside`: its file name and sha256, both None
    when there was none): an import reads the annex again when the report beside it is another."""
    if not lacks(meta):
        return None, None
    found = report_of()
    if found is None:
        meta.warnings.append(flag(
            "metadata: an annex without its own letterhead and no report of the same name beside it; "
            "its unit, year and report type are left for review", "unknown_unit"))
        return None, {"file": None, "sha256": None}
    name, digest, report = found
    fields: list[str] = []
    if meta.unit_name is None and report.unit_name is not None:
        fields += _take(meta, report, UNIT_FIELDS)
    if meta.year is None and report.year is not None:
        fields += _take(meta, report, YEAR_FIELDS)
    if meta.report_type == "unknown" and report.report_type != "unknown":
        fields += _take(meta, report, ("report_type",))
    if lacks(meta):
        missing = [f for f, gone in (("unit", meta.unit_name is None), ("year", meta.year is None),
                                     ("report type", meta.report_type == "unknown")) if gone]
        meta.warnings.append(flag("metadata: an annex without its own letterhead, and its report "
                                  f"{name} does "
                                  f"not give its {', '.join(missing)} either; left for review",
                                  "unknown_unit"))
    return ({"file": name, "fields": fields} if fields else None), {"file": name, "sha256": digest}


def report_digest(path: Path, catalogue: Catalogue) -> str | None:
    """The sha256 of the report beside the annex at `path` now (None: there is none), to compare
    with the `report_beside` it was read with."""
    report = report_beside(path, catalogue)
    try:
        return file_digest(report) if report is not None else None
    except OSError:
        return None


def _take(meta: Metadata, report: Metadata, names: tuple[str, ...]) -> list[str]:
    for name in names:
        setattr(meta, name, getattr(report, name))
    return list(names)

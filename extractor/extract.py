"""The pipeline: file → document model → metadata, indicators, activities → contract object.

`extract_parts` is the library entry point the CLI and the store both use; it returns the JSON
contract of ../spec (source, document, indicators, activities, unmatched, warnings) of each
document a file holds (one; one per report of a bound volume, see `volume`) plus the extra keys
a reviewer needs (reader notes, extractor and pattern versions, `checks`: the report's failed
consistency checks with the repair each suggests, and `review`: the unmatched labels and warnings,
failed checks among them, as review items with their context and suggestion).
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractor import __version__, annex, volume
from extractor.activities import extract_activities
from extractor.cache import file_digest
from extractor.checks.document import check_indicators, flags
from extractor.i18n import N_
from extractor.indicators import extract_indicators
from extractor.metadata import detect
from extractor.model import Document
from extractor.normalize import normalize_document
from extractor.patterns import Catalogue, catalogue_digest, default_catalogue
from extractor.readers import SUPPORTED, read_document
from extractor.review import review_items


def sha256_of(path: Path) -> str:
    """The file's content identity (the same digest the OCR cache is keyed by)."""
    return file_digest(path)


def extract_document(document: Document, catalogue: Catalogue,
                     report_of: annex.ReportOf | None = None) -> dict:
    """Extract everything from an already read document (no file access but `report_of`'s).

    The document is normalised here, in place: whatever reader made it, and whatever a test or
    the robustness harness did to it since, extraction only ever sees canonical text. For an
    annex, `report_of` gives the report beside it, whose unit, year and report type fill what the
    annex does not say (before the indicators are read: the report type picks their catalogue).
    """
    normalize_document(document)
    meta = detect(document, catalogue)
    inherited, beside = annex.complete(meta, report_of) if report_of is not None else (None, None)
    if inherited:
        document.notes.append(f"metadata ({', '.join(inherited['fields'])}) taken from the report beside "
                              f"it: {inherited['file']}")
    findings = extract_indicators(document, catalogue, meta.report_type)
    activities, activity_warnings = ([], [])
    if meta.report_type in ("soket_tthtcd", "tuanle", "unknown") or not findings.observations:
        activities, activity_warnings = extract_activities(document, catalogue)
    if meta.report_type == "unknown":
        findings.observations, activities = [], []
    indicators = [o.as_dict() for o in findings.observations]
    failed = check_indicators(indicators, catalogue, meta.report_type)
    result = {
        "document": meta.as_dict(),
        "indicators": indicators,
        "activities": activities,
        "unmatched": findings.unmatched,
        "warnings": meta.warnings + findings.warnings + activity_warnings + flags(failed),
        "checks": failed,
        "reader": {"pages": document.pages, "notes": document.notes, "method": document.method},
    }
    if report_of is not None:
        result["metadata_from"] = inherited
    if beside is not None:
        result["report_beside"] = beside
    result["review"] = review_items(document, result, catalogue)
    return result


def extract_file(path: str | Path, catalogue: Catalogue | None = None, with_text: bool = False) -> dict:
    """Read and extract one file as one document; raises readers.ReadError with a one-line reason
    on bad input. A bound volume is read whole here: `extract_parts` gives its reports.

    `with_text` adds the document's full text under "text" (the store keeps it for search).
    """
    path = Path(path)
    catalogue = catalogue or default_catalogue()
    return _contract(path, read_document(path), catalogue, with_text, sha256_of(path))


def extract_parts(path: str | Path, catalogue: Catalogue | None = None,
                  with_text: bool = False) -> list[dict]:
    """One contract object per document the file holds: one for a report (as `extract_file`), one
    per report of a bound volume, each saying in `source` its pages (first, last), which part it is
    and of how many (`volume.split`)."""
    path = Path(path)
    catalogue = catalogue or default_catalogue()
    document = read_document(path)
    parts = volume.split(document)
    sha = sha256_of(path)
    if len(parts) == 1:
        return [_contract(path, document, catalogue, with_text, sha)]
    out = []
    for k, part in enumerate(parts, 1):
        result = _contract(path, part.document, catalogue, with_text, sha)
        result["source"].update(pages=[part.first, part.last], part=k, parts=len(parts))
        out.append(result)
    return out


def _contract(path: Path, document: Document, catalogue: Catalogue, with_text: bool, sha: str) -> dict:
    """The contract object of one read document of the file at `path` (whose sha256 is `sha`)."""
    result = extract_document(document, catalogue, annex.report_reader(path, document.format, catalogue))
    source = {"path": str(path), "sha256": sha, "format": format_of(document), "size": path.stat().st_size}
    versions = {"extractor": __version__, "patterns": catalogue_digest()}
    out = {"source": source, **result, "versions": versions}
    if with_text:
        out["text"] = document.full_text()
    return out


def format_of(document: Document) -> str:
    return "scan" if document.method == "ocr" else document.format


@dataclass
class Walk:
    """What a walk over files and folders found: the files to read, and every other entry met with
    the reason it is not read."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def walk(paths: Iterable[str | Path]) -> Walk:
    """The files to read under the given files and folders (folders recursively, each sorted).

    The one walk of the project: `extract` and `import` both read what it finds and report what
    it skips. Hidden files, Office lock files (~$) and gold answers are no reports and are passed
    over quietly, and plain folders are entered; any other entry that is not read is skipped with
    its reason, so nothing a person put in the archive disappears without a word.
    """
    found = Walk()
    for raw in paths:
        path = Path(raw)
        for entry in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if _passed_over(entry):
                continue
            reason = _skip_reason(entry)
            if reason is None:
                found.files.append(entry)
            else:
                found.skipped.append((entry, reason))
    return found


def _passed_over(entry: Path) -> bool:
    """Hidden files, Office lock files and gold answers (no reports), and real folders (not links)
    whose names are not a report's (the walk goes through them)."""
    if entry.name.startswith((".", "~$")) or entry.name.endswith(".gold.json"):
        return True
    return entry.is_dir() and not entry.is_symlink() and entry.suffix.lower() not in SUPPORTED


def _skip_reason(entry: Path) -> str | None:
    """Why an entry is not read, or None for a file to read.

    Links to folders are not followed (a link back up the tree would walk forever, and a link to
    another part of the archive would import it twice); links to files are read as the file.
    """
    try:
        mode = entry.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return N_("symbolic link loop")
        if entry.is_symlink():
            return N_("broken link: its target does not exist")
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return N_("link to a folder, not followed") if entry.is_symlink() else N_("folder named like a file")
    if not stat.S_ISREG(mode):
        return N_("not a regular file")
    if entry.suffix.lower() not in SUPPORTED:
        return N_("unsupported file type")
    return None

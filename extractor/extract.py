"""The pipeline: file → document model → metadata, indicators, activities → contract object.

`extract_file` is the library entry point the CLI and the store both use; it returns the JSON
contract of ../spec (source, document, indicators, activities, unmatched, warnings) plus the
extra keys a reviewer needs (reader notes, extractor and pattern versions, and `review`: the
unmatched labels and warnings as review items with their context and suggestion).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractor import __version__
from extractor.activities import extract_activities
from extractor.indicators import extract_indicators
from extractor.metadata import detect
from extractor.model import Document
from extractor.normalize import normalize_document
from extractor.patterns import Catalogue, catalogue_digest, default_catalogue
from extractor.readers import SUPPORTED, read_document
from extractor.review import review_items


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_document(document: Document, catalogue: Catalogue) -> dict:
    """Extract everything from an already read document (no file access).

    The document is normalised here, in place: whatever reader made it, and whatever a test or
    the robustness harness did to it since, extraction only ever sees canonical text.
    """
    normalize_document(document)
    meta = detect(document, catalogue)
    findings = extract_indicators(document, catalogue, meta.report_type)
    activities, activity_warnings = ([], [])
    if meta.report_type in ("soket_tthtcd", "tuanle", "unknown") or not findings.observations:
        activities, activity_warnings = extract_activities(document, catalogue)
    if meta.report_type == "unknown":
        findings.observations, activities = [], []
    result = {
        "document": meta.as_dict(),
        "indicators": [o.as_dict() for o in findings.observations],
        "activities": activities,
        "unmatched": findings.unmatched,
        "warnings": meta.warnings + findings.warnings + activity_warnings,
        "reader": {"pages": document.pages, "notes": document.notes, "method": document.method},
    }
    result["review"] = review_items(document, result, catalogue)
    return result


def extract_file(path: str | Path, catalogue: Catalogue | None = None, with_text: bool = False) -> dict:
    """Read and extract one file; raises readers.ReadError with a one-line reason on bad input.

    `with_text` adds the document's full text under "text" (the store keeps it for search).
    """
    path = Path(path)
    catalogue = catalogue or default_catalogue()
    document = read_document(path)
    result = extract_document(document, catalogue)
    source = {"path": str(path), "sha256": sha256_of(path), "format": _format_of(document),
              "size": path.stat().st_size}
    versions = {"extractor": __version__, "patterns": catalogue_digest()}
    out = {"source": source, **result, "versions": versions}
    if with_text:
        out["text"] = document.full_text()
    return out


def _format_of(document: Document) -> str:
    return "scan" if document.method == "ocr" else document.format


def iter_files(paths: list[str | Path]) -> list[Path]:
    """Files under the given paths (folders recursively), supported ones only, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                          and not p.name.startswith((".", "~$")) and not p.name.endswith(".gold.json"))
        else:
            out.append(path)
    return out

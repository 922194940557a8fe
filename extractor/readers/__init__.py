"""Readers: one module per input format, one signature, one document model.

Every reader is `read(path: Path) -> Document`. `read_document` picks the reader by the file's
content first (a `.docx` renamed `.doc` is still read as Word) and by its extension second, and
turns every failure into `ReadError` with a one-line reason the archivist can act on.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractor.model import Document
from extractor.readers.errors import ReadError

SUPPORTED = {".docx", ".pdf", ".txt", ".doc", ".md", ".text", ".xlsx", ".xls", ".ods"}
SPREADSHEETS = ("xlsx", "xls", "ods")  # the kinds excel_reader reads
MAX_BYTES = 200 * 1024 * 1024  # any file larger than this is refused before it is opened
# A text export larger than this is no report (a real one is under 1 MiB); reading one takes about
# 8 MiB of memory per MiB of text, so this keeps the import under 500 MiB (benchmarks/bench_memory.py).
MAX_TEXT_BYTES = 32 * 1024 * 1024
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def sniff(path: Path) -> str:
    """The format a file really has: docx, xlsx, ods (zip), pdf, doc, xls (OLE), txt; else its
    extension. "encrypted" for an OLE container holding a password-protected Office file."""
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower().lstrip(".")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _ole_kind(path, suffix)
    return "txt" if suffix in ("txt", "md", "text") else suffix


def _zip_kind(path: Path, suffix: str) -> str:
    """An Office zip package by what it holds: a workbook part (xlsx), an OpenDocument
    spreadsheet's mimetype (ods), else Word. A broken zip keeps what its extension says."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError):
        return suffix if suffix in SPREADSHEETS else "docx"
    return "docx"


def _ole_kind(path: Path, suffix: str) -> str:
    """An OLE container by its streams: a workbook (xls), an encrypted package, else Word (doc)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
            if ole.exists("EncryptedPackage"):
                return "encrypted"
    except Exception:  # a damaged container: the reader of its extension says what is wrong
        return "xls" if suffix == "xls" else "doc"
    return "doc"


def read_document(path: str | Path) -> Document:
    """Read any supported file into a Document, or raise ReadError naming the reason."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("not a file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file (0 bytes)")
    if size > MAX_BYTES:
        raise ReadError(f"file too large ({size // (1024 * 1024)} MiB)")
    kind = sniff(path)
    if kind == "txt" and size > MAX_TEXT_BYTES:
        raise ReadError(f"text export too large ({size // (1024 * 1024)} MiB; the limit is "
                        f"{MAX_TEXT_BYTES // (1024 * 1024)} MiB): split it into its reports")
    if kind == "encrypted":
        raise ReadError("encrypted Office file (password protected)")
    try:
        if kind in SPREADSHEETS:
            from extractor.readers import excel_reader

            return excel_reader.read(path, kind)
        if kind == "docx":
            from extractor.readers import docx_reader

            return docx_reader.read(path)
        if kind == "pdf":
            from extractor.readers import pdf_reader

            return pdf_reader.read(path)
        if kind == "doc":
            from extractor.readers import doc_reader

            return doc_reader.read(path)
        if kind == "txt":
            from extractor.readers import txt_reader

            return txt_reader.read(path)
    except ReadError:
        raise
    except zipfile.BadZipFile as exc:
        raise ReadError(f"corrupt Word file ({exc})") from exc
    except RecursionError as exc:
        raise ReadError("document structure too deeply nested") from exc
    except MemoryError as exc:
        raise ReadError("document too large to read in memory") from exc
    except Exception as exc:  # a reader library failed on a broken file: report, do not crash
        raise ReadError(f"cannot read as {kind}: {type(exc).__name__}: {str(exc)[:160]}") from exc
    raise ReadError(f"unsupported format '{path.suffix or kind}'")

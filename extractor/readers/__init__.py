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

SUPPORTED = {".docx", ".pdf", ".txt", ".doc", ".md", ".text"}
MAX_BYTES = 200 * 1024 * 1024  # any file larger than this is refused before it is opened
# A text export larger than this is no report (a real one is under 1 MiB); reading one takes about
# 8 MiB of memory per MiB of text, so this keeps the import under 500 MiB (benchmarks/bench_memory.py).
MAX_TEXT_BYTES = 32 * 1024 * 1024


def sniff(path: Path) -> str:
    """The format a file really has: docx, pdf, doc (OLE), txt; else its extension."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    suffix = path.suffix.lower().lstrip(".")
    return "txt" if suffix in ("txt", "md", "text") else suffix


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
    try:
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

"""Word 97-2003 (.doc) reader: LibreOffice converts it to .docx, the docx reader reads that.

Conversion runs headless with a private user profile per call (parallel workers would otherwise
fight over one profile and fail) and a timeout; locations still name the original file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from extractor.model import Document
from extractor.readers import ReadError

TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path) -> Document:
    binary = soffice()
    if not binary:
        raise ReadError("cannot read .doc: LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    from extractor.readers import docx_reader

    with tempfile.TemporaryDirectory(prefix="xhht-doc-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        command = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", tmp, str(path.resolve())]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReadError(f"LibreOffice took longer than {TIMEOUT_SECONDS}s to convert the .doc") from exc
        converted = Path(tmp, path.stem + ".docx")
        if not converted.exists():
            raise ReadError("LibreOffice could not convert this .doc (corrupt or not a Word file)")
        document = docx_reader.read(converted)
    document.path, document.format = str(path), "doc"
    document.notes.insert(0, "converted from .doc with LibreOffice")
    return document

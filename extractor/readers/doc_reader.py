"""Word 97-2003 (.doc) reader: LibreOffice converts it to .docx, the docx reader reads that.

Conversion runs headless with a private user profile per call (parallel workers would otherwise
fight over one profile and fail) and a timeout; locations still name the original file.

LibreOffice now and then loses a table's structure and writes its cells as one run-together
paragraph ("TTNội dung chỉ tiêuMục tiêu…"). The .doc's own text stream still has every cell
mark, so such a paragraph is rebuilt as the table it was from that stream (`_restore_tables`).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.readers.errors import ReadError
from extractor.wording import count

RUN_TOGETHER_MIN_CHARS = 60  # shorter paragraphs are not checked for a lost table

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
    _restore_tables(document, path)
    return document


# ---- tables LibreOffice lost, rebuilt from the Word text stream --------------------------------
def _restore_tables(document: Document, path: Path) -> None:
    suspects = [k for k, b in enumerate(document.blocks)
                if isinstance(b, Paragraph) and len(b.text) >= RUN_TOGETHER_MIN_CHARS]
    if not suspects:
        return
    try:
        stream = word_text(path)
    except (OSError, ValueError, struct.error):
        return  # not a Word 97 file we can parse: the converted text stands
    if "\x07" not in stream:
        return
    restored = 0
    for k in suspects:
        table = _table_in_stream(document.blocks[k].text, stream, document.blocks[k].location)
        if table:
            document.blocks[k] = table
            restored += 1
    if restored:
        _renumber(document.blocks)
        document.notes.append(f"{count(restored, 'table')} LibreOffice ran together rebuilt from the .doc "
                              "text stream")


def word_text(path: Path) -> str:
    """The main text of a Word 97-2003 file, read through its piece table ([MS-DOC] 2.8.35).

    Paragraphs end in "\\r"; a table cell ends in "\\x07" and a table row in one more "\\x07".
    """
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        word = ole.openstream("WordDocument").read()
        flags = struct.unpack_from("<H", word, 0x0A)[0]
        table = ole.openstream("1Table" if flags & 0x0200 else "0Table").read()
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    clx = table[fc_clx:fc_clx + lcb_clx]
    i = 0
    while i < len(clx) and clx[i] == 1:  # Prc entries (formatting) come before the piece table
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i >= len(clx) or clx[i] != 2:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5:i + 5 + size]
    pieces = (size - 4) // 12
    cps = struct.unpack_from(f"<{pieces + 1}I", plc, 0)
    parts = []
    for k in range(pieces):
        fc = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * k + 2)[0]
        length = cps[k + 1] - cps[k]
        if fc & 0x40000000:  # 8-bit text (cp1252) at half the offset
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(word[start:start + length].decode("cp1252", errors="replace"))
        else:
            parts.append(word[fc:fc + 2 * length].decode("utf-16-le", errors="replace"))
    return "".join(parts)


def _table_in_stream(text: str, stream: str, location: str) -> Table | None:
    """The table whose cells, run together, are `text`; None when the stream has no such table."""
    kept = [(ch, k) for k, ch in enumerate(stream) if not ch.isspace() and ch != "\x07"]
    flat = "".join(ch for ch, _ in kept)
    key = re.sub(r"\s+", "", text)
    start = flat.find(key)
    if start < 0 or not key:
        return None
    begin, end = kept[start][1], kept[start + len(key) - 1][1] + 1
    while end < len(stream) and stream[end] == "\x07":
        end += 1
    segment = stream[begin:end]
    if segment.count("\x07") < 4:
        return None
    rows = _rows(segment.split("\x07")[:-1])
    if not rows:
        return None
    name = location.split(",")[0] if location.startswith("table") else "table ?"
    table_rows = []
    for r, cells in enumerate(rows, 1):
        where = f"{name}, row {r}"
        table_rows.append(Row([Cell([Line(t, f"{where}, cell {c}, line {n}") for n, t in
                                     enumerate(cell.split("\r"), 1)], f"{where}, cell {c}", c - 1)
                               for c, cell in enumerate(cells, 1)], where))
    return Table(table_rows, name)


def _rows(tokens: list[str]) -> list[list[str]] | None:
    """Cells → rows. Each row is n cells and an empty token (the row mark); n is the smallest
    width for which every row mark falls on an empty token."""
    for width in range(2, 16):
        step = width + 1
        if len(tokens) % step == 0 and all(tokens[k] == "" for k in range(width, len(tokens), step)):
            return [tokens[k:k + width] for k in range(0, len(tokens), step)]
    return None


def _renumber(blocks: list) -> None:
    """Tables numbered in reading order again, in every location they carry."""
    number = 0
    for block in blocks:
        if not isinstance(block, Table):
            continue
        number += 1
        old, new = block.location, f"table {number}"
        if old == new:
            continue
        block.location = new
        for row in block.rows:
            row.location = row.location.replace(old, new, 1)
            for cell in row.cells:
                cell.location = cell.location.replace(old, new, 1)
                for line in cell.lines:
                    line.location = line.location.replace(old, new, 1)

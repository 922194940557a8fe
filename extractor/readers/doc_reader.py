"""Word 97-2003 (.doc) reader: LibreOffice converts it to .docx, the docx reader reads that.

Conversion runs headless with a private user profile per call (parallel workers would otherwise
fight over one profile and fail) and a timeout; locations still name the original file.

LibreOffice now and then loses a table's structure and writes its cells as one run-together
paragraph ("TTNội dung chỉ tiêuMục tiêu…"). The .doc's own text stream still has every cell
mark, so such a paragraph is rebuilt as the table it was from that stream (`_restore_tables`).

A damaged file is refused with its reason rather than imported as noise: LibreOffice turns an OLE
header followed by random bytes (or any random bytes) into kilobytes of CJK characters. What can
be decided from the file itself is checked before LibreOffice runs (`word_stream_problem`: the
container, its Word stream, the FIB's magic number, the text of the piece table); the converted
text is checked too, for what only the conversion shows.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.readers.errors import ReadError
from extractor.wording import count

RUN_TOGETHER_MIN_CHARS = 60  # shorter paragraphs are not checked for a lost table

TIMEOUT_SECONDS = 120
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_FIB_MAGIC = {0xA5EC: "Word 97-2003", 0xA5DC: "Word 6.0/95"}  # wIdent, the FIB's first field
MAX_NOISE_SHARE = 0.5  # more of a text's letters than this outside the Latin script: not a report


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path) -> Document:
    problem = word_stream_problem(path)
    if problem:
        raise ReadError(f"not a readable Word file: {problem}")
    binary = soffice()
    if not binary:
        raise ReadError("cannot read .doc: LibreOffice is not installed (apt-get install "
                        "libreoffice-writer-nogui)")
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
    share = noise_share(document.full_text())
    if share > MAX_NOISE_SHARE:
        raise ReadError(f"not a readable Word file: {share:.0%} of the converted text is not Latin letters "
                        "(CJK or unassigned characters: a damaged Word stream)")
    document.path, document.format = str(path), "doc"
    document.notes.insert(0, "converted from .doc with LibreOffice")
    _restore_tables(document, path)
    return document


# ---- a Word stream that can be read, or the reason it cannot -------------------------------------
def word_stream_problem(path: Path) -> str | None:
    """Why this OLE file holds no readable Word stream, or None (also for files that are not OLE:
    RTF or HTML saved as .doc are LibreOffice's to read)."""
    import olefile

    with path.open("rb") as fh:
        if fh.read(len(OLE_MAGIC)) != OLE_MAGIC:
            return None
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("WordDocument"):
                return "the OLE container has no WordDocument stream (not a Word document)"
            head = ole.openstream("WordDocument").read(2)
    except Exception as exc:  # olefile raises OSError, ValueError, IndexError… on a damaged container
        return f"damaged OLE container ({type(exc).__name__})"
    magic = struct.unpack("<H", head)[0] if len(head) == 2 else None
    if magic not in WORD_FIB_MAGIC:
        return f"the Word stream has no valid header (FIB magic {magic:#06x})" if magic is not None else \
            "the Word stream is empty"
    if WORD_FIB_MAGIC[magic] != "Word 97-2003":
        return None  # older FIBs are laid out otherwise: the converted text is checked instead
    try:
        text = word_text(path)
    except (OSError, ValueError, IndexError, struct.error):
        return "the Word stream's piece table cannot be read"
    share = noise_share(text)
    if share > MAX_NOISE_SHARE:
        return f"{share:.0%} of the Word stream's text is not Latin letters (CJK or unassigned characters)"
    return None


def noise_share(text: str) -> float:
    """The share of a text's letters (and unassigned or private-use code points) that are not Latin.

    Vietnamese, and TCVN3/VNI text before conversion, is Latin letters; random bytes read as
    UTF-16 are CJK, Hangul and private-use code points.
    """
    letters = noise = 0
    for ch in text:
        alpha = ch.isalpha()
        if alpha or unicodedata.category(ch) in ("Co", "Cn"):
            letters += 1
            noise += not (alpha and unicodedata.name(ch, "").startswith("LATIN"))
    return noise / letters if letters else 0.0


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
        table = table_in_stream(document.blocks[k].text, stream, document.blocks[k].location)
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


def table_in_stream(text: str, stream: str, location: str) -> Table | None:
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

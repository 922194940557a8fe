"""Word (.docx) reader: paragraphs and tables in body order, straight from the XML.

python-docx's `row.cells` repeats a merged cell once per grid column it spans, which would read
a value twice; so rows are walked as their `w:tc` elements: a horizontally merged cell is read
once (at its first grid column), a vertically merged continuation is an empty cell. Runs typed
in legacy fonts (.VnTime, VNI-Times) are converted run by run, so mixed documents come out whole.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from extractor import legacy
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.readers.errors import ReadError
from extractor.wording import count

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a zip bomb expands far beyond this
# The body's XML is parsed whole, at about 19 MiB of memory per MiB: this keeps a read under
# 500 MiB (benchmarks/bench_memory.py). A report's is well under 2 MiB; images are not in it.
MAX_BODY_XML = 16 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def qn(tag: str) -> str:
    """The Clark name of a WordprocessingML tag ("w:p"), as python-docx's `qn` spells it: importing
    python-docx for it was a tenth of a spot-check's start-up, and the reader needs nothing else."""
    return _W + tag.removeprefix("w:")


# Clark names of the WordprocessingML tags the walk tests, spelled out once (qn() per node is slow)
_P, _TBL, _TR, _TC, _R, _T, _TAB = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:r", "w:t", "w:tab"))
_BREAKS = {qn("w:br"), qn("w:cr")}
_SOFT_HYPHEN, _SDT, _SDT_CONTENT = qn("w:softHyphen"), qn("w:sdt"), qn("w:sdtContent")
_VAL, _ASCII, _HANSI = qn("w:val"), qn("w:ascii"), qn("w:hAnsi")
_STYLE_PATH = (qn("w:pPr"), qn("w:pStyle"))
_SPAN_PATH = (qn("w:tcPr"), qn("w:gridSpan"))
_VMERGE_PATH = (qn("w:tcPr"), qn("w:vMerge"))
_FONTS_PATH = (qn("w:rPr"), qn("w:rFonts"))
_STYLE, _STYLE_ID, _BASED_ON = qn("w:style"), qn("w:styleId"), qn("w:basedOn")
_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_STYLE_BY_ID = etree.XPath("w:style[@w:styleId=$id][1]", namespaces=_NS)
_DEFAULT_STYLE = etree.XPath('w:style[@w:type="paragraph" and @w:default="1"][1]', namespaces=_NS)
# The package's parts are parsed as python-docx parses them (same text, same blanks), but into
# plain lxml elements: python-docx's own classes for every element, and its reading of every part
# of the package (images included), cost a quarter of a Word report's extraction.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def read(path: Path) -> Document:
    _check_zip(path)
    with zipfile.ZipFile(path) as archive:
        body, styles = _open_parts(archive, path)
    reader = _Reader(styles)
    reader.walk(body)
    document = Document(path=str(path), format="docx", blocks=reader.blocks)
    if reader.legacy_runs:
        document.notes.append(f"converted {count(reader.legacy_runs, 'run')} from legacy fonts")
        document.method = "converted"
    else:
        _convert_by_statistics(document)
    _drop_soft_hyphens(document)  # what conversion did not turn into "ư" was a hyphenation hint
    return document


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "word/document.xml" not in names:
                raise ReadError("not a Word document (zip without word/document.xml)")
            if archive.getinfo("word/document.xml").flag_bits & 0x1:
                raise ReadError("encrypted Word document")
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_UNCOMPRESSED:
                raise ReadError(f"refused: expands to {total // (1024 * 1024)} MiB (zip bomb?)")
            body = archive.getinfo("word/document.xml").file_size
            if body > MAX_BODY_XML:
                raise ReadError(f"refused: the document's text is {body // (1024 * 1024)} MiB of XML, "
                                "over the "
                                f"{MAX_BODY_XML // (1024 * 1024)} MiB limit (many reports in one file?): "
                                "split it")
            with archive.open("word/document.xml") as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ReadError("refused: Word XML declares a DTD or entities (entity expansion attack?)")
    except zipfile.BadZipFile as exc:
        raise ReadError(f"corrupt Word file: {exc}") from exc


def _open_parts(archive: zipfile.ZipFile, path: Path):
    """(w:body, w:styles) of the package, found by its relationships as Word finds them. A main
    part that is not a Word document (a template, a macro file) is refused as python-docx
    refuses it; a document without styles takes python-docx's default ones."""
    main = _related(archive, "", _OFFICE_DOCUMENT)
    kind = _content_type(archive, main)
    if kind != _WORD_MAIN:
        raise ValueError(f"file '{path}' is not a Word file, content type is '{kind}'")
    document = etree.fromstring(archive.read(main), _PARSER)
    styles_part = _related(archive, main, _STYLES)
    if styles_part is None:
        import docx

        default = Path(docx.__file__).parent / "templates" / "default-styles.xml"
        styles = etree.fromstring(default.read_bytes(), _PARSER)
    else:
        styles = etree.fromstring(archive.read(styles_part), _PARSER)
    return document.find(qn("w:body")), styles


def _related(archive: zipfile.ZipFile, source: str, rel_type: str) -> str | None:
    """The name in the zip of the part `source` ("" for the package) relates to by `rel_type`."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.NameToInfo:
        return None
    for rel in etree.fromstring(archive.read(rels), _PARSER).iter(_RELS):
        if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            joined = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            return posixpath.normpath(joined)
    return None


def _content_type(archive: zipfile.ZipFile, part: str | None) -> str | None:
    """The content type [Content_Types].xml gives the part: its override, else its extension's."""
    if part is None:
        return None
    types = etree.fromstring(archive.read("[Content_Types].xml"), _PARSER)
    for override in types.iter(f"{_TYPES}Override"):
        if override.get("PartName", "").lower() == f"/{part}".lower():
            return override.get("ContentType")
    extension = posixpath.splitext(part)[1][1:].lower()
    for default in types.iter(f"{_TYPES}Default"):
        if default.get("Extension", "").lower() == extension:
            return default.get("ContentType")
    return None


class _Reader:
    def __init__(self, styles):
        self.blocks: list = []
        self.paragraphs = 0
        self.tables = 0
        self.legacy_runs = 0
        self.style_fonts = _StyleFonts(styles)

    def walk(self, container) -> None:
        for child in container.iterchildren():
            if child.tag == _P:
                self.paragraphs += 1
                for i, text in enumerate(self.paragraph_lines(child)):
                    if text.strip():
                        suffix = f".{i + 1}" if i else ""
                        self.blocks.append(Paragraph(text, f"paragraph {self.paragraphs}{suffix}",
                                                     style=self._style(child)))
            elif child.tag == _TBL:
                self.tables += 1
                self.table(child, f"table {self.tables}")
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.walk(content)

    def table(self, tbl, location: str) -> None:
        rows: list[Row] = []
        nested: list = []
        for r, tr in enumerate(tbl.findall(_TR), 1):
            cells, col = [], 0
            for c, tc in enumerate(_cells_of(tr), 1):
                span = _int_attr(tc, _SPAN_PATH) or 1
                where = f"{location}, row {r}, cell {c}"
                lines: list[Line] = []
                if not _is_merge_continuation(tc):
                    for child in tc.iterchildren():
                        if child.tag == _P:
                            lines += [Line(t, f"{where}, line {len(lines) + 1}")
                                      for t in self.paragraph_lines(child)]
                        elif child.tag == _TBL:
                            nested.append(child)
                cells.append(Cell(lines, where, col))
                col += span
            rows.append(Row(cells, f"{location}, row {r}"))
        self.blocks.append(Table(rows, location))
        for i, inner in enumerate(nested, 1):
            self.table(inner, f"{location}.{i}")

    def paragraph_lines(self, p) -> list[str]:
        """A paragraph's text, split at manual line breaks, legacy runs converted."""
        style_font = self.style_fonts.get(self._style(p))
        parts: list[str] = []
        for run in p.iter(_R):
            font = _run_font(run) or style_font
            encoding = legacy.font_encoding(font)
            text = []
            for node in run.iterchildren():
                tag = node.tag
                if tag == _T:
                    text.append(node.text or "")
                elif tag == _TAB:
                    text.append("\t")
                elif tag in _BREAKS:
                    text.append("\n")
                elif tag == _SOFT_HYPHEN:
                    # LibreOffice writes TCVN3's "ư" (0xAD, the soft-hyphen byte) as this element
                    text.append("\xad")
            chunk = "".join(text)
            if encoding and chunk.strip():
                self.legacy_runs += 1
                chunk = legacy.convert(chunk, encoding, caps=legacy.is_caps_font(font))
            parts.append(chunk)
        return "".join(parts).split("\n")

    @staticmethod
    def _style(p) -> str:
        node = _properties(p, _STYLE_PATH)
        return node.get(_VAL, "") if node is not None else ""


def _cells_of(tr):
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from content.findall(_TC)


def _properties(el, path: tuple[str, ...]):
    """The element down `path` from a paragraph, run or cell, or None. The first step is its
    properties element (w:pPr, w:rPr, w:tcPr), which the schema puts first among the children,
    so only the first child is looked at: lxml's find goes through ElementPath in Python, and
    looking through a paragraph's every run would make a proxy object for each."""
    first, *rest = path
    el = el[0] if len(el) else None
    if el is None or el.tag != first:
        return None
    for tag in rest:
        el = _child(el, tag)
        if el is None:
            return None
    return el


def _child(el, tag: str):
    """The first child with this tag, or None (a plain loop, cheaper than find)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _int_attr(el, path: tuple[str, ...]) -> int | None:
    """The integer w:val of the element down `path`, or None."""
    node = _properties(el, path)
    if node is None:
        return None
    try:
        return int(node.get(_VAL))
    except (TypeError, ValueError):
        return None


def _is_merge_continuation(tc) -> bool:
    node = _properties(tc, _VMERGE_PATH)
    return node is not None and node.get(_VAL, "continue") == "continue"


def _run_font(run) -> str | None:
    fonts = _properties(run, _FONTS_PATH)
    if fonts is None:
        return None
    return fonts.get(_ASCII) or fonts.get(_HANSI)


class _StyleFonts:
    """Paragraph style id → font name, following `based on` (runs without a font inherit it); a
    paragraph without a style takes the default paragraph style, as Word does.

    Resolved on first use from the styles XML: a document uses a handful of its ~160 styles, and
    building python-docx style objects for all of them costs more than walking the body."""

    def __init__(self, styles):
        self.styles = styles
        self.fonts: dict[str, str | None] = {}

    def get(self, style_id: str) -> str | None:
        if style_id not in self.fonts:
            self.fonts[style_id] = self._resolve(style_id)
        return self.fonts[style_id]

    def _resolve(self, style_id: str) -> str | None:
        style = self._find(style_id) if style_id else self._default()
        seen: set[str] = set()
        while style is not None and style.get(_STYLE_ID) not in seen:
            seen.add(style.get(_STYLE_ID))
            properties = _child(style, _FONTS_PATH[0])
            fonts = _child(properties, _FONTS_PATH[1]) if properties is not None else None
            if fonts is not None and fonts.get(_ASCII):
                return fonts.get(_ASCII)
            based_on = _child(style, _BASED_ON)
            style = self._find(based_on.get(_VAL)) if based_on is not None else None
        return None

    def _find(self, style_id: str | None):
        """The first style with this id (Word uses the first of two), or None."""
        found = _STYLE_BY_ID(self.styles, id=style_id or "")
        return found[0] if found else None

    def _default(self):
        found = _DEFAULT_STYLE(self.styles)
        return found[0] if found else None


def _convert_by_statistics(document: Document) -> None:
    """Legacy text whose font is not named on the runs: detect it from character statistics."""
    encoding = legacy.detect_encoding(document.full_text())
    if not encoding:
        return
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = legacy.convert(block.text, encoding)
        else:
            for row in block.rows:
                for cell in row.cells:
                    for line in cell.lines:
                        line.text = legacy.convert(line.text, encoding)
    document.notes.append(f"converted from {encoding} (detected from characters)")
    document.method = "converted"


def _drop_soft_hyphens(document: Document) -> None:
    """In Unicode text a soft hyphen is only a hyphenation hint: remove it."""
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = block.text.replace("\xad", "")
        else:
            for row in block.rows:
                for cell in row.cells:
                    for line in cell.lines:
                        line.text = line.text.replace("\xad", "")

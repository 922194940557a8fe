"""Bound volumes: a PDF holding several reports one after another, split into its parts.

An archive's year is often scanned or exported into one PDF, report after report. Each report
opens on a new page with its letterhead (the national motto or the agency line, a number or a
place and date) and its title, which is what `metadata.opens_document` recognises: the volume is
cut before each page that opens a document, and each part is read as a document of its own. Its
blocks keep their locations ("page 37, table 1"), so provenance points into the volume as it is.
A file with one opening (or none: a report whose first page lost its letterhead) is one part,
the whole document, unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.metadata import opens_document
from extractor.model import Block, Document, Table
from extractor.normalize import normalize_document

_PAGE = re.compile(r"^page (\d+)\b")


@dataclass(frozen=True, slots=True)
class Part:
    """A part of a file: its pages (first and last, counted from 1 in the file) and its blocks."""

    first: int
    last: int
    document: Document


def split(document: Document) -> list[Part]:
    """The documents a read PDF holds, in page order (one part, the document itself, unless a page
    after the first opens a new document)."""
    if document.format != "pdf" or not document.pages or document.pages < 2:
        return [Part(1, document.pages or 1, document)]
    normalize_document(document)  # openings are recognised on canonical text, as extraction reads it
    pages = _by_page(document.blocks)
    starts = [number for number in sorted(pages) if number > 1 and _opens(document, pages[number])]
    if not starts:
        return [Part(1, document.pages, document)]
    bounds = list(zip([1, *starts], [s - 1 for s in starts] + [document.pages], strict=True))
    return [Part(first, last, _part(document, pages, first, last)) for first, last in bounds]


def _page_of(block: Block) -> int | None:
    """The page a block starts on, from its location (tables also carry it)."""
    if isinstance(block, Table) and block.page:
        return block.page
    match = _PAGE.match(block.location)
    return int(match.group(1)) if match else None


def _by_page(blocks: list[Block]) -> dict[int, list[Block]]:
    """Blocks grouped by the page they start on (a block with no page stays with the one before)."""
    out: dict[int, list[Block]] = {}
    current = 1
    for block in blocks:
        current = _page_of(block) or current
        out.setdefault(current, []).append(block)
    return out


def _opens(document: Document, blocks: list[Block]) -> bool:
    return opens_document(Document(path=document.path, format=document.format, blocks=blocks, pages=1,
                                   method=document.method))


def _part(document: Document, pages: dict[int, list[Block]], first: int, last: int) -> Document:
    blocks = [block for number in range(first, last + 1) for block in pages.get(number, [])]
    ocr = tuple(n for n in document.ocr_pages if first <= n <= last)
    notes = [*_own_notes(document, ocr), f"pages {first}-{last} of a bound volume of {document.pages} pages"]
    return Document(path=document.path, format=document.format, blocks=blocks, pages=last - first + 1,
                    notes=notes, method=_method(document, ocr, last - first + 1), ocr_pages=ocr)


def _mixed(document: Document) -> bool:
    """A volume of typed and scanned pages (a scan read whole has every page OCR'd)."""
    return bool(document.ocr_pages) and len(document.ocr_pages) < (document.pages or 0)


def _own_notes(document: Document, ocr: tuple[int, ...]) -> list[str]:
    """The volume's notes as a part's: the OCR note of a typed and scanned volume names only the
    part's own OCR'd pages, and a part with none has no OCR note."""
    if not _mixed(document):
        return list(document.notes)
    from extractor.readers.pdf_reader import ocr_note  # here: reading a Word file loads no PDF library

    whole = ocr_note(document.ocr_pages)
    return [(ocr_note(ocr) if note == whole else note) for note in document.notes if note != whole or ocr]


def _method(document: Document, ocr: tuple[int, ...], pages: int) -> str:
    """A part of a typed and scanned volume is read as OCR only when most of its pages were (the
    rule of `mixed_method`); a part of a volume read one way throughout is read that way."""
    if not _mixed(document):
        return document.method
    from extractor.readers.pdf_reader import mixed_method  # here: reading a Word file loads no PDF library

    return mixed_method(len(ocr), pages)

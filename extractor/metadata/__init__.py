"""Metadata detection: report type, reporting unit, period, issued date, document number.

The letterhead names the issuer from the top down ("UBND HUYỆN YÊN SƠN / TRUNG TÂM HTCĐ XÃ
CHÂN SƠN"): the last, most specific organisation is the reporting unit, the ones above it give
its district and province. Where the letterhead was lost in an export, the body says who
reports ("Trung tâm học tập cộng đồng xã Hiền Hào báo cáo …"). Names are read with the register
of administrative units (`register.py`): it cuts a name where the unit's name ends (so the
words after it never run on into it), keeps a trailing letter or number that is part of a name
("Tân Phú A", "Phường 4"), gives the diacritics of a name typed without them, and fills the
district and province a commune's report leaves out. A name neither the register nor an
unambiguous pattern vouches for is not emitted; a warning says what was seen.

Dates and numbers are the document's own only: the issue date from the place-and-date line,
never from a cited law or letter ("Căn cứ Luật … ngày 19 tháng 6 năm 2015"), and the number
from the letterhead's "Số: …", never from "Thực hiện Công văn số 77/…".

The stages, each returning a record that `detect` assembles: `header` (the header lines and
title, read once, and the report type), `letterhead` (its units, top down), `body` (the unit as
the body names it), `names` (cutting a name with the register), `unit` (settling level, name,
district, province) and `dates` (issue date, number, period).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from extractor.metadata.body import body_unit
from extractor.metadata.dates import read_dates
from extractor.metadata.header import Header, detect_report_type, header_lines, report_type
from extractor.metadata.letterhead import has_motto, read_letterhead
from extractor.metadata.names import Org, clean_name, has_diacritics
from extractor.metadata.unit import Unit, school_unit, settle_unit
from extractor.model import Document
from extractor.patterns import Catalogue


@dataclass
class Metadata:
    report_type: str = "unknown"
    unit_name: str | None = None
    unit_level: str | None = None
    district: str | None = None
    province: str | None = None
    year: int | None = None
    period: str | None = None
    issued_date: str | None = None
    doc_number: str | None = None
    warnings: list[str] = field(default_factory=list)  # for review; not part of the contract's document

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["warnings"]
        return out


def detect(document: Document, catalogue: Catalogue) -> Metadata:
    """The document's metadata; the header is read once and every stage takes it from here."""
    header = Header.of(header_lines(document))
    text = document.full_text()
    unit = _unit(document, header, text, has_diacritics(text))
    dates = read_dates(header)
    return Metadata(report_type=report_type(header, catalogue), unit_name=unit.name, unit_level=unit.level,
                    district=unit.district, province=unit.province, year=dates.year, period=dates.period,
                    issued_date=dates.issued_date, doc_number=dates.doc_number, warnings=list(unit.warnings))


OPENING_LINES = 14  # a document's title stands within this many lines of the top of its first page


def opens_document(page: Document) -> bool:
    """Does this page (a document of one page's blocks) open a new document, as a report's first
    page does: a letterhead — the national motto, or an agency line with a number or a place and
    date — above a title, near the top of the page. A bound volume is split where it holds."""
    header = Header.of(header_lines(page, limit=OPENING_LINES + 10))
    if header.title is None or header.title > OPENING_LINES:
        return False
    if has_motto(header):
        return True
    dates = read_dates(header)
    return bool((dates.doc_number or dates.issued_date) and read_letterhead(header).orgs)


def _unit(document: Document, header: Header, text: str, accents: bool) -> Unit:
    """The unit the letterhead names; the body's, when the letterhead names none it can vouch for."""
    letterhead = read_letterhead(header, accents)
    if letterhead.school:
        return school_unit(letterhead.orgs, text, accents)
    orgs = letterhead.orgs
    if not orgs or not (orgs[-1].known or clean_name(orgs[-1])):
        found = body_unit(document, accents)
        orgs = (found,) if found else orgs
    return settle_unit(orgs, text, accents) if orgs else Unit()


__all__ = ["Metadata", "Org", "detect", "detect_report_type", "header_lines", "opens_document"]

"""The document's own issue date, number and period, from its header.

Dates and numbers are the document's own only: the issue date from the place-and-date line,
never from a cited law or letter ("Căn cứ Luật … ngày 19 tháng 6 năm 2015"), and the number
from the letterhead's "Số: …", never from "Thực hiện Công văn số 77/…". The period comes from
the title ("năm học 2023-2024", "giai đoạn 2021-2030", "năm 2023"), else the issue date's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.metadata.header import Header
from extractor.normalize import fold

_NUMBER = re.compile(r"\bso\s*:?\s*(\d+[^\s/]*)\s*/\s*([\w.&đ]+(?:\s*-\s*[\w.&đ]+)*(?:\s*-)?)")
_DATE = re.compile(r"ngay\s+(\d{0,2})\s*thang\s+(\d{1,2})\s*nam\s+(\d{4})"
                   r"|ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
# Words that make a date or a number someone else's: a citation, not the document's own.
_CITATION = re.compile(r"\b(thuc hien|can cu|cong van|quyet dinh|ke hoach|thong tu|nghi quyet|chi thi|"
                       r"kem theo|ban hanh|cua|ve viec|theo|luat|huong dan so|bao cao so)\b")
_PLACE = re.compile(r"(?:^|[\s-])(?:[A-ZĐÀ-Ỹ][\w'’.-]*\s+){0,5}[A-ZĐÀ-Ỹ0-9][\w'’.-]*\s*,\s*$")


@dataclass(frozen=True, slots=True)
class Dates:
    """The issue date (ISO), the document number, and the year and period the report covers."""

    issued_date: str | None
    doc_number: str | None
    year: int | None
    period: str | None


def read_dates(header: Header) -> Dates:
    """The issue date and number from the letterhead, the period from the title."""
    issued_date, issued_year, issued_month = _issue_date(header.lines)
    year, period = _period(header, issued_year, issued_month)
    return Dates(issued_date, _doc_number(header.top), year, period)


def _issue_date(head: list[str]) -> tuple[str | None, str | None, str | None]:
    """The place-and-date line's date ("Chân Sơn, ngày 10 tháng 10 năm 2023") as (ISO date, year,
    month); a cited one is skipped. A date without its day ("ngày   tháng 12 năm 2020") gives
    its year and month only."""
    for i, line in enumerate(head):
        joined = fold(line if i + 1 >= len(head) else f"{line} {head[i + 1]}")
        for match in _DATE.finditer(joined):
            if match.start() >= len(line):
                break
            before = joined[max(0, match.start() - 80):match.start()]
            if _CITATION.search(before) or not _place_line(line, match, joined):
                continue
            day, month, year = match.groups()[:3] if match.group(3) else match.groups()[3:]
            if day and 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
                return f"{int(year):04d}-{int(month):02d}-{int(day):02d}", year, month
            return None, year, month
    return None, None, None


def _place_line(line: str, match: re.Match, joined: str) -> bool:
    """The date stands where a document dates itself: after "<Place>," or alone on its line
    ("… từ ngày 01/10/2023" in a sentence is another date)."""
    before = re.sub(r"^\s*số\s*:?\s*\S*", "", line[: match.start()], flags=re.IGNORECASE)
    if _PLACE.search(before):
        return True
    after = joined[match.end():].strip()
    return not before.strip() and (not after[:40] or bool(re.match(r"(v/v|bao cao)\b", after)))


def _doc_number(lines: list[str]) -> str | None:
    """The letterhead's "Số: 12/BC-UBND" (spaces inside dropped; a suffix broken over lines joined)."""
    for i, line in enumerate(lines):
        folded = fold(line)
        match = _NUMBER.search(folded)
        if not match or _CITATION.search(folded[: match.start()]):
            continue
        number = re.sub(r"\s+", "", line[match.start(1):match.end(1)])
        suffix = re.sub(r"\s+", "", line[match.start(2):match.end(2)])
        if suffix.endswith("-") and i + 1 < len(lines) and re.fullmatch(r"[\w.&-]+", lines[i + 1].strip()):
            suffix += lines[i + 1].strip()
        return f"{number}/{suffix.rstrip('-')}"
    return None


# "(Từ tháng 10/2018 đến tháng 5/2019)", "từ tháng 9 năm 2022 đến tháng 01 năm 2023"
_MONTHS = re.compile(r"\btu thang\s+\d{1,2}\s*(?:[/-]|nam)\s*(\d{4})\s*(?:[-–]|den)\s*(?:thang\s+)?"
                     r"\d{1,2}\s*(?:[/-]|nam)\s*(\d{4})")


def _title_keys(header: Header) -> list[str]:
    """The title's folded lines: the title line and the two after it, and the lines after those
    while they are in capitals or in brackets (a title wrapped over four or five lines, its
    term or span on the last: "HỌC KỲ II, NĂM HỌC 2020 - 2021", "(Từ tháng 10/2018 …)")."""
    start = header.title or 0
    end = start + 3
    while end < min(len(header.lines), start + 6) and _title_like(header.lines[end]):
        end += 1
    return header.keys[start:end]


def _title_like(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and (all(ch.isupper() for ch in letters) or line.strip().startswith("("))


def _school_months(title: str) -> re.Match | None:
    """A span of months ("từ tháng 10/2018 đến tháng 5/2019"): its two years, when they are
    one year apart (a school year) or the same year."""
    span = _MONTHS.search(title)
    if span and 0 <= int(span.group(2)) - int(span.group(1)) <= 1:
        return span
    return None


def _period(header: Header, issued_year: str | None,
            issued_month: str | None) -> tuple[int | None, str | None]:
    """The (year, period) of the title: a school year and term, a year, a span; else the issue year."""
    title = " ".join(_title_keys(header))
    # "Xây dựng xã hội học tập giai đoạn 2021-2030" is a name
    title = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", title)
    school = re.search(r"nam hoc\s+(\d{4})\s*[-–]\s*(\d{4})", title) or _school_months(title)
    term = re.search(r"hoc k[yi]\s+(i{1,2}|1|2)\b", title)
    if school:
        first, second = school.groups()
        if term:
            return int(first), f"HK{1 if term.group(1) in ('i', '1') else 2} {first}-{second}"
        return int(first), f"{first}-{second}" if first != second else first
    span = re.search(r"giai doan\s+(\d{4})\s*[-–]\s*(\d{4})", title)
    year = (re.search(r"nam\s+(\d{4})\b", title)
            or re.search(r"(?<![\d/.-])((?:19|20)\d\d)(?!\s*[-–/]\s*\d)\b", title))
    if year:
        return int(year.group(1)), year.group(1)
    if span:
        return int(span.group(1)), f"{span.group(1)}-{span.group(2)}"
    if issued_year:
        if term and issued_month:
            first = int(issued_year) - (1 if int(issued_month) < 8 else 0)
            return first, f"HK{1 if term.group(1) in ('i', '1') else 2} {first}-{first + 1}"
        return int(issued_year), issued_year
    return None, None

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
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from extractor import register
from extractor.model import Document, Paragraph, Table
from extractor.normalize import clean, fold, words
from extractor.patterns import Catalogue
from extractor.register import COMMUNE, DISTRICT, LEVELS, lookup, province_name
from extractor.review import flag

_NUMBER = re.compile(r"\bso\s*:?\s*(\d+[^\s/]*)\s*/\s*([\w.&đ]+(?:\s*-\s*[\w.&đ]+)*(?:\s*-)?)")
_DATE = re.compile(r"ngay\s+(\d{0,2})\s*thang\s+(\d{1,2})\s*nam\s+(\d{4})|ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
# Words that make a date or a number someone else's: a citation, not the document's own.
_CITATION = re.compile(r"\b(thuc hien|can cu|cong van|quyet dinh|ke hoach|thong tu|nghi quyet|chi thi|kem theo|"
                       r"ban hanh|cua|ve viec|theo|luat|huong dan so|bao cao so)\b")


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


@dataclass(frozen=True)
class Org:
    """A unit a letterhead or a sentence names: its level, its name's words (as written, lower
    case) and whether the register knows a unit of that level and name."""

    level: str
    name: tuple[str, ...]
    known: bool

    @property
    def key(self) -> str:
        return fold(" ".join(self.name))


def header_lines(document: Document, limit: int = 40) -> list[str]:
    """The lines of the letterhead and title: everything up to the first body paragraph.

    A letterhead flattened onto one line by an export ("UBND HUYỆN X | CỘNG HÒA …", HTML
    tags) is split back into its parts; "UBNDxã" gets its space back.
    """
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            if len(lines) > 6:
                break
            if 0 < len(block.rows) <= 4:  # a letterhead table: the issuer's column first, then the motto's
                columns = max(len(row.cells) for row in block.rows)
                for c in range(columns):
                    lines += [ln.text for row in block.rows if c < len(row.cells)
                              for ln in row.cells[c].lines if ln.text.strip()]
            continue
        # PDF lines can run the date, "V/v …" and "Kính gửi" together: split them again
        parts = re.split(r"\t|\s*\|\s*|<[^>]{1,80}>|\s(?=V/v\s)|\s(?=Kính gửi\b)", block.text)
        lines += [part for part in parts if part and part.strip()]
        if fold(block.text).startswith("kinh gui") or len(lines) >= limit:
            break
    return [re.sub(r"(?i)\b(ubnd|uỷ ban nhân dân|ủy ban nhân dân)(?=[^\W\d_])", r"\1 ", clean(ln)) for ln in lines]


def detect_report_type(document: Document, catalogue: Catalogue, head: list[str] | None = None) -> str:
    head = head if head is not None else header_lines(document)
    keys = [fold(ln) for ln in head]
    start = _title_index(keys)
    if start is not None and any(p.search(keys[start]) for p in catalogue.not_a_report):
        return "unknown"
    title_zone = keys[start:start + 3] if start is not None else keys
    title = " ".join(title_zone)
    if start is not None:
        title = fold(re.sub(r"^.*?báo cáo\s*", "", " ".join(head[start:start + 3]), count=1, flags=re.IGNORECASE))
    not_report = any(p.search(k) for k in keys[: (start if start is not None else len(keys))] + title_zone[1:2]
                     for p in catalogue.not_a_report)
    if not_report and (start is None or any(p.search(title) for p in catalogue.not_a_report)):
        return "unknown"
    for report_type, pattern in catalogue.type_rules:
        if pattern.search(title):
            return report_type
    return "unknown"


def detect(document: Document, catalogue: Catalogue) -> Metadata:
    head = header_lines(document)
    meta = Metadata(report_type=detect_report_type(document, catalogue, head))
    text = document.full_text()
    accents = _has_diacritics(text)
    orgs = _orgs(head, accents)
    if _school(head):
        _school_unit(meta, orgs, text)
    else:
        if not orgs or not (orgs[-1].known or _clean_name(orgs[-1])):
            orgs = _body_orgs(document, accents) or orgs
        if orgs:
            _unit(meta, orgs, text)
    _dates(meta, head)
    return meta


# ---- letterhead ---------------------------------------------------------------------------
# Letterhead words, compared with their diacritics ("tỉnh" is a level, "Tĩnh" a name; "phòng"
# starts an office, "Phong" is a name) unless the whole text was typed without them.
_LEVEL_PHRASES = ["thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường"]
_STOP_PHRASES = ["số", "báo cáo", "ubnd", "ủy ban nhân dân", "uỷ ban nhân dân", "ủy ban", "uỷ ban", "trung tâm",
                 "ban chỉ đạo", "phòng", "hội đồng", "hội khuyến học", "v/v", "ngày", "kính gửi", "#", "sở",
                 "cộng hòa", "độc lập", "đảng", "hđnd", "ubmttq", "tthtcđ", "htcđ", "tthtcd", "tt", "bcđ"]
# Without accents a one-word stop ("phong", "so") may be part of a name; these never are.
_PLAIN_STOPS = [p for p in _STOP_PHRASES if " " in p or p in ("ubnd", "#", "v/v", "tthtcđ", "htcđ", "bcđ", "hđnd")]
_MOTTO = re.compile(r"\bcong hoa xa hoi\b|\bchu nghia viet nam\b|\bdoc lap\b|\bviet nam$|^chu nghia\b")
_ORG_START = re.compile(r"^(ubnd|uy ban|trung tam|phong|ban chi dao|so |truong|hoi )")
_ACCENTED = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
_SUFFIX = re.compile(r"^(?:[abcd]|\d{1,2})$")


def _has_diacritics(text: str) -> bool:
    """False for a text typed without accents (then level words are compared without them too)."""
    sample = text[:20000]
    letters = sum(n for ch, n in Counter(sample).items() if ch.isalpha())
    return not letters or len(_ACCENTED.findall(sample)) > 0.02 * letters


_DOC_TYPES = re.compile(r"^(ke hoach|huong dan|quyet dinh|cong van|thong bao|to trinh|chi thi|mau bao cao)$")


def _title_index(keys: list[str]) -> int | None:
    """Index of the line that carries the word BÁO CÁO (or V/v, or alone KẾ HOẠCH, HƯỚNG DẪN …)
    as the document's title: the letterhead is what stands above it."""
    for i, key in enumerate(keys):
        key = key.strip(" :.")
        if re.match(r"^(bao cao|v/v)\b", key) or re.search(r"\bbao cao$", key) or _DOC_TYPES.match(key):
            return i
    return None


def _letterhead(head: list[str]) -> list[list[str]]:
    """The letterhead's organisation lines as lists of lower-case words, one list per line.

    Letterheads wrap anywhere ("ỦY BAN NHÂN DÂN" / "HUYỆN BẠCH THÔNG", "… HUYỆN" / "NINH
    PHƯỚC") and PDF readers interleave them with the motto, so the lines before the title are
    read as one stream; the motto and the date line are left out, and a phrase like "xã hội học
    tập" is marked so that its "xã" is not taken for a unit. A line counts when it is in
    capitals or starts with an organisation word ("UBND xã an bình").
    """
    title = _title_index([fold(h) for h in head])
    out: list[list[str]] = []
    for line in head[: title if title is not None else 12]:
        letters = [ch for ch in line if ch.isalpha()]
        capitals = letters and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)
        if not letters or not (capitals or _ORG_START.match(fold(line))):
            continue
        key = clean(line).lower()
        motto = _MOTTO.search(fold(key))
        if motto:
            key = key[: motto.start()]  # a rows-style line may carry the motto after the unit
        key = re.sub(r"\bxã hội\b", "#", key)
        key = re.sub(r"\bxa hoi\b", "#", key)
        tokens = re.findall(r"[\w'#/]+", key)
        if tokens:
            out.append(tokens)
    return out


def _phrase_at(tokens: list[str], i: int, phrases: list[str], accents: bool) -> str | None:
    for phrase in phrases:
        parts = phrase.split()
        found = tokens[i:i + len(parts)]
        if found == parts or (not accents and [fold(t) for t in found] == [fold(p) for p in parts]):
            return phrase
    return None


def _orgs(head: list[str], accents: bool = True) -> list[Org]:
    """Each unit the letterhead names, top down."""
    lines = _letterhead(head)
    tokens = [t for line in lines for t in line]
    ends = set()
    position = 0
    for line in lines:
        position += len(line)
        ends.add(position)  # a line ends before this token index
    out: list[Org] = []
    i = 0
    while i < len(tokens):
        level = _phrase_at(tokens, i, _LEVEL_PHRASES, accents)
        if not level:
            i += 1
            continue
        j = i + len(level.split())
        if j >= len(tokens) or _phrase_at(tokens, j, _STOP_PHRASES, accents):
            i = j
            continue
        k = j
        while k < len(tokens) and k - j < 7 and not _phrase_at(tokens, k, _STOP_PHRASES, accents):
            k += 1
        # typed without accents, "PHONG" may be a name or "phòng": the register decides
        far = k
        while not accents and far < len(tokens) and far - j < 7 and not _phrase_at(tokens, far, _PLAIN_STOPS, False):
            far += 1
        org, used = _name(tokens, j, far, ends, LEVELS[fold(level)], accents)
        if not org.known and far != k:
            org, used = _name(tokens, j, k, ends, LEVELS[fold(level)], accents)
        out.append(org)
        i = j + used
    return out


def _name(tokens: list[str], j: int, k: int, ends: set[int], level: str, accents: bool) -> tuple[Org, int]:
    """The unit name in tokens[j:k]: the longest one the register knows, else up to the next level word.

    A word split by a line break ("QUẢNG N" / "AM") is joined again when that makes a known name;
    a letter A-D or a number right after a known name and before the line's end belongs to it.
    """
    span = tokens[j:k]
    for n in range(len(span), 0, -1):
        if register.is_known(" ".join(span[:n]), level):
            if n < len(span) and _SUFFIX.match(fold(span[n])) and (j + n + 1 in ends or n + 1 == len(span)):
                return Org(level, tuple(span[:n + 1]), register.is_known(" ".join(span[:n + 1]), level)), n + 1
            return Org(level, tuple(span[:n]), True), n
    for n in range(len(span) - 1):  # a word an export broke over two lines
        if j + n + 1 in ends:
            glued = span[:n] + [span[n] + span[n + 1]]
            for m in range(len(glued), 0, -1):
                if register.is_known(" ".join(glued[:m]), level):
                    return Org(level, tuple(glued[:m]), True), min(m + 1, len(span)) if m == len(glued) else m
    name: list[str] = []
    for n, token in enumerate(span):
        if n and (_phrase_at(span, n, _LEVEL_PHRASES, accents) or j + n in ends):
            break
        name.append(token)
    name = name[:5]
    while len(name) > 1 and len(name[-1]) == 1 and not _SUFFIX.match(fold(name[-1])):
        name.pop()  # OCR debris after the name ("THƯỢNG NINH N")
    return Org(level, tuple(name), False), max(1, len(name))


# ---- the body, when the letterhead is gone ---------------------------------------------------
_ORG_WORDS = (r"(?:trung tam hoc tap cong dong|trung tam htcd|tthtcd|uy ban nhan dan|ubnd|phong giao duc(?: va dao tao)?|"
              r"phong gd ?& ?dt|phong gddt|hoi khuyen hoc|ban chi dao[^.;:]{0,80}?)")
_LEVEL_WORDS = r"(thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong)"
_VERBS = r"(?:da |xin |tran trong )?(?:bao cao|tong ket|so ket|huong dan|ban hanh|danh gia|thong bao|xay dung ke hoach)\b"
_SUBJECT = re.compile(rf"(?:^|[\s,(])(?:{_ORG_WORDS})\s+{_LEVEL_WORDS}\s+(?=\S)")
_ANNEX = re.compile(rf"kem theo (?:bao cao|cong van|ke hoach)[^()]{{0,60}}?\bcua\s+(?:{_ORG_WORDS})\s+{_LEVEL_WORDS}\s+(?=\S)")
_SIGNATURE = re.compile(rf"^(?:tm\.?|kt\.?|q\.?)?\s*(?:pho )?(?:chu tich|giam doc|truong ban|truong phong)\s+(?:{_ORG_WORDS}\s+)?{_LEVEL_WORDS}\s+(?=\S)")
_AREA = re.compile(rf"\btren dia ban (?:toan )?{_LEVEL_WORDS}\s+(?=\S)")
_VERB_NEXT = re.compile(rf"^\s*,?\s*{_VERBS}")


def _body_orgs(document: Document, accents: bool) -> list[Org]:
    """The reporting unit as the body names it, when the letterhead does not.

    In order of trust: "<organisation> <level> <Name> báo cáo …" (the subject of the report),
    "(Kèm theo Báo cáo số … của UBND huyện <Name>)" (an annex names its report's issuer), and
    the signature ("Chủ tịch UBND xã <Name>"), and "trên địa bàn huyện <Name>" when the body
    names one such unit only (never a province: reports cite other provinces' work).
    """
    every = [clean(b.text) for b in document.blocks if isinstance(b, Paragraph)]
    paragraphs = every[:80] + [" ".join(every[:80])]  # a PDF wraps a sentence over several lines
    for pattern, needs_verb in ((_SUBJECT, True), (_ANNEX, False)):
        for text in paragraphs:
            folded = re.sub(r"\bxa hoi\b", "xx xxx", fold(text))  # the "xã" of "xã hội" is no level
            for match in pattern.finditer(folded):
                org, end = _named_at(text, match, accents)
                if org and (_VERB_NEXT.match(folded[end:]) if needs_verb else org.known):
                    return [org]
    for text in every[-30:]:
        match = _SIGNATURE.match(fold(text))
        org = _named_at(text, match, accents)[0] if match else None
        if org and org.known:
            return [org]
    areas = {}
    for text in paragraphs:
        folded = re.sub(r"\bxa hoi\b", "xx xxx", fold(text))
        for match in _AREA.finditer(folded):
            org, _ = _named_at(text, match, accents)
            if org and org.known and not register.is_province_level(org.key, org.level):
                areas[(org.level, org.key)] = org
    return list(areas.values()) if len(areas) == 1 else []


def _named_at(text: str, match: re.Match, accents: bool) -> tuple[Org | None, int]:
    """The unit named right after a level word matched in `text`, and where its name ends."""
    level = LEVELS[match.group(1)]
    name = _title_words(text[match.end():])
    if not name:
        return None, match.end()
    tokens = [t.lower() for t in name]
    org, used = _name(tokens, 0, len(tokens), {len(tokens)}, level, accents)
    if not org.known and not _clean_name(org):
        return None, match.end()
    end = match.end()
    for word in name[:used]:
        end = text.index(word, end) + len(word)
    return org, end


def _title_words(raw: str) -> list[str]:
    """The leading words of `raw` that make a proper name: capitalised, a number, or a letter A-D."""
    out = []
    for word in re.findall(r"[\w'’-]+", raw):
        if word[:1].isupper() or word.isdigit() or (out and _SUFFIX.match(fold(word))):
            out.append(word)
        else:
            break
    return out[:5]


# ---- settling the unit --------------------------------------------------------------------
_SCHOOL = re.compile(r"^truong (mam non|mau giao|tieu hoc|trung hoc|thcs|thpt|th |ptdt|pt |tieu hoc va|lien cap|dai hoc|cao dang|trung cap)")


def _school(head: list[str]) -> bool:
    """True when the letterhead's last organisation line is a school ("TRƯỜNG THCS CHÂN SƠN")."""
    title = _title_index([fold(h) for h in head])
    lines = [fold(h) for h in head[: title if title is not None else 12] if h.isupper()]
    lines = [ln for ln in lines if not _MOTTO.search(ln) and not ln.startswith(("so", "doc lap"))]
    return bool(lines) and bool(_SCHOOL.match(lines[-1]))


def _school_unit(meta: Metadata, orgs: list[Org], text: str) -> None:
    """A school reports: its level is "trường", its district and province those above it.

    How a school's name is to be stored (with or without its type, abbreviated or not) is not
    settled by the spec, so the name is left for review rather than guessed.
    """
    meta.unit_level = "trường"
    district = next((o for o in reversed(orgs) if o.level in DISTRICT), None)
    if district:
        entry = lookup(district.key, district.level, text=text)
        meta.district = (entry or {}).get("name") or _written(district, text)
        meta.province = (entry or {}).get("province")
    meta.warnings.append(flag("metadata: the reporting unit is a school; its name is left for review",
                              "unknown_unit", label="trường"))


def _unit(meta: Metadata, orgs: list[Org], text: str) -> None:
    unit = orgs[-1]
    level, name_key = unit.level, unit.key
    above = orgs[:-1]
    district_org = next((o for o in reversed(above) if o.level in DISTRICT and not
                         register.is_province_level(o.key, o.level)), None)
    province_org = next((o for o in above if o.level in ("tỉnh", "thành phố") and o is not district_org), None)
    if register.is_province_level(name_key, level) and not register.is_known(name_key, "huyện"):
        meta.unit_level, meta.unit_name = level, _written(unit, text)
        meta.province = meta.unit_name
        return
    if not unit.known and not _clean_name(unit):
        meta.warnings.append(flag(f"metadata: the unit's name '{' '.join(unit.name)}' ({level}) is not in the "
                                  "register of administrative units and its end is unclear; left empty for review",
                                  "unknown_unit", label=f"{level} {' '.join(unit.name)}"))
        return
    meta.unit_level = level
    meta.unit_name = _written(unit, text)
    district = district_org.key if district_org else None
    province = province_org.key if province_org else None
    if level in COMMUNE and district_org:
        meta.district = _written(district_org, text)
    if province_org:
        meta.province = province_name(province) or _written(province_org, text)
    entry = lookup(name_key, level, district, province, text)
    if not unit.known:
        _parents_from_text(meta, level, text)
    if entry:
        if level in COMMUNE and not meta.district:
            meta.district = entry["district"]
        if not meta.province:
            meta.province = entry["province"]
        if level in COMMUNE and district_org and not _in_text(district_org, text):
            meta.district = entry["district"]
        if meta.unit_name is None or not _ACCENTED.search(meta.unit_name):
            meta.unit_name = entry["name"] if words(entry["name"]) == words(name_key) else meta.unit_name
    if level in DISTRICT or level == "tỉnh":
        meta.district = None
    if meta.unit_name is None:
        meta.unit_level = None
        meta.warnings.append(flag(f"metadata: {level} '{' '.join(unit.name)}' is written without diacritics and "
                                  "the register spells that name in several ways; left empty for review",
                                  "ambiguous_unit", label=f"{level} {' '.join(unit.name)}",
                                  candidates=register.unit_candidates(name_key, level)))
        return
    _note_ambiguity(meta, name_key, level)


_NAMED = re.compile(r"\b(thanh pho|thi xa|tinh|huyen|quan)\s+(?=[^\W\d_])")


def _parents_from_text(meta: Metadata, level: str, text: str) -> None:
    """District and province of a unit the register does not know, from the units the text names.

    Taken only when the text names exactly one district (for a commune) or one province, with
    its level word ("… của huyện Yên Sơn", "Sở GD&ĐT tỉnh Bắc Kạn"), and the register knows it.
    """
    districts, provinces = set(), set()
    for match in _NAMED.finditer(fold(text)):
        kind = LEVELS[match.group(1)]
        name = _title_words(text[match.end():match.end() + 60])
        for n in range(min(len(name), 4), 0, -1):
            candidate = " ".join(name[:n])
            if register.is_province_level(candidate, kind) and register.is_known(candidate, kind):
                provinces.add(register.province_name(candidate))
                break
            if kind in DISTRICT and register.is_known(candidate, kind):
                districts.add((kind, register.spelling(candidate, kind) or candidate))
                break
    if level in COMMUNE and not meta.district and len(districts) == 1:
        kind, meta.district = next(iter(districts))
        entry = lookup(meta.district, kind, province=meta.province, text=text)
        if entry and not meta.province:
            meta.province = entry["province"]
    if not meta.province and len(provinces) == 1:
        meta.province = provinces.pop()


def _clean_name(org: Org) -> bool:
    """A name the register does not know is still taken when it is short and all letters."""
    return 1 <= len(org.name) <= 4 and all(re.fullmatch(r"[^\W\d_][\w'’-]*|\d{1,2}", t) for t in org.name)


def _written(org: Org, text: str) -> str | None:
    """The name as it should be stored: written with its diacritics, never folded ASCII.

    The text's own mixed-case spelling first, then the register's spelling, then the capitals
    of the letterhead; a name seen only without accents that the register spells in several
    ways, or does not know at all, gives None.
    """
    found = _written_form(org.key, text)
    if found and _ACCENTED.search(found):
        return found
    spelled = register.spelling(org.key, org.level)
    if spelled:
        return spelled
    if len(org.name) > 1 and _SUFFIX.match(fold(org.name[-1])):
        base = register.spelling(" ".join(org.name[:-1]), org.level)
        if base:
            return f"{base} {org.name[-1].upper()}"
    title = " ".join(org.name).title()
    if _ACCENTED.search(title):
        return found or title
    if register.is_known(org.key, org.level) or not _has_diacritics(text):
        return None  # several spellings, or a text typed without accents: it cannot tell which
    return found or title


def _in_text(org: Org, text: str) -> bool:
    return _written_form(org.key, text) is not None


def _note_ambiguity(meta: Metadata, name_key: str, level: str) -> None:
    """Say so when the register knows several units of this name and nothing in the text settles it."""
    if meta.province and (meta.district or level not in COMMUNE):
        return
    places = register.places(name_key, level)
    if len(places) > 1:
        shown = "; ".join(places[:6]) + ("; …" if len(places) > 6 else "")
        meta.warnings.append(flag(f"metadata: {level} {meta.unit_name} is one of {len(places)} units of that "
                                  f"name in the register ({shown}) and the document names neither district nor "
                                  "province; left empty for review", "ambiguous_unit",
                                  label=f"{level} {meta.unit_name}",
                                  candidates=register.unit_candidates(name_key, level)))


def _written_form(name_key: str, text: str) -> str | None:
    """The unit name as written in mixed case somewhere in the text, or None."""
    parts = name_key.split()
    pattern = r"(?<![\w'])(" + r"[ \t]+".join(r"[\w']+" for _ in parts) + r")(?![\w'])"
    for match in re.finditer(pattern, text):
        candidate = match.group(1)
        if words(candidate) == words(name_key) and not candidate.isupper() and candidate[:1].isupper():
            return clean(candidate)
    return None


# ---- dates, number, period ----------------------------------------------------------------
def _dates(meta: Metadata, head: list[str]) -> None:
    title = _title_index([fold(h) for h in head])
    before_title = head[: title if title is not None else 12]
    meta.issued_date, issued_year, issued_month = _issue_date(head)
    meta.doc_number = _doc_number(before_title)
    _period(meta, head, issued_year, issued_month)


def _issue_date(head: list[str]) -> tuple[str | None, str | None, str | None]:
    """The place-and-date line's date ("Chân Sơn, ngày 10 tháng 10 năm 2023"); a cited one is skipped."""
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


_PLACE = re.compile(r"(?:^|[\s-])(?:[A-ZĐÀ-Ỹ][\w'’.-]*\s+){0,5}[A-ZĐÀ-Ỹ0-9][\w'’.-]*\s*,\s*$")


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


def _period(meta: Metadata, head: list[str], issued_year: str | None, issued_month: str | None) -> None:
    keys = [fold(ln) for ln in head]
    start = _title_index(keys) or 0
    title = " ".join(keys[start:start + 3])
    title = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", title)  # "Xây dựng xã hội học tập giai đoạn 2021-2030" is a name
    school = re.search(r"nam hoc\s+(\d{4})\s*[-–]\s*(\d{4})", title)
    term = re.search(r"hoc ky\s+(i{1,2}|1|2)\b", title)
    if school:
        first, second = school.groups()
        meta.year = int(first)
        if term:
            meta.period = f"HK{1 if term.group(1) in ('i', '1') else 2} {first}-{second}"
        else:
            meta.period = f"{first}-{second}"
        return
    span = re.search(r"giai doan\s+(\d{4})\s*[-–]\s*(\d{4})", title)
    year = re.search(r"nam\s+(\d{4})\b", title) or re.search(r"(?<![\d/.-])((?:19|20)\d\d)(?!\s*[-–/]\s*\d)\b", title)
    if year:
        meta.year = int(year.group(1))
        meta.period = year.group(1)
    elif span:
        meta.year = int(span.group(1))
        meta.period = f"{span.group(1)}-{span.group(2)}"
    elif issued_year:
        meta.year = int(issued_year)
        meta.period = issued_year
        if term and issued_month:
            first = int(issued_year) - (1 if int(issued_month) < 8 else 0)
            meta.year, meta.period = first, f"HK{1 if term.group(1) in ('i', '1') else 2} {first}-{first + 1}"


__all__ = ["Metadata", "Org", "detect", "detect_report_type", "header_lines", "lookup", "Paragraph"]

"""Settling the reporting unit: its level, name as it should be stored, district and province.

Names are read with the register of administrative units (`register.py`): it gives the
diacritics of a name typed without them and fills the district and province a commune's report
leaves out. A name neither the register nor an unambiguous pattern vouches for is not emitted;
a review flag says what was seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor import register
from extractor.metadata.names import ACCENTED, SUFFIX, Org, clean_name, title_words
from extractor.normalize import clean, fold, words
from extractor.register import COMMUNE, DISTRICT, LEVELS, lookup, province_name
from extractor.review import flag

_NAMED = re.compile(r"\b(thanh pho|thi xa|tinh|huyen|quan)\s+(?=[^\W\d_])")


@dataclass(frozen=True, slots=True)
class Unit:
    """The reporting unit as settled, and the review flags raised on the way, in their order."""

    level: str | None = None
    name: str | None = None
    district: str | None = None
    province: str | None = None
    warnings: tuple[str, ...] = ()


def school_unit(orgs: tuple[Org, ...], text: str, accents: bool) -> Unit:
    """A school reports: its level is "trường", its district and province those above it.

    How a school's name is to be stored (with or without its type, abbreviated or not) is not
    settled by the spec, so the name is left for review rather than guessed.
    """
    district = next((o for o in reversed(orgs) if o.level in DISTRICT), None)
    district_name = province = None
    if district:
        entry = lookup(district.key, district.level, text=text) or {}
        district_name = entry.get("name") or _written(district, text, accents)
        province = entry.get("province")
    warning = flag("metadata: the reporting unit is a school; its name is left for review", "unknown_unit",
                   label="trường")
    return Unit("trường", None, district_name, province, (warning,))


def settle_unit(orgs: tuple[Org, ...], text: str, accents: bool) -> Unit:
    """The last of `orgs` is the unit, the ones above it its district and province; `text` is the
    document's whole text, `accents` False when it was typed without diacritics."""
    unit = orgs[-1]
    level, name_key = unit.level, unit.key
    above = orgs[:-1]
    district_org = next((o for o in reversed(above) if o.level in DISTRICT and not
                         register.is_province_level(o.key, o.level)), None)
    province_org = next((o for o in above if o.level in ("tỉnh", "thành phố") and o is not district_org),
                        None)
    if register.is_province_level(name_key, level) and not register.is_known(name_key, "huyện"):
        name = _written(unit, text, accents)
        return Unit(level, name, None, name)
    seen = " ".join(unit.name)
    if not unit.known and not clean_name(unit):
        return Unit(warnings=(flag(f"metadata: the unit's name '{seen}' ({level}) is not in the register of "
                                   "administrative units and its end is unclear; left empty for review",
                                   "unknown_unit", label=f"{level} {seen}"),))
    name = _written(unit, text, accents)
    district = province = None
    if level in COMMUNE and district_org:
        district = _written(district_org, text, accents)
    if province_org:
        province = province_name(province_org.key) or _written(province_org, text, accents)
    entry = lookup(name_key, level, district_org.key if district_org else None,
                   province_org.key if province_org else None, text)
    if not unit.known:
        district, province = _parents_from_text(level, text, district, province)
    elif not entry:  # the register places it elsewhere or in several places: only a province that
        # holds a unit of that name, named by the text, or the one its later level is in
        named = _parents_from_text(level, text, district, province)[1]
        places = {c["province"] for c in register.candidates(name_key)}
        province = province or (named if named in places else None)
    if not entry and not province:
        province = register.renamed_province(name_key, level, district)
    if entry:
        if level in COMMUNE and not district:
            district = entry["district"]
        if not province:
            province = entry["province"]
        if level in COMMUNE and district_org and not _in_text(district_org, text):
            district = entry["district"]
        if name is None or not ACCENTED.search(name):
            name = entry["name"] if words(entry["name"]) == words(name_key) else name
    if level in DISTRICT or level == "tỉnh":
        district = None
    if name is None:
        return Unit(None, None, district, province, (
            flag(f"metadata: {level} '{seen}' is written without diacritics and the register spells that "
                 "name in several ways; left empty for review", "ambiguous_unit", label=f"{level} {seen}",
                 candidates=register.unit_candidates(name_key, level)),))
    warning = _ambiguity(name_key, level, name, district, province)
    return Unit(level, name, district, province, (warning,) if warning else ())


def _parents_from_text(level: str, text: str, district: str | None,
                       province: str | None) -> tuple[str | None, str | None]:
    """District and province of a unit the register does not know, from the units the text names.

    Taken only when the text names exactly one district (for a commune) or one province, with
    its level word ("… của huyện Yên Sơn", "Sở GD&ĐT tỉnh Bắc Kạn"), and the register knows it.
    The `district` and `province` already found are kept.
    """
    districts, provinces = set(), set()
    for match in _NAMED.finditer(fold(text)):
        kind = LEVELS[match.group(1)]
        name = title_words(text[match.end():match.end() + 60])
        for n in range(min(len(name), 4), 0, -1):
            candidate = " ".join(name[:n])
            if register.is_province_level(candidate, kind) and register.is_known(candidate, kind):
                provinces.add(register.province_name(candidate))
                break
            if kind in DISTRICT and register.is_known(candidate, kind):
                districts.add((kind, register.spelling(candidate, kind) or candidate))
                break
    if level in COMMUNE and not district and len(districts) == 1:
        kind, district = next(iter(districts))
        entry = lookup(district, kind, province=province, text=text)
        if entry and not province:
            province = entry["province"]
    if not province and len(provinces) == 1:
        province = provinces.pop()
    return district, province


def _written(org: Org, text: str, accents: bool) -> str | None:
    """The name as it should be stored: written with its diacritics, never folded ASCII.

    The text's own mixed-case spelling first, then the register's spelling, then the capitals
    of the letterhead; a name seen only without accents that the register spells in several
    ways, or does not know at all, gives None.
    """
    found = _written_form(org.key, text)
    if found and ACCENTED.search(found):
        return found
    spelled = register.spelling(org.key, org.level)
    if spelled:
        return spelled
    if len(org.name) > 1 and SUFFIX.match(fold(org.name[-1])):
        base = register.spelling(" ".join(org.name[:-1]), org.level)
        if base:
            return f"{base} {org.name[-1].upper()}"
    title = " ".join(org.name).title()
    if ACCENTED.search(title):
        return found or title
    if register.is_known(org.key, org.level) or not accents:
        return None  # several spellings, or a text typed without accents: it cannot tell which
    return found or title


def _in_text(org: Org, text: str) -> bool:
    return _written_form(org.key, text) is not None


def _ambiguity(name_key: str, level: str, name: str, district: str | None,
               province: str | None) -> str | None:
    """A flag when the register knows several units of this name and nothing in the text settles it."""
    if province and (district or level not in COMMUNE):
        return None
    places = register.places(name_key, level)
    if len(places) <= 1:
        return None
    shown = "; ".join(places[:6]) + ("; …" if len(places) > 6 else "")
    return flag(f"metadata: {level} {name} is one of {len(places)} units of that name in the register "
                f"({shown}) and the document names neither district nor province; left empty for review",
                "ambiguous_unit", label=f"{level} {name}",
                candidates=register.unit_candidates(name_key, level))


def _written_form(name_key: str, text: str) -> str | None:
    """The unit name as written in mixed case somewhere in the text, or None."""
    parts = name_key.split()
    pattern = r"(?<![\w'])(" + r"[ \t]+".join(r"[\w']+" for _ in parts) + r")(?![\w'])"
    for match in re.finditer(pattern, text):
        candidate = match.group(1)
        if words(candidate) == words(name_key) and not candidate.isupper() and candidate[:1].isupper():
            return clean(candidate)
    return None

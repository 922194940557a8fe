"""The reporting unit as the body names it, for when the letterhead was lost in an export.

"Trung tâm học tập cộng đồng xã Hiền Hào báo cáo …", "(Kèm theo Báo cáo số … của UBND huyện
X)", the signature "Chủ tịch UBND xã X", or "trên địa bàn huyện X" when that is the only one.
"""

from __future__ import annotations

import re

from extractor import register
from extractor.metadata.names import Org, clean_name, cut_name, title_words
from extractor.model import Document, Paragraph
from extractor.normalize import clean, fold
from extractor.register import LEVELS

_ORG_WORDS = (r"(?:trung tam hoc tap cong dong|trung tam htcd|tthtcd|uy ban nhan dan|ubnd|"
              r"phong giao duc(?: va dao tao)?|"
              r"phong gd ?& ?dt|phong gddt|hoi khuyen hoc|ban chi dao[^.;:]{0,80}?)")
_LEVEL_WORDS = r"(thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong)"
_VERBS = (r"(?:da |xin |tran trong )?"
          r"(?:bao cao|tong ket|so ket|huong dan|ban hanh|danh gia|thong bao|xay dung ke hoach)\b")
_SUBJECT = re.compile(rf"(?:^|[\s,(])(?:{_ORG_WORDS})\s+{_LEVEL_WORDS}\s+(?=\S)")
_ANNEX = re.compile(rf"kem theo (?:bao cao|cong van|ke hoach)[^()]{{0,60}}?\bcua\s+(?:{_ORG_WORDS})\s+"
                    rf"{_LEVEL_WORDS}\s+(?=\S)")
_SIGNATURE = re.compile(rf"^(?:tm\.?|kt\.?|q\.?)?\s*(?:pho )?(?:chu tich|giam doc|truong ban|truong phong)\s+"
                        rf"(?:{_ORG_WORDS}\s+)?{_LEVEL_WORDS}\s+(?=\S)")
_AREA = re.compile(rf"\btren dia ban (?:toan )?{_LEVEL_WORDS}\s+(?=\S)")
_VERB_NEXT = re.compile(rf"^\s*,?\s*{_VERBS}")


def body_unit(document: Document, accents: bool) -> Org | None:
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
                    return org
    for text in every[-30:]:
        match = _SIGNATURE.match(fold(text))
        org = _named_at(text, match, accents)[0] if match else None
        if org and org.known:
            return org
    areas = {}
    for text in paragraphs:
        folded = re.sub(r"\bxa hoi\b", "xx xxx", fold(text))
        for match in _AREA.finditer(folded):
            org, _ = _named_at(text, match, accents)
            if org and org.known and not register.is_province_level(org.key, org.level):
                areas[(org.level, org.key)] = org
    return next(iter(areas.values())) if len(areas) == 1 else None


def _named_at(text: str, match: re.Match, accents: bool) -> tuple[Org | None, int]:
    """The unit named right after a level word matched in `text`, and where its name ends."""
    level = LEVELS[match.group(1)]
    name = title_words(text[match.end():])
    if not name:
        return None, match.end()
    tokens = [t.lower() for t in name]
    org, used = cut_name(tokens, 0, len(tokens), {len(tokens)}, level, accents)
    if not org.known and not clean_name(org):
        return None, match.end()
    end = match.end()
    for word in name[:used]:
        end = text.index(word, end) + len(word)
    return org, end

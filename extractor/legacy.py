"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC and VNI) to Unicode.

Before Unicode, Vietnamese was typed with fonts that drew Vietnamese letters in place of
Latin-1 characters: TCVN3 (".VnTime", ".VnArial"; the "H" fonts such as ".VnTimeH" draw only
capitals) and VNI ("VNI-Times"), where a letter is a base letter followed by a mark character.
A Word file keeps the Latin-1 characters and the font name, so the text reads as "Sè liÖu"
until it is mapped back. Tables here are written from the TCVN 5712:1993 (ABC) and VNI-Windows
code charts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# TCVN3 (ABC): one byte per letter. Lower-case letters with every tone, the seven capital
# letters that have their own code; other capitals exist only in the "H" fonts, which draw the
# lower-case codes as capitals.
_TCVN3_PAIRS = (
    "¸á µà ¶ả ·ã ¹ạ "
    "¨ă ¾ắ »ằ ¼ẳ ½ẵ Æặ "
    "©â Êấ Çầ Èẩ Éẫ Ëậ "
    "®đ "
    "Ðé Ìè Îẻ Ïẽ Ñẹ "
    "ªê Õế Òề Óể Ôễ Öệ "
    "Ýí ×ì Øỉ Üĩ Þị "
    "ãó ßò áỏ âõ äọ "
    "«ô èố åồ æổ çỗ éộ "
    "¬ơ íớ êờ ëở ìỡ îợ "
    "óú ïù ñủ òũ ôụ "
    "\xadư øứ õừ öử ÷ữ ùự "
    "ýý úỳ ûỷ üỹ þỵ "
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ"
)
TCVN3_TO_UNICODE: dict[str, str] = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split()}
TCVN3_TO_UNICODE["\xad"] = "ư"  # the soft hyphen is ư; split() above keeps it, stated for clarity

# VNI-Windows: a base letter followed by one mark character; a few letters are single codes.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_TONES_UP = {"Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# After â/ê/ô (written with "â") and after ă (written with "ê"), tones use other characters.
_VNI_CIRC_TONES = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_CIRC_TONES_UP = {"Á": "\u0301", "À": "\u0300", "Å": "\u0309", "Ã": "\u0303", "Ä": "\u0323"}
_VNI_BREVE_TONES = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_BREVE_TONES_UP = {"É": "\u0301", "È": "\u0300", "Ú": "\u0309", "Ü": "\u0303", "Ë": "\u0323"}
_VNI_SINGLE = {
    "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ",
}

LEGACY_FONT = re.compile(r"^\.?vn|^vni[- ]|abc", re.IGNORECASE)
_TCVN3_FONT = re.compile(r"^\.vn", re.IGNORECASE)
_VNI_FONT = re.compile(r"^vni[- ]", re.IGNORECASE)


def font_encoding(font_name: str | None) -> str | None:
    """'tcvn3', 'vni' or None for a run's font name; `.VnTimeH`-style names mean capitals only."""
    if not font_name:
        return None
    if _TCVN3_FONT.match(font_name.strip()):
        return "tcvn3"
    if _VNI_FONT.match(font_name.strip()):
        return "vni"
    return None


def is_caps_font(font_name: str | None) -> bool:
    """The TCVN3 "H" fonts (.VnTimeH, .VnArialH) draw every letter as a capital."""
    return bool(font_name) and bool(re.match(r"^\.vn\w*h$", font_name.strip(), re.IGNORECASE))


def tcvn3_to_unicode(text: str, caps: bool = False) -> str:
    out = "".join(TCVN3_TO_UNICODE.get(ch, ch) for ch in text)
    return out.upper() if caps else out


def vni_to_unicode(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        lower = ch.lower()
        if lower in "aeo" and (nxt in _VNI_CIRC_TONES or nxt in _VNI_CIRC_TONES_UP):  # ấ = "aá"
            mark = _VNI_CIRC_TONES.get(nxt) or _VNI_CIRC_TONES_UP[nxt]
            out.append(unicodedata.normalize("NFC", ch + "\u0302" + mark))
            i += 2
            continue
        if lower == "a" and (nxt in _VNI_BREVE_TONES or nxt in _VNI_BREVE_TONES_UP):  # ắ = "aé"
            mark = _VNI_BREVE_TONES.get(nxt) or _VNI_BREVE_TONES_UP[nxt]
            out.append(unicodedata.normalize("NFC", ch + "\u0306" + mark))
            i += 2
            continue
        if lower in "aeo" and nxt in ("â", "Â"):  # circumflex
            out.append(unicodedata.normalize("NFC", ch + "\u0302"))
            i += 2
            i = _vni_tone(text, i, out, _VNI_CIRC_TONES, _VNI_CIRC_TONES_UP)
            continue
        if lower == "a" and nxt in ("ê", "Ê"):  # breve
            out.append(unicodedata.normalize("NFC", ch + "\u0306"))
            i += 2
            i = _vni_tone(text, i, out, _VNI_BREVE_TONES, _VNI_BREVE_TONES_UP)
            continue
        if ch in _VNI_SINGLE:
            out.append(_VNI_SINGLE[ch])
            i += 1
            if out[-1] in "ơƠưƯ":
                i = _vni_tone(text, i, out, _VNI_TONES, _VNI_TONES_UP)
            continue
        if lower in "aeouy" and (nxt in _VNI_TONES or nxt in _VNI_TONES_UP):
            out.append(ch)
            i = _vni_tone(text, i + 1, out, _VNI_TONES, _VNI_TONES_UP)
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _vni_tone(text: str, i: int, out: list[str], tones: dict, tones_up: dict) -> int:
    """Attach the VNI tone character at text[i] (if any) to the letter last written to `out`."""
    if i < len(text) and (text[i] in tones or text[i] in tones_up):
        mark = tones.get(text[i]) or tones_up[text[i]]
        out[-1] = unicodedata.normalize("NFC", out[-1] + mark)
        return i + 1
    return i


def convert(text: str, encoding: str, caps: bool = False) -> str:
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text, caps)
    if encoding == "vni":
        return vni_to_unicode(text)
    return text


# Characters that legacy text is full of and real Vietnamese Unicode text almost never has.
_TCVN3_MARKERS = set("¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞßäåæç«¬ëîïñ÷øþ§¦¥¤£¢¡")
_VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂÂĐÊÔƠƯ")


def detect_encoding(text: str) -> str | None:
    """Guess 'tcvn3' or 'vni' from character statistics of extracted text; None for Unicode.

    Unicode Vietnamese is dense in letters such as ư, ơ, ạ, ế; TCVN3 text shows none of them
    but many of ¸ µ ¶ ® ­ instead; VNI text is plain ASCII letters followed by ù ø û õ ï.
    """
    if not text:
        return None
    counts = Counter(text)  # one pass in C; the sums below run over distinct characters only
    letters = sum(n for ch, n in counts.items() if ch.isalpha()) or 1
    viet = sum(counts[ch] for ch in _VIETNAMESE)
    tcvn = sum(counts[ch] for ch in _TCVN3_MARKERS)
    if tcvn / letters > 0.02 and tcvn > 3 * viet:
        return "tcvn3"
    vni = len(re.findall(r"[aeouyAEOUY](?:[ùøûõïÙØÛÕÏ]|[âÂ][áàåãäÁÀÅÃÄ]?|[êÊ][éèúüëÉÈÚÜË]?)", text))
    if vni / letters > 0.02 and vni > 3 * viet:
        return "vni"
    return None

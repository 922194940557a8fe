"""Values written in words around them: "label là 11", "mở 02 lớp xóa mù chữ, thu hút 38 lượt học viên".

Two readings, both anchored on a number found in the text:

  connector   the words before the number, up to where the clause starts, are the label, joined
              to it by a connector ("là", "đạt", "có", ":", a dash or nothing): "Số bài viết
              trên các báo là 11", "Tỷ lệ biết chữ đạt 98,7 %".
  counted     the number stands before a counted noun and the words after it name what is
              counted: "02 lớp xóa mù chữ" reads as the label "Số lớp xóa mù chữ" with value 02;
              the verb before the number may complete it ("đã phát hành 1.250 tờ rơi" →
              "Số tờ rơi đã phát hành").

Each reading proposes label wordings; `indicators.py` matches them against the catalogue like any
other label, in the group the text stands in, so one sentence can carry a count and, after it,
its participants ("với 38 lượt người tham gia" follows the code just read). The vocabulary —
connectors, counted nouns, clause links, plan words, words after which a number is a name or
a date — is data in patterns/sentences.yaml. A clause that states a plan ("phấn đấu đạt 99%")
is never read as a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractor.normalize import fold
from extractor.resources import data_dir
from extractor.values import NUMBER, UNIT_WORDS
from extractor.yamldata import PatternError, load_yaml

_LISTS = ("connectors", "counted_nouns", "links", "label_starts", "plan_words", "actual_words",
          "not_value_after", "not_value_before")


@dataclass(frozen=True)
class Vocabulary:
    """patterns/sentences.yaml, folded and compiled."""

    connectors: tuple[str, ...]
    counted: re.Pattern          # a counted noun at the start of the text after a number
    equivalents: dict[str, tuple[str, ...]]
    kinds: dict[str, str]        # folded counted noun → what it counts (people, classes, …)
    links: re.Pattern            # a word where another clause begins
    label_start: re.Pattern
    plan: re.Pattern
    actual: re.Pattern
    not_value_after: re.Pattern  # matched against the text just before a number
    not_value_before: re.Pattern  # matched against the text just after a number
    separator: re.Pattern        # what stands between a label and its value: a connector, ":" or "="


def _alternation(items: list[str]) -> str:
    return "|".join(re.escape(fold(i)) for i in sorted(items, key=len, reverse=True))


def load_vocabulary(folder: Path | None = None) -> Vocabulary:
    """Load and validate patterns/sentences.yaml; a malformed entry names the file and the key."""
    path = (Path(folder) if folder else data_dir("patterns")) / "sentences.yaml"
    data = load_yaml(path)
    lists: dict[str, list[str]] = {}
    for key in _LISTS:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip()
                                                               for v in value):
            raise PatternError(f"{path.name}: '{key}' must be a non-empty list of non-empty strings")
        lists[key] = value
    equivalents: dict[str, tuple[str, ...]] = {}
    for i, group in enumerate(data.get("noun_equivalents") or []):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(v, str) and v for v in group):
            raise PatternError(f"{path.name}: noun_equivalents[{i}] must list two or more nouns")
        for noun in group:
            equivalents[fold(noun)] = tuple(n for n in group if n != noun)
    kinds: dict[str, str] = {}
    for kind, nouns in (data.get("noun_kinds") or {}).items():
        if not isinstance(nouns, list) or not all(isinstance(n, str) and n for n in nouns):
            raise PatternError(f"{path.name}: noun_kinds.{kind} must be a list of nouns")
        kinds.update({fold(n): kind for n in nouns})
    word = r"(?<![\w])(?:{})(?![\w])"
    return Vocabulary(
        connectors=tuple(sorted((fold(c) for c in lists["connectors"]), key=len, reverse=True)),
        counted=re.compile(r"^\s*(" + _alternation(lists["counted_nouns"]) + r")(?![\w])"),
        equivalents=equivalents,
        kinds=kinds,
        links=re.compile(word.format(_alternation(lists["links"]))),
        label_start=re.compile(word.format(_alternation(lists["label_starts"]))),
        plan=re.compile(word.format(_alternation(lists["plan_words"]))),
        actual=re.compile(word.format(_alternation(lists["actual_words"]))),
        not_value_after=re.compile(r"(?<![\w])(?:" + _alternation(lists["not_value_after"])
                                   + r")\s*[:.]?\s*$"),
        not_value_before=re.compile(r"^\s*(?:" + _alternation(lists["not_value_before"]) + r")(?![\w])"),
        separator=re.compile(r"(?:[:：=]|(?<![\w])(?:" + _alternation(lists["connectors"]) + r")(?![\w]))"),
    )


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()


@dataclass(frozen=True)
class Mention:
    """A number in a sentence and the label wordings it could be the value of, best first."""

    raw: str                     # the value as written ("02", "98,7 %", "Đạt")
    labels: tuple[str, ...]      # candidate label wordings
    reading: str                 # "connector" or "counted"
    role: str                    # "value", or in a target-and-result sentence "target" / "actual"
    start: int                   # where the value stands in the text
    noun: str = ""               # the counted noun after the number ("lớp" in "1 lớp"), if any

    def counts(self, unit: str, vocab: Vocabulary) -> bool:
        """Whether an indicator counted in `unit` can take this number: "1 lớp" is no count of people."""
        mine, theirs = vocab.kinds.get(fold(self.noun)), vocab.kinds.get(fold(unit))
        return not (mine and theirs and mine != theirs)


_VALUE = re.compile(rf"(?<![\w/.,])({NUMBER})(\s*%)?(?![\w/]|[.,]\d)|(?<![\w])(chưa "
                    r"đạt|đạt|không)(?![\w])(?=\s*[,;.)]|\s*$)",
                    re.IGNORECASE)
_ZERO_AFTER = re.compile(r"(?:\bla|:)\s*$")  # "… là Không": a word for zero only right after a connector
_SENTENCE_END = re.compile(r"[;!?]|\.(?!\d)")
_FULL_STOP = re.compile(r"[!?]|\.(?!\d)")
_SOFT_END = re.compile(r"[,(:)]")
# "… tại các tuyến đường", "… ở thôn Đông": where, not what. Matched with accents (tài/tại differ).
_LOCATIVE = re.compile(r"\s(?:tại|ở)\s")
_RANGE = re.compile(r"\d\s*[-–—]\s*$")
_YEAR = re.compile(r"^(19|20)\d\d$")


def mentions(text: str, vocab: Vocabulary | None = None) -> list[Mention]:
    """Every number in `text` that reads as a value, with its candidate labels (see module doc)."""
    vocab = vocab or default_vocabulary()
    folded = fold(text)
    out: list[Mention] = []
    left_edge = 0
    for match in _VALUE.finditer(text):
        start, end = match.span()
        status = match.group(3)
        if not status and _not_a_value(match, folded, text, vocab):
            continue
        if status and fold(status) == "khong" and not _ZERO_AFTER.search(folded[:start]):
            continue
        clause_start = _clause_start(folded, left_edge, start, vocab)
        left = text[clause_start:start]
        left_folded = folded[clause_start:start]
        stops = [m.end() for m in _FULL_STOP.finditer(folded, 0, start)]
        sentence_left = folded[stops[-1] if stops else 0:start]
        role = "value"
        if vocab.plan.search(sentence_left):
            role = "target"
        if role == "target" and vocab.actual.search(left_folded):
            role = "actual"
        counted = None if status or match.group(2) else vocab.counted.match(folded[end:])
        right_end = _clause_end(folded, end, vocab, soft=True)
        if counted:
            noun_end = end + counted.end()
            longest = text[noun_end:_clause_end(folded, end, vocab)].strip(" ,")
            rests = {text[noun_end:right_end].strip(" ,"), longest,
                     _LOCATIVE.split(longest, 1)[0].strip(" ,")}
            if any(rests) or not left.strip() or _ends_with_link(left_folded, vocab):
                noun = text[end:noun_end].strip()
                labels = tuple(dict.fromkeys(lb for rest in sorted(rests, key=len) for lb in
                                             _counted_labels(noun, rest, left, vocab)))
                if not _ends_with_link(left_folded, vocab):  # "… là 218.672 người, đạt tỉ lệ …"
                    labels += _connector_labels(left, vocab)
                out.append(Mention(match.group(1), labels, "counted", role, start, noun))
                left_edge = max(right_end, noun_end)
                continue
            raw = text[start:noun_end]  # "241.026 người": the noun is the value's unit
        else:
            raw = match.group(0)
        wider = text[max(left_edge, _sentence_start(folded, start)):start]
        labels = _connector_labels(left, vocab) + (_connector_labels(wider, vocab) if wider != left else ())
        if labels and not _ends_with_link(left_folded, vocab):
            noun = text[end:end + counted.end()].strip() if counted else ""
            out.append(Mention(raw.strip(), labels, "connector", role, start, noun))
        left_edge = end if not counted else end + counted.end()
    return out


_TAIL = re.compile(
    rf"(?<![\w/.,])(?P<value>(?:{NUMBER})(?:\s*%)?)(?P<unit>(?:\s+[^\W\d_]+){{0,2}})\s*[.;,]?\s*$")


def split_label_value(text: str, vocab: Vocabulary | None = None) -> tuple[str, str] | None:
    """"label là 11", "label đạt 98,7 %", "label - 11", "label 11" → (label, value); else None.

    The value must end the text (a number, maybe "%" and a unit word such as "người"); the label
    must not end in a word after which a number is a name, a date or a range ("độ tuổi 15",
    "năm 2023", "15-60"), and a year alone is never a value.
    """
    vocab = vocab or default_vocabulary()
    tail = _TAIL.search(text)
    if not tail:
        return None
    unit = fold(tail.group("unit")).strip()
    if unit and unit not in UNIT_WORDS:
        return None
    value = text[tail.start():].strip(" .;,")
    label = text[: tail.start()].rstrip()
    folded = fold(label)
    if _RANGE.search(folded) or vocab.not_value_after.search(folded) or len(
        re.findall(r"[^\W\d_]+", label)) < 2:
        return None
    bare = label.rstrip(" -–—=")
    connector = next((c for c in vocab.connectors if fold(bare).endswith(" " + c)), None)
    if connector:
        bare = bare[: len(bare) - len(connector)].rstrip(" -–—=:,")
    elif _YEAR.match(tail.group("value")):
        return None
    if len(re.findall(r"[^\W\d_]+", bare)) < 2:
        return None
    return bare, value


def _not_a_value(match: re.Match, folded: str, text: str, vocab: Vocabulary) -> bool:
    """Dates, ranges, names with numbers, document numbers, years: numbers that are not values."""
    start, end = match.span()
    number = match.group(1)
    before = folded[max(0, start - 30):start]
    after = folded[end:end + 12]
    if _RANGE.search(before) or re.match(r"\s*[-–—]\s*\d", after) or re.match(r"\s*/", after):
        return True
    if vocab.not_value_after.search(before) or (not match.group(2) and vocab.not_value_before.match(after)):
        return True
    if not match.group(2) and _inside_label(folded, start, end, vocab):
        return True
    return bool(_YEAR.match(number)) and not match.group(2)


def _inside_label(folded: str, start: int, end: int, vocab: Vocabulary) -> bool:
    """A number the label holds ("… (đợt 1): 03 bài", "… lần 2 là 05"): the label's value follows it.

    A label's value is what follows the label and its separator; a number written before the
    separator qualifies the label (a round, a stage, a year), however it is worded, and so does a
    number in parentheses after which a value follows. When the separator ends the text, the value
    is elsewhere (on the next line), never the number before it. A number that itself follows a
    separator stands where a value stands ("là 5, đạt 100 %") and is not one of these.
    """
    separator = vocab.separator.pattern
    if re.search(rf"(?:{separator})\s*$", folded[:start]):
        return False
    rest = folded[end:]
    then_value = rf"\s*(?:{separator})\s*(?:(?:{NUMBER})|$)"
    if folded.rfind("(", 0, start) > folded.rfind(")", 0, start):  # inside a parenthesised qualifier
        close = rest.find(")")
        after = rest[close + 1:]
        return close >= 0 and bool(re.match(then_value, after) or re.match(
            rf"\s*(?:[-–—]\s*)?(?:{NUMBER})", after))
    return bool(re.match(then_value, rest))


def _sentence_start(folded: str, position: int) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(folded, 0, position)]
    return ends[-1] if ends else 0


def _clause_start(folded: str, left_edge: int, position: int, vocab: Vocabulary) -> int:
    """Where the clause holding the number begins: after the last value, sentence end, comma or link."""
    start = max(left_edge, _sentence_start(folded, position))
    for pattern in (_SOFT_END, vocab.links):
        found = [m.end() for m in pattern.finditer(folded, start, position)]
        # a link or comma right before the number is the connector, not the clause start
        found = [f for f in found if folded[f:position].strip()]
        if found:
            start = max(start, found[-1])
    return start


def _ends_with_link(left_folded: str, vocab: Vocabulary) -> bool:
    """True when a link word ("với", "thu hút") stands right before the number: a new clause."""
    return any(m.end() == len(left_folded.rstrip()) for m in vocab.links.finditer(left_folded.rstrip()))


def _clause_end(folded: str, position: int, vocab: Vocabulary, soft: bool = False) -> int:
    """Where the words after a number stop naming what it counts (with `soft`, at a comma too)."""
    ends = [len(folded)]
    for pattern in (_SENTENCE_END, _SOFT_END, vocab.links) if soft else (_SENTENCE_END, vocab.links):
        found = pattern.search(folded, position)
        if found:
            ends.append(found.start())
    number = re.compile(r"\d").search(folded, position + 1)
    if number:
        ends.append(number.start())
    return min(ends)


def _counted_labels(noun: str, rest: str, left: str, vocab: Vocabulary) -> tuple[str, ...]:
    """"Số <noun> <rest>", with equivalent nouns, and with the verb before the number appended."""
    nouns = [noun] + [n for n in vocab.equivalents.get(fold(noun), ())]
    rests = [rest] + [rest[:m.start()] + other + rest[m.end():]
                      for m in re.finditer(r"[^\W\d_]+(?: [^\W\d_]+)?", rest)
                      for other in vocab.equivalents.get(fold(m.group(0)), ())][:3]
    verb = " ".join(left.split()[-3:])
    labels = []
    for n in nouns:
        for r in rests:
            base = f"Số {n} {r}".strip()
            labels.append(base)
            if verb:
                labels.append(f"{base} {verb}")
    return tuple(labels)


def _connector_labels(left: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The clause before a number, without its connector; also from where a label word starts."""
    label = left.strip(" \t-–—=:,")
    folded = fold(label)
    if re.fullmatch(r"(dat )?t[iy] le( la| dat)?", folded):
        return (label,)  # "…, đạt tỉ lệ 98,75 %": the rate of the count just read (a context label)
    for connector in vocab.connectors:
        if folded.endswith(" " + connector) or folded == connector:
            label = label[: len(label) - len(connector)].rstrip(" \t-–—=:,")
            break
    if len(label) < 3:
        return ()
    labels = [label]
    found = vocab.label_start.search(fold(label))
    if found and found.start():
        labels.append(label[found.start():])
    return tuple(labels)


__all__ = ["Mention", "Vocabulary", "default_vocabulary", "load_vocabulary", "mentions", "split_label_value"]

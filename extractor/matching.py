"""Label matching: which catalogue code does a label printed in a report name?

A label is reduced to a key (abbreviations expanded, bullets, dated notes and accents removed)
and scored against every wording of every code with rapidfuzz: whole-string similarity,
word-order-free similarity over its words, and containment for labels that add a
few words to a known wording. Two rules keep precision high:

* numbers must agree: "độ tuổi 15-60" never matches a wording that says 15-35, "mức độ 2" never
  one that says "mức độ 3";
* generic wordings ("Số lượt người tham gia", "Miễn giảm") count only in their context: inside
  their group, or right after the label of the code they follow.

The best code must also beat the best other code by a margin; otherwise it is ambiguous and
goes to review with both names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from extractor.normalize import clean, fold, strip_bullet, strip_numbering, words
from extractor.patterns import Catalogue, Indicator

_DATED_NOTE = re.compile(r"\([^)]*\d[^)]*\)")
_TRAILING = re.compile(r"[\s:;,.…]+$")


@dataclass(frozen=True)
class Variant:
    indicator: Indicator
    text: str
    key: str
    numbers: frozenset[str]
    contextual: bool


@dataclass(frozen=True)
class Match:
    code: str
    score: float
    variant: str
    indicator: Indicator


@dataclass(frozen=True)
class Miss:
    """No code settled. `best` names the closest code (if any) so a reviewer sees why."""

    reason: str
    best: str | None = None
    score: float = 0.0


class Matcher:
    """Matches labels of one report type against its catalogue entries."""

    def __init__(self, catalogue: Catalogue, report_type: str):
        self.catalogue = catalogue
        self.report = catalogue.reports.get(report_type)
        self.settings = catalogue.matching
        self._abbrev = _abbreviation_regex(tuple(sorted(catalogue.abbreviations, key=len, reverse=True)))
        self._one_off: dict[str, set[str]] = {}  # "HTC?" → spellings of the long abbreviations it could be
        for short, spelled in catalogue.abbreviations.items():
            if len(short) >= 4:
                for i in range(len(short)):
                    self._one_off.setdefault(short[:i] + "?" + short[i + 1:], set()).add(spelled)
        self.variants: list[Variant] = []
        for ind in self.report.indicators if self.report else ():
            for text, contextual in [(t, False) for t in ind.labels] + [
                (t, True) for t in ind.context_labels]:
                key = self.key(text)
                self.variants.append(Variant(ind, text, key, _numbers(key), contextual))
        self._keys = [v.key for v in self.variants]
        self._sorted_keys = [_sorted_words(k) for k in self._keys]
        self._placings: dict[tuple, _Placing] = {}
        self._lengths = [len(k) for k in self._keys]

    def expand(self, text: str) -> str:
        """Spell out the abbreviations of settings.yaml (whole words, case as written)."""
        if not self._abbrev:
            return text
        text = self._abbrev.sub(lambda m: self.catalogue.abbreviations[m.group(0)], text)
        return _CAPS_WORD.sub(lambda m: self._near_abbreviation(m.group(0)), text)

    def _near_abbreviation(self, word: str) -> str:
        """An unknown word in capitals one letter away from exactly one long abbreviation is that one.

        OCR misreads a letter of an abbreviation ("HTCĐ" as "HTCP"); the word is spelled out only
        when no other abbreviation is as close, so "HTSĐ" and "HTCĐ" are never confused.
        """
        if word in self.catalogue.abbreviations:
            return word
        near = set().union(*(self._one_off.get(word[:i] + "?" + word[i + 1:], set())
                             for i in range(len(word))))
        return near.pop() if len(near) == 1 else word

    def key(self, label: str) -> str:
        """The comparison key of a label: expanded, no bullet, no dated note, folded words."""
        text = strip_bullet(clean(label))
        text = _DATED_NOTE.sub(" ", text)
        text = _TRAILING.sub("", text)
        return words(self.expand(text))

    def heading(self, text: str) -> str | None:
        """The group a heading line opens, or None. Headings are matched by the group's regexes."""
        if not self.report:
            return None
        key = words(self.expand(strip_numbering(strip_bullet(clean(text)))))
        key = re.sub(r"^(?:[ivx]{1,4}|\d+(?: \d+)*|[a-e]) ", "", key)
        for group in self.report.groups:
            if any(h.search(key) for h in group.headings):
                return group.id
        return None

    def is_stop(self, text: str) -> bool:
        """True for a heading after which the report speaks of plans, not results."""
        if not self.report or not self.report.stop_headings or len(text) > 200:
            return False
        key = words(strip_numbering(strip_bullet(clean(text))))
        key = re.sub(r"^(?:[ivx]{1,4}|\d+(?: \d+)*|[a-e]) ", "", key)
        return any(p.search(key) for p in self.report.stop_headings)

    def match(self, label: str, group: str | None = None, last_code: str | None = None,
              value_shape: str | None = None) -> Match | Miss:
        """Match one label. `group` and `last_code` are where the label stands in the document;
        `value_shape` ("percent" or "count", see `value_shape`) rules out indicators whose values
        cannot look like that, so "Số người biết chữ: 138.028 người" is not a literacy rate."""
        key = self.key(label)
        if len(key) < 3 or not re.search(r"[a-z]", key):
            return Miss("no label text")
        numbers = _numbers(key)
        placing = self._placing(numbers, _only_notes(numbers, key), group, last_code, value_shape)
        best: dict[str, tuple[float, Variant]] = {}
        for i, score in zip(placing.eligible, self.scores(key, placing), strict=True):
            variant = self.variants[i]
            code = variant.indicator.code
            if code not in best or score > best[code][0]:
                best[code] = (score, variant)
        if not best:
            return Miss("no wording of this report type fits")
        ranked = sorted(best.values(), key=lambda sv: sv[0], reverse=True)
        score, variant = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if score < self.settings["review"]:
            return Miss("no catalogue label is close", variant.indicator.code, round(score, 1))
        if score < self.settings["accept"]:
            return Miss("weak match", variant.indicator.code, round(score, 1))
        if score - runner_up < self.settings["margin"]:
            other = ranked[1][1].indicator.code
            return Miss(f"ambiguous between {variant.indicator.code} and {other}",
                        variant.indicator.code, round(score, 1))
        return Match(variant.indicator.code, round(score, 1), variant.text, variant.indicator)

    def scores(self, key: str, placing: _Placing) -> list[float]:
        """0-100 for each wording eligible where the label stands: how well its key fits it.

        The best of three rapidfuzz scores: whole-string similarity, word-order-free similarity,
        and containment (partial similarity, less a penalty for the words one side adds) when the
        shorter is at least 60 % of the longer. The first two are one C call each: the key against
        the eligible wordings, its sorted words against theirs. Containment is costly, so it is
        computed from the most promising wording down, and only while it could still make a code
        the best, or put it within the margin of the best: a wording left out keeps the first
        two scores, which then lie below anything that decides the match or its ambiguity."""
        full, order = _ratios(key, placing.keys), _ratios(_sorted_words(key), placing.sorted_keys)
        scores = [max(f, o) for f, o in zip(full, order, strict=True)]
        top = max(scores, default=0.0)
        margin = self.settings["margin"]
        for penalty, j, i in placing.containment(len(key), self._lengths):
            if 100 - penalty < top - margin:
                break
            if 100 - penalty <= scores[j]:
                continue  # containment cannot raise this one
            # below this cutoff rapidfuzz stops early (and returns 0): the wording could not matter
            cutoff = max(scores[j], top - margin) + penalty
            contained = _partial(key, self._keys[i], cutoff) - penalty
            if contained > scores[j]:
                scores[j] = contained
                top = max(top, contained)
        return scores

    def _placing(self, numbers: frozenset[str], only_notes: bool, group: str | None,
                 last_code: str | None, value_shape: str | None) -> _Placing:
        """The wordings that may name a label here (see `_eligible`); the answer depends on few
        things, so it is kept for the next label that stands the same way."""
        where = (numbers, only_notes, group, last_code, value_shape)
        if where not in self._placings:
            if len(self._placings) >= 4096:  # a long import meets few distinct placings; stay bounded
                self._placings.clear()
            eligible = [i for i, variant in enumerate(self.variants)
                        if _eligible(variant, numbers, only_notes, group, last_code, value_shape)]
            self._placings[where] = _Placing(eligible, [self._keys[i] for i in eligible],
                                             [self._sorted_keys[i] for i in eligible])
        return self._placings[where]


@dataclass
class _Placing:
    """The wordings a label may match where it stands, and, by the label key's length, those
    containment could raise: (penalty, position among the eligible, wording), least penalty first."""

    eligible: list[int]
    keys: list[str]  # their keys, and their keys' words sorted, in the same order
    sorted_keys: list[str]
    by_size: dict[int, list[tuple[float, int, int]]] = field(default_factory=dict)

    def containment(self, size: int, lengths: list[int]) -> list[tuple[float, int, int]]:
        if size not in self.by_size:
            todo = []
            for j, i in enumerate(self.eligible):
                shorter, longer = (size, lengths[i]) if size <= lengths[i] else (lengths[i], size)
                if longer and shorter / longer >= 0.6:
                    todo.append((25 * (1 - shorter / longer), j, i))
            self.by_size[size] = sorted(todo)
        return self.by_size[size]


def _ratios(query: str, choices: list[str]) -> list[float]:
    """rapidfuzz's ratio of the query to each choice, in the choices' order, in one C call.
    (`process.cdist` would give the same numbers through numpy, whose import is a third of the
    start-up of `xhht extract` on one file.)"""
    out = [0.0] * len(choices)
    for _, score, j in process.extract(query, choices, scorer=fuzz.ratio, limit=None):
        out[j] = score
    return out


def _eligible(variant: Variant, numbers: frozenset[str], only_notes: bool, group: str | None,
              last_code: str | None, value_shape: str | None) -> bool:
    """Whether a wording may name this label at all: in its context, of a type whose values can
    look like the value beside it, and naming the same ages or levels."""
    if variant.contextual and not _in_context(variant, group, last_code):
        return False
    if value_shape and variant.indicator.value_type in _INCOMPATIBLE[value_shape]:
        return False
    return variant.numbers == numbers or (not variant.numbers and only_notes)


def _partial(key: str, wording: str, cutoff: float) -> float:
    """rapidfuzz's partial similarity of the shorter string within the longer (0 below cutoff)."""
    if len(wording) <= len(key):
        return fuzz.partial_ratio(wording, key, score_cutoff=cutoff)
    return fuzz.partial_ratio(key, wording, score_cutoff=cutoff)


def _sorted_words(text: str) -> str:
    """The words in sorted order: rapidfuzz's token_sort_ratio is the ratio of these."""
    return " ".join(sorted(text.split()))


_INCOMPATIBLE = {"percent": {"count", "money"}, "count": {"percent"}}
_PEOPLE = re.compile(r"^\s*\d{1,3}(?:\.\d{3})+\s*(nguoi|hoc sinh|lop|hoc vien)?\s*[.;,]?\s*$|"
                     r"^\s*\d+\s*(nguoi|hoc sinh|lop|hoc vien)\b")


def value_shape(raw: str) -> str | None:
    """"percent" for "97,29%", "count" for "1.234" or "36 người"; None when it could be either."""
    folded = fold(raw)
    if "%" in folded:
        return "percent"
    if _PEOPLE.search(folded):
        return "count"
    return None


def _in_context(variant: Variant, group: str | None, last_code: str | None) -> bool:
    ind = variant.indicator
    if ind.after:
        return last_code == ind.after
    return group == ind.group


def _numbers(key: str) -> frozenset[str]:
    return frozenset(n.lstrip("0") or "0" for n in re.findall(r"\d+", key))


def _only_notes(numbers: frozenset[str], key: str) -> bool:
    """A label may carry numbers a wording lacks only if they are not ages or levels."""
    return not numbers or not re.search(r"(tuoi|muc do|tu|den) \d", key)


_CAPS_WORD = re.compile(r"(?<![\w-])[A-ZĐ]{4,}(?![\w-])")


@lru_cache(maxsize=4)
def _abbreviation_regex(keys: tuple[str, ...]) -> re.Pattern | None:
    if not keys:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")


_MATCHERS: dict[tuple[int, str], tuple[Catalogue, Matcher]] = {}


def matcher_for(catalogue: Catalogue, report_type: str) -> Matcher:
    """One Matcher per catalogue and report type: building one keys every wording (~10 ms), and a
    Matcher keeps no state between documents. The catalogue is held so its id is never reused."""
    key = (id(catalogue), report_type)
    if key not in _MATCHERS:
        _MATCHERS[key] = (catalogue, Matcher(catalogue, report_type))
    return _MATCHERS[key][1]


__all__ = ["Matcher", "Match", "Miss", "matcher_for", "fold", "value_shape"]

"""Values written in prose: the catalogue's prose patterns, and sentences handed to sentences.py.

  prose     a paragraph matched by one of an indicator's `prose` patterns (patterns/*.yaml)
  sentence  "Số bài viết trên các báo là 11", "mở 02 lớp xóa mù chữ, thu hút 38 lượt học viên":
            each number with its candidate labels (`sentences.mentions`), matched here against
            the catalogue in the walk's context
"""

from __future__ import annotations

import re

from extractor.indicators.state import Reading
from extractor.matching import Match, value_shape
from extractor.normalize import fold
from extractor.patterns import Indicator
from extractor.sentences import Mention, Vocabulary, mentions


def read_prose(reading: Reading, text: str, location: str, confidence: float | None) -> int:
    """Apply the catalogue's prose patterns to one paragraph; returns how many matched."""
    hits = 0
    folded = fold(text)
    for ind in reading.report.indicators:
        for pattern in ind.prose:
            match = pattern.search(folded)
            if match:
                raw = text[match.start("value"):match.end("value")].strip()
                reading.store(ind, "actual", raw, text[max(0, match.start() - 20):match.end()].strip(),
                              100.0, location, "prose", confidence)
                hits += 1
                break
    return hits


def read_sentences(reading: Reading, text: str, location: str, confidence: float | None) -> None:
    """Values written inside sentences (see sentences.py): each number with its candidate labels."""
    previous: Indicator | None = None
    for mention in mentions(text, reading.vocab):
        result = _best_label(reading, mention)
        if result is None and mention.role == "actual" and previous is not None:
            ind, score, label = previous, 100.0, mention.labels[0]  # "…, kết quả đạt 65%" follows its target
        elif result is None:
            continue
        else:
            ind, score, label = result.indicator, result.score, result.variant
            reading.context.follow(ind)
        previous = ind
        kind = "actual"
        if mention.role == "target":
            if ind.value_type != "percent_or_status":
                continue  # a plan stated in a results report is not a result
            kind = "target"
        reading.store(ind, kind, mention.raw, label, score, f"{location}, at {mention.start + 1}",
                      "sentence", confidence)


def _best_label(reading: Reading, mention: Mention) -> Match | None:
    """The catalogue code the mention's label wordings name, if they agree on one clearly."""
    best: dict[str, Match] = {}
    shape = value_shape(mention.raw)
    ctx = reading.context
    for label in mention.labels:
        for wording in dict.fromkeys((label, _without_role_words(label,
                                                                 reading.vocab))):  # in order: runs agree
            result = reading.matcher.match(wording, ctx.group, ctx.last_code, shape)
            if not isinstance(result, Match) or not mention.counts(result.indicator.unit, reading.vocab):
                continue
            if result.code not in best or result.score > best[result.code].score:
                best[result.code] = result
    if not best:
        return None
    ranked = sorted(best.values(), key=lambda m: m.score, reverse=True)
    if len(ranked) > 1 and ranked[0].score - ranked[1].score < reading.matcher.settings["margin"]:
        return None
    return ranked[0]


def _without_role_words(label: str, vocab: Vocabulary) -> str:
    """The label without plan and result words ("Chỉ tiêu Công dân học tập theo kế hoạch" → …)."""
    folded = fold(label)
    keep = [True] * len(label)
    for pattern in (vocab.plan, vocab.actual):
        for m in pattern.finditer(folded):
            keep[m.start():m.end()] = [False] * (m.end() - m.start())
    return re.sub(r"\s+", " ", "".join(ch for ch, k in zip(label, keep, strict=True) if k)).strip(" ,:")

"""Do the consistency checks catch misread figures, and suggest the right repair, without crying wolf?

Usage: python benchmarks/checks.py [DEV_DIR] [--extracted OUT.jsonl] [--rounds 20] [--seed 18] [--rate 0.05]

1. The dev corpus: each document is extracted once (or read from `--extracted`, a JSON Lines
   file of `xhht extract --format jsonl`); then, in each of `--rounds` seeded rounds, a random
   `--rate` of the figures of each document is misread one realistic way — a digit confused with
   its look-alike (0/8, 1/7, 3/8, 5/6, 6/8), a digit dropped or doubled, a thousands dot taken for a
   decimal comma or a decimal comma lost, or the value of the next row — the misread text is
   parsed as the reader would (a count read as "1,234" is refused by the reader: not stored, no
   check needed), and the identity checks run on the result.
2. A generated 10-year archive: districts with their communes, counts growing a few percent a
   year with noise, the district's figure the sum of its communes' (plus a little of its own), a
   tenth of the communes missing each year; the same misreadings go into `--rate` of its figures,
   and the history (each unit's series) and rollup (each district against its communes) checks run.

Per check kind it prints the errors in figures that kind covers, the share flagged, the share
given the right repair, and the share of clean documents (unit-years for the archive) flagged.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.checks.document import check_figures  # noqa: E402
from extractor.checks.history import outliers  # noqa: E402
from extractor.checks.identity import Figure, figures_of, instances  # noqa: E402
from extractor.checks.repairs import CONFUSED  # noqa: E402
from extractor.checks.rollup import rollup  # noqa: E402
from extractor.patterns import default_catalogue  # noqa: E402
from extractor.values import NUMBER, Parsed, parse_value  # noqa: E402

MISREADINGS = ("digit confusion", "dropped digit", "doubled digit", "separator", "next row")
TEN_FOLD = ("dropped digit", "doubled digit")
_CONFUSED_AS = {d: [o for o in "0123456789" if d in CONFUSED.get(o, "")] for d in "0123456789"}


# ---- misreading one figure ------------------------------------------------------------------------
def misread(raw: str, how: str, rng: random.Random) -> str | None:
    """The figure's text as a misreading of kind `how` would leave it (None: it cannot happen)."""
    token = re.search(NUMBER, raw)
    if token is None:
        return None
    text = token.group()
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if how == "digit confusion":
        options = [(i, o) for i in digits for o in CONFUSED.get(text[i], "")]
        if not options:
            return None
        i, other = rng.choice(options)
        new = text[:i] + other + text[i + 1:]
    elif how == "dropped digit":
        if len(digits) < 2:
            return None
        i = rng.choice(digits)
        new = text[:i] + text[i + 1:]
    elif how == "doubled digit":
        i = rng.choice(digits)
        new = text[:i] + text[i] + text[i:]
    elif how == "separator":
        if "," in text:
            new = text.replace(",", "")  # the decimal comma lost
        elif "." in text:
            new = text[::-1].replace(".", ",", 1)[::-1]  # the last thousands dot read as a decimal comma
        else:
            return None
    else:
        return None
    new = re.sub(r"^(\d{1,3})((?:\.\d{3})*)$", r"\1\2", new)
    return raw[:token.start()] + new + raw[token.end():]


def inject(figures: dict, order: list, rate: float, rng: random.Random) -> tuple[dict, dict]:
    """Misread a random `rate` of the figures: the new figures, and per changed key (how, true value)."""
    out, errors = dict(figures), {}
    for n, key in enumerate(order):
        if rng.random() >= rate:
            continue
        how = rng.choice(MISREADINGS)
        figure = figures[key]
        if how == "next row":
            following = order[n + 1] if n + 1 < len(order) else None
            if following is None or figures[following].value == figure.value:
                continue
            new = Figure(figures[following].value, figures[following].raw, figure.location, figure.label,
                         figure.value_type)
        else:
            raw = misread(figure.raw or str(figure.value), how, rng)
            if raw is None:
                continue
            parsed = parse_value(raw, figure.value_type)
            if not isinstance(parsed, Parsed) or isinstance(parsed.value, str):
                errors[key] = (how, figure.value, "refused")
                out.pop(key)
                continue
            if parsed.value == figure.value:
                continue
            new = Figure(parsed.value, raw, figure.location, figure.label, figure.value_type)
        out[key] = new
        errors[key] = (how, figure.value, "stored")
    return out, errors


# ---- the dev corpus -------------------------------------------------------------------------------
def dev_results(folder: Path, extracted: Path | None) -> list[dict]:
    if extracted:
        return [json.loads(line) for line in extracted.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    from extractor.extract import extract_file, walk

    return [extract_file(path) for path in walk([folder]).files]


def bench_dev(results: list[dict], rounds: int, rate: float, seed: int) -> dict:
    catalogue = default_catalogue()
    value_types = {ind.code: ind.value_type for ind in catalogue.all_indicators()}
    docs = [(r["document"]["report_type"], figures_of(r["indicators"], value_types)) for r in results]
    clean_flagged = sum(bool(check_figures(catalogue.checks, kind, figures)) for kind, figures in docs)
    tally: dict[str, Counter] = defaultdict(Counter)
    rng = random.Random(seed)
    for _ in range(rounds):
        for report_type, figures in docs:
            order = list(figures)
            changed, errors = inject(figures, order, rate, rng)
            if not errors:
                continue
            failed = check_figures(catalogue.checks, report_type, changed)
            bound = instances(catalogue.checks, report_type, changed)
            for key, (how, truth, fate) in errors.items():
                _score(tally, key, how, truth, fate, bound, failed, multiple=len(errors) > 1)
    return {"documents": len(docs), "clean_flagged": clean_flagged, "tally": tally}


def _score(tally, key, how, truth, fate, bound, failed, multiple: bool) -> None:
    """Count one injected error under each kind of identity that covers its figure."""
    if fate == "refused":
        tally["refused by the reader"]["errors"] += 1
        return
    term = f"{key[0]}" if key[1] == "actual" else f"{key[0]}@{key[1]}"
    kinds = {i.check.kind for i in bound if any(t.key == key for t in i.terms)}
    if kinds & {"sum", "ratio"}:
        kinds.add("sum or ratio")
    hit = [f for f in failed if term in f["codes"]]
    right = any(f["repair"] and (f["repair"]["code"], f["repair"]["kind"]) == key
                and f["repair"]["value"] == truth
                for f in hit)
    for kind in kinds or {"no identity"}:
        row = tally[kind]
        row["errors"] += 1
        row["flagged"] += bool([f for f in hit if f["kind"] == kind or kind == "sum or ratio" and
                                f["kind"] in ("sum", "ratio") or kind == "no identity"])
        if how != "next row":
            row["misreadings"] += 1
            row["right repair"] += right
        row["several errors in the document"] += multiple


# ---- the generated archive ------------------------------------------------------------------------
def archive(seed: int, districts: int = 40, years: range = range(2015, 2025), codes: int = 6) -> dict:
    """{(unit, code, year): value} for districts and their communes, and each district's communes."""
    rng = random.Random(seed)
    values, members = {}, {}
    for d in range(districts):
        communes = [f"d{d}c{c}" for c in range(rng.randint(8, 20))]
        members[f"d{d}"] = communes
        for code in range(codes):
            totals = Counter()
            for unit in communes:
                level, growth = rng.lognormvariate(4.5, 0.8), rng.gauss(0.05, 0.04)
                for k, year in enumerate(years):
                    value = round(level * (1 + growth) ** k * rng.lognormvariate(0, 0.1))
                    totals[year] += value
                    if rng.random() < 0.9:
                        values[(unit, code, year)] = value
            for year in years:
                values[(f"d{d}", code, year)] = round(totals[year] * (1 + rng.uniform(0, 0.03)))
    return {"values": values, "members": members}


def bench_archive(rounds: int, rate: float, seed: int) -> dict:
    catalogue = default_catalogue()
    history = next(c for c in catalogue.checks if c.kind == "history")
    summed = next(c for c in catalogue.checks if c.kind == "rollup")
    data = archive(seed)
    clean = _archive_flags(data, data["values"], history, summed)
    units_years = {(unit, year) for unit, _, year in data["values"]}
    tally: dict[str, Counter] = defaultdict(Counter)
    rng = random.Random(seed + 1)
    for _ in range(rounds):
        values, errors = dict(data["values"]), {}
        for key, value in data["values"].items():
            if rng.random() >= rate:
                continue
            how = rng.choice(MISREADINGS[:3] + ("next row",))
            if how == "next row":  # the next indicator's figure of the same unit and year
                new = data["values"].get((key[0], key[1] + 1, key[2]))
            else:
                raw = misread(f"{value:,}".replace(",", "."), how, rng)
                parsed = parse_value(raw, "count") if raw else None
                new = parsed.value if isinstance(parsed, Parsed) else None
            if new is None or new == value:
                continue
            values[key], errors[key] = new, how
        flagged = _archive_flags(data, values, history, summed)
        for key, how in errors.items():
            for kind in ("history", "rollup"):
                if key in flagged[kind + " judged"]:
                    row = tally[f"{kind}: {'ten-fold' if how in TEN_FOLD else how}"]
                    row["errors"] += 1
                    row["flagged"] += key in flagged[kind]
    return {"unit_years": len(units_years), "clean": clean, "tally": tally}


def _archive_flags(data: dict, values: dict, history, summed) -> dict:
    """The figures flagged by history and by rollup, the figures each could judge, and the clean
    unit-years flagged."""
    series = defaultdict(list)
    for (unit, code, year), value in values.items():
        series[(unit, code)].append((year, value))
    out = {"history": set(), "history judged": set(), "rollup": set(), "rollup judged": set()}
    for (unit, code), points in series.items():
        if len(points) > history.params.get("min_years", 3):
            out["history judged"] |= {(unit, code, y) for y, _ in points}
        out["history"] |= {(unit, code, o.year) for o in outliers(points, history)}
    for district, communes in data["members"].items():
        for code, year in {(c, y) for (u, c, y) in values if u == district}:
            children = [(u, code, year) for u in communes if (u, code, year) in values]
            result = rollup(values[(district, code, year)], [values[k] for k in children], len(communes),
                            summed)
            if result is None:
                continue
            sides = {(district, code, year), *children}
            out["rollup judged"] |= sides
            if not result.holds:
                out["rollup"] |= sides
    out["unit-years flagged"] = {(u, y) for u, _, y in out["history"] | out["rollup"]}
    return out


# ---- the table --------------------------------------------------------------------------------------------
def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    –  "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dev", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    parser.add_argument("--extracted", type=Path, help="JSON Lines of `xhht extract --format jsonl` over DEV")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    dev = bench_dev(dev_results(Path(args.dev), args.extracted), args.rounds, args.rate, args.seed)
    print(f"dev corpus: {dev['documents']} documents, {args.rounds} rounds, {args.rate:.0%} of "
          "figures misread")
    print(f"{'identity kind covering the figure':36s} {'errors':>7s} {'flagged':>8s} {'right repair':>13s}")
    for kind in ("sum or ratio", "sum", "ratio", "ordering", "range", "no identity", "refused by the reader"):
        row = dev["tally"].get(kind, Counter())
        print(f"{kind:36s} {row['errors']:7d} {share(row['flagged'], row['errors']):>8s} "
              f"{share(row['right repair'], row['misreadings']):>13s}")
    print(f"clean documents flagged: {dev['clean_flagged']} of {dev['documents']} "
          f"({share(dev['clean_flagged'], dev['documents']).strip()})")
    print("  (right repair: among misreadings; a value from the next row has no misreading to undo)")

    gen = bench_archive(max(1, args.rounds // 4), args.rate, args.seed)
    print(f"\ngenerated archive: {gen['unit_years']} unit-years, 10 years, districts with 8-20 communes")
    print(f"{'check: misreading':36s} {'errors':>7s} {'flagged':>8s}")
    for kind in sorted(gen["tally"]):
        row = gen["tally"][kind]
        print(f"{kind:36s} {row['errors']:7d} {share(row['flagged'], row['errors']):>8s}")
    clean = gen["clean"]
    print(f"clean unit-years flagged: {len(clean['unit-years flagged'])} of {gen['unit_years']} "
          f"({share(len(clean['unit-years flagged']), gen['unit_years']).strip()}); clean figures flagged by "
          f"history {len(clean['history'])}, by rollup {len(clean['rollup'])}")


if __name__ == "__main__":
    main()

"""A line chart of one indicator as inline SVG, drawn on the server (no script, no network).

Legible however many units the comparison holds: it draws at most MAX_LINES units (the largest
latest values, by `charted`) and `note` says on the page which units and years are drawn; the rest
stay in the table. Years sit on a true time axis (a gap of two years is twice as wide as one), the
value axis ticks at round numbers (whole ones for counts) written as the interface's language writes
numbers, targets are dashed with hollow points against solid results with filled ones (the key says so
in words), points of several units at the same place are set side by side so none hides another, and
the legend sits beside the plot, never on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from extractor.i18n import N_, _, kind_name, number
from extractor.query import Pivot

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f"]
MAX_LINES = 10
WIDTH = 900
PLOT_HEIGHT = 270
MARGIN = {"left": 80, "right": 310, "top": 28, "bottom": 36}
LEGEND_ROW = 17  # px between legend entries
LEGEND_CHARS = 42  # a unit's name is cut (with …) to fit the legend's width
YEAR_LABEL_GAP = 36  # px a year label needs; closer years are not all labelled
EDGE = 24  # px between the axes and the first / last year, room for points set side by side
SPREAD = 10  # px between the points of units that would otherwise lie on one another
OVERLAP = 9  # px: points of one year closer than this (vertically) would hide each other
RADIUS = {"actual": 3.0, "target": 4.5}  # a result's filled dot shows inside its target's hollow ring


@dataclass
class Series:
    name: str
    kind: str  # "actual" (solid) or "target" (dashed)
    colour: str
    unit: str | None  # of measure, for the points' titles
    points: list[tuple[int, float, float, float]]  # year, value, x, y

    @property
    def dashed(self) -> bool:
        return self.kind == "target"


@dataclass
class Layout:
    """Where everything is drawn, in SVG pixels; kept apart from the markup so it can be measured."""

    width: int
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    series: list[Series]
    y_ticks: list[tuple[float, str]]  # y, label
    x_ticks: list[tuple[float, int, bool]]  # x, year, labelled
    # y, text, colour, dashed, key (a row of the key: its sample has a point, hollow when dashed)
    legend: list[tuple[float, str, str, bool, bool]] = field(default_factory=list)
    legend_box: tuple[float, float, float, float] = (0, 0, 0, 0)


def latest(pivot: Pivot, values: dict) -> tuple[int, float] | None:
    """A unit's latest value: its result (else its target) in the most recent year it has a number
    for, with that year; None when it has no number at all."""
    return next(((year, float(v)) for year in reversed(pivot.years) for kind in ("actual", "target")
                 if isinstance(v := values.get((year, kind)), int | float)), None)


def charted(pivot: Pivot) -> list[int]:
    """The rows the chart draws (at most MAX_LINES), by one stated rule, so the same data always
    gives the same chart: the units with the largest latest values (see `latest`); a more recent
    year ranks first, then the larger value, then the name. Units without any number are not drawn."""
    ranked = []
    for k, (name, values) in enumerate(pivot.rows):
        found = latest(pivot, values)
        if found is not None:
            ranked.append(((-found[0], -found[1]), name, k))
    return [k for _, _, k in sorted(ranked)[:MAX_LINES]]


def round_ticks(low: float, high: float, whole: bool, count: int = 5) -> list[float]:
    """About `count` evenly spaced round values (steps of 1, 2, 2.5 or 5 × a power of ten) covering
    low..high; whole steps when the values are counts (`whole`), so no tick reads 2.5 people."""
    span = (high - low) or abs(high) or 1.0
    raw = span / (count - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10)
                if m * power >= raw * (1 - 1e-9) and not (whole and m == 2.5 and power < 10))
    if whole:
        step = max(1.0, round(step))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    if first == last:
        last += 1
    return [round(k * step, 10) for k in range(first, last + 1)]


def year_ticks(years: list[int], x) -> list[tuple[float, int, bool]]:
    """Every year of the table on the axis; a year is labelled only when its label does not run
    into the previous label (many years on a narrow axis), the last year always."""
    out, last_x = [], -math.inf
    for k, year in enumerate(years):
        at = x(year)
        final = k == len(years) - 1
        labelled = final or (at - last_x >= YEAR_LABEL_GAP and x(years[-1]) - at >= YEAR_LABEL_GAP)
        last_x = at if labelled else last_x
        out.append((at, year, labelled))
    return out


def _series_values(pivot: Pivot, drawn: list[int]) -> list[tuple[str, str, list[tuple[int, float]]]]:
    out = []
    for k in drawn:
        name, values = pivot.rows[k]
        for kind in pivot.kinds:
            points = [(y, float(v)) for y in pivot.years
                      if isinstance(v := values.get((y, kind)), int | float)]
            if points:
                out.append((name, kind, points))
    return out


def layout(pivot: Pivot, drawn: list[int] | None = None) -> Layout | None:
    """The chart's geometry (of the rows `drawn`, by default `charted`), or None when nothing is numeric."""
    found = _series_values(pivot, charted(pivot) if drawn is None else drawn)
    if not found:
        return None
    names = list(dict.fromkeys(name for name, _, _ in found))
    kinds = [kind for kind in ("actual", "target") if any(k == kind for _, k, _ in found)]
    legend_rows = len(kinds) + len(names) + (1 if len(kinds) > 1 else 0)
    height = MARGIN["top"] + max(PLOT_HEIGHT, legend_rows * LEGEND_ROW) + MARGIN["bottom"]
    left, top = MARGIN["left"], MARGIN["top"]
    right, bottom = WIDTH - MARGIN["right"], height - MARGIN["bottom"]
    values = [v for _, _, pts in found for _, v in pts]
    ticks = round_ticks(min(0.0, *values), max(values), whole=pivot.unit != "%")
    first, last = min(pivot.years), max(pivot.years)

    def x(year: int) -> float:
        if first == last:
            return (left + right) / 2
        return left + EDGE + (right - left - 2 * EDGE) * (year - first) / (last - first)

    def y(value: float) -> float:
        return bottom - (bottom - top) * (value - ticks[0]) / (ticks[-1] - ticks[0])

    series = [Series(name, kind, COLOURS[names.index(name) % len(COLOURS)], pivot.unit,
                     [(yr, v, x(yr), y(v)) for yr, v in pts]) for name, kind, pts in found]
    gap = min((x(b) - x(a) for a, b in pairwise(pivot.years)), default=2 * EDGE)
    _side_by_side(series, names, min(gap, 2 * EDGE - 8))
    chart = Layout(WIDTH, height, (left, top, right, bottom), series,
                   [(y(t), number(t, pivot.unit)) for t in ticks], year_ticks(pivot.years, x))
    _place_legend(chart, kinds, names)
    return chart


def _side_by_side(series: list[Series], names: list[str], room: float) -> None:
    """Set apart horizontally the points of different units that would lie on one another (same
    year, nearly the same value: three communes with a 90 % target in 2024 would show as one), each
    group centred on its year, in the legend's order, within `room` px; a unit's target and result
    stay together (their rings and dots tell them apart). Points that hide nothing stay on their year."""
    at: dict[int, list[tuple[float, str]]] = {}
    for s in series:
        for year, _value, _x, y in s.points:
            at.setdefault(year, []).append((y, s.name))
    shift: dict[tuple[int, str], float] = {}
    for year, points in at.items():
        for group in _groups(sorted(points)):
            units = sorted({name for _, name in group}, key=names.index)
            step = min(SPREAD, room / len(units)) if len(units) > 1 else 0.0
            shift.update({(year, name): (k - (len(units) - 1) / 2) * step for k, name in enumerate(units)})
    for s in series:
        s.points = [(yr, v, x + shift.get((yr, s.name), 0.0), y) for yr, v, x, y in s.points]


def _groups(points: list[tuple[float, str]]) -> list[list[tuple[float, str]]]:
    """Points of one year (sorted by y) in runs where each is within OVERLAP px of the previous."""
    out: list[list[tuple[float, str]]] = []
    for point in points:
        if out and point[0] - out[-1][-1][0] < OVERLAP:
            out[-1].append(point)
        else:
            out.append([point])
    return out


KEY = {"actual": N_("solid line, filled dot: {kind}"), "target": N_("dashed line, hollow dot: {kind}")}


def _place_legend(chart: Layout, kinds: list[str], names: list[str]) -> None:
    """The key in words (dashed line, hollow dot = target; solid, filled = result) whenever targets
    are drawn — a chart of targets alone is otherwise read as results — then one row a unit, right
    of the plot: nothing is drawn under it."""
    rows: list[tuple[str, str, bool, bool]] = []
    if "target" in kinds:
        rows += [(_(KEY[kind]).format(kind=kind_name(kind)), "#444", kind == "target", True)
                 for kind in ("actual", "target")] + [("", "", False, False)]
    rows += [(_cut(name), COLOURS[k % len(COLOURS)], False, False) for k, name in enumerate(names)]
    left, top = chart.plot[2] + 20, chart.plot[1]
    chart.legend = [(top + LEGEND_ROW * k + 8, *row) for k, row in enumerate(rows) if row[0]]
    chart.legend_box = (left, top, chart.width, top + LEGEND_ROW * len(rows))


def _cut(name: str) -> str:
    return name if len(name) <= LEGEND_CHARS else name[:LEGEND_CHARS - 1].rstrip() + "…"


def svg(pivot: Pivot, drawn: list[int] | None = None) -> str:
    """One line per unit of `charted` (largest first), targets dashed; '' when nothing is numeric."""
    chart = layout(pivot, drawn)
    if chart is None:
        return ""
    left, top, right, bottom = chart.plot
    out = [f'<svg class="xhht-chart" role="img" viewBox="0 0 {chart.width} {chart.height}" '
           f'width="{chart.width}" height="{chart.height}" xmlns="http://www.w3.org/2000/svg">'
           f'<title>{escape(pivot.label)}</title>']
    if pivot.unit:
        out.append(f'<text class="axis-unit" x="{left}" y="{top - 12}" font-size="11">'
                   f'{escape(pivot.unit)}</text>')
    for at, label in chart.y_ticks:
        out.append(f'<line x1="{left}" y1="{at:.1f}" x2="{right}" y2="{at:.1f}" stroke="#e4e4e4"/>'
                   f'<text class="y-tick" x="{left - 6}" y="{at + 4:.1f}" text-anchor="end" '
                   f'font-size="11">{label}</text>')
    for at, year, labelled in chart.x_ticks:
        out.append(f'<line x1="{at:.1f}" y1="{bottom}" x2="{at:.1f}" y2="{bottom + 5}" stroke="#999"/>')
        if labelled:
            out.append(f'<text class="x-tick" x="{at:.1f}" y="{bottom + 18}" text-anchor="middle" '
                       f'font-size="11">{year}</text>')
    out.append(f'<polyline fill="none" stroke="#999" '
               f'points="{left},{top} {left},{bottom} {right},{bottom}"/>')
    out += [_line(s) for s in sorted(chart.series, key=lambda s: not s.dashed)]  # results over targets
    out += _legend(chart)
    out.append("</svg>")
    return "".join(out)


def _line(series: Series) -> str:
    """A unit's line and its points, each point titled with unit, year, kind and value; a target's
    line dashed and its points hollow rings, larger than a result's dots, so both show at one place."""
    dash = ' stroke-dasharray="6,4"' if series.dashed else ""
    fill = "none" if series.dashed else series.colour
    radius = RADIUS[series.kind]
    path = " ".join(f"{x:.1f},{y:.1f}" for _, _, x, y in series.points)
    out = [f'<g class="series {series.kind}"><polyline fill="none" stroke="{series.colour}" stroke-width="2"'
           f'{dash} points="{path}"/>']
    out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" stroke="{series.colour}" '
            f'stroke-width="1.5"><title>{escape(series.name)} {year}, {kind_name(series.kind)}: '
            f'{number(v, series.unit)}</title></circle>' for year, v, x, y in series.points]
    return "".join(out) + "</g>"


def _legend(chart: Layout) -> list[str]:
    left = chart.legend_box[0]
    out = ['<g class="legend">']
    for y, text, colour, dashed, key in chart.legend:
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        out.append(f'<line x1="{left}" y1="{y - 4}" x2="{left + 22}" y2="{y - 4}" stroke="{colour}" '
                   f'stroke-width="2.5"{dash}/>')
        if key:
            kind = "target" if dashed else "actual"
            out.append(f'<circle cx="{left + 11}" cy="{y - 4}" r="{RADIUS[kind]}" stroke="{colour}" '
                       f'stroke-width="1.5" fill="{"#fff" if dashed else colour}"/>')
        out.append(f'<text x="{left + 28}" y="{y}" font-size="11">{escape(text)}</text>')
    return out + ["</g>"]


def figure(pivot: Pivot, summed: bool = False) -> tuple[str, str]:
    """The chart and its note, the units ranked once (a large comparison has thousands); `summed`:
    the rows are sums over communes (a row without a number then has no sum)."""
    drawn = charted(pivot)
    return svg(pivot, drawn), note(pivot, drawn, summed)


def note(pivot: Pivot, drawn_rows: list[int] | None = None, summed: bool = False) -> str:
    """What the page says under the chart: which units are drawn, by what rule, why the others are
    not (each reason counted: a smaller value or none in the latest year, no sum, no number) and
    which years are drawn."""
    drawn = charted(pivot) if drawn_rows is None else drawn_rows
    total = len(pivot.rows)
    if len(drawn) == total:
        units = _("The chart shows the only unit.") if total == 1 else _(  # not "all 1 units"
            "The chart shows all %(total)s units.") % {"total": number(total)}
        return f"{units}{_in_words(pivot, drawn)} {_years(pivot)}"
    counts, newest, drawn_older = left_out(pivot, drawn)
    if counts["smaller"] or counts["older"]:
        units = _("The chart shows %(shown)s of %(total)s units, ranked by their latest value (a more recent "
                  "year first, then the larger value).")
    else:
        units = _("The chart shows %(shown)s of %(total)s units.")
    older = (_("%(count)s with no value in %(year)s and an older or smaller latest value than the units "
               "drawn") if drawn_older else _("%(count)s with no value in %(year)s"))
    reasons = {"smaller": _("%(count)s with a smaller value in %(year)s"), "older": older,
               "none": _("%(count)s with no sum (none of their communes reported a number)") if summed
               else _("%(count)s with no number to draw (values in words)")}
    why = ", ".join(reasons[k] % {"count": number(n), "year": newest} for k, n in counts.items() if n)
    units = units % {"shown": number(len(drawn)), "total": number(total)}
    why = _("Not drawn: %(reasons)s.") % {"reasons": why}
    table = _("All units are in the table.")
    return f"{units} {why}{_in_words(pivot, drawn)} {table} {_years(pivot)}"


def _in_words(pivot: Pivot, drawn: list[int]) -> str:
    """" Results in words are not drawn." when a unit drawn has one (Đạt, Chưa đạt): its targets may
    be drawn, and the key names a result line that is not there."""
    words = any(isinstance(v, str) for k in drawn for (_, kind), v in pivot.rows[k][1].items()
                if kind == "actual")
    if not words:
        return ""
    return " " + _("Results written in words (Đạt, Chưa đạt) are not drawn; they are in the table.")


def left_out(pivot: Pivot, drawn: list[int]) -> tuple[dict[str, int], int | None, bool]:
    """How many rows the chart leaves out, by why: a smaller value in the newest year drawn, no
    value in that year (an older latest value ranks after it), or no number at all; that year; and
    whether a unit drawn has no value in that year either (then those left out without one were
    ranked out by an older or smaller latest value, not for lacking that year alone)."""
    kept = set(drawn)
    found = {k: latest(pivot, values) for k, (_name, values) in enumerate(pivot.rows)}
    newest = max((f[0] for f in found.values() if f), default=None)
    counts = {"smaller": 0, "older": 0, "none": 0}
    for k, value in found.items():
        if k not in kept:
            counts["none" if value is None else "smaller" if value[0] == newest else "older"] += 1
    return counts, newest, any(found[k] is not None and found[k][0] != newest for k in kept)


def _years(pivot: Pivot) -> str:
    return _("Years on the chart: %(years)s.") % {"years": ", ".join(str(y) for y in pivot.years)}

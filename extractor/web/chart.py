"""A line chart of one indicator as inline SVG, drawn on the server (no script, no network).

Legible however many units the comparison holds: it draws at most MAX_LINES units (the largest
latest values, by `charted`) and `note` says on the page which units and years are drawn; the rest
stay in the table. Years sit on a true time axis (a gap of two years is twice as wide as one), the
value axis ticks at round numbers (whole ones for counts) written as the interface's language writes
numbers, targets are dashed against solid results, and the legend sits beside the plot, never on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from extractor.i18n import _, kind_name, number
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
EDGE = 14  # px between the axes and the first / last year, so no point sits on an axis


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
    legend: list[tuple[float, str, str, bool]] = field(default_factory=list)  # y, text, colour, dashed
    legend_box: tuple[float, float, float, float] = (0, 0, 0, 0)


def charted(pivot: Pivot) -> list[int]:
    """The rows the chart draws (at most MAX_LINES), by one stated rule, so the same data always
    gives the same chart: the units with the largest latest values — a unit's latest value is its
    result (else its target) in the most recent year it has a number for; a more recent year ranks
    first, then the larger value, then the name. Units without any number are not drawn."""
    ranked = []
    for k, (name, values) in enumerate(pivot.rows):
        latest = next(((-year, -float(v)) for year in reversed(pivot.years) for kind in ("actual", "target")
                       if isinstance(v := values.get((year, kind)), int | float)), None)
        if latest is not None:
            ranked.append((latest, name, k))
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
    chart = Layout(WIDTH, height, (left, top, right, bottom), series,
                   [(y(t), number(t, pivot.unit)) for t in ticks], year_ticks(pivot.years, x))
    _place_legend(chart, kinds, names)
    return chart


def _place_legend(chart: Layout, kinds: list[str], names: list[str]) -> None:
    """The key (solid = result, dashed = target, when both are drawn) then one row a unit, right
    of the plot: nothing is drawn under it."""
    rows: list[tuple[str, str, bool]] = []
    if len(kinds) > 1:
        rows += [(kind_name(kind), "#444", kind == "target") for kind in kinds] + [("", "", False)]
    rows += [(_cut(name), COLOURS[k % len(COLOURS)], False) for k, name in enumerate(names)]
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
    out += [_line(s) for s in chart.series]
    out += _legend(chart)
    out.append("</svg>")
    return "".join(out)


def _line(series: Series) -> str:
    """A unit's line and its points, each point titled with unit, year, kind and value; a target's
    line dashed and its points hollow."""
    dash = ' stroke-dasharray="6,4"' if series.dashed else ""
    fill = "#fff" if series.dashed else series.colour
    path = " ".join(f"{x:.1f},{y:.1f}" for _, _, x, y in series.points)
    out = [f'<g class="series {series.kind}"><polyline fill="none" stroke="{series.colour}" stroke-width="2"'
           f'{dash} points="{path}"/>']
    out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{fill}" stroke="{series.colour}" '
            f'stroke-width="1.5"><title>{escape(series.name)} {year}, {kind_name(series.kind)}: '
            f'{number(v, series.unit)}</title></circle>' for year, v, x, y in series.points]
    return "".join(out) + "</g>"


def _legend(chart: Layout) -> list[str]:
    left = chart.legend_box[0]
    out = ['<g class="legend">']
    for y, text, colour, dashed in chart.legend:
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        out.append(f'<line x1="{left}" y1="{y - 4}" x2="{left + 22}" y2="{y - 4}" stroke="{colour}" '
                   f'stroke-width="2.5"{dash}/><text x="{left + 28}" y="{y}" font-size="11">'
                   f'{escape(text)}</text>')
    return out + ["</g>"]


def figure(pivot: Pivot) -> tuple[str, str]:
    """The chart and its note, the units ranked once (a large comparison has thousands)."""
    drawn = charted(pivot)
    return svg(pivot, drawn), note(pivot, drawn)


def note(pivot: Pivot, drawn_rows: list[int] | None = None) -> str:
    """What the page says under the chart: which units are drawn, by what rule, and which years."""
    drawn = len(charted(pivot) if drawn_rows is None else drawn_rows)
    total = len(pivot.rows)
    if drawn < total:
        units = _("The chart shows %(shown)s of %(total)s units: the %(shown)s with the largest latest "
                  "values (a more recent year first, then the larger value). All units are in the table.") % {
            "shown": number(drawn), "total": number(total)}
    else:
        units = _("The chart shows all %(total)s units.") % {"total": number(total)}
    years = _("Years on the chart: %(years)s.") % {"years": ", ".join(str(y) for y in pivot.years)}
    return f"{units} {years}"

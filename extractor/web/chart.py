"""A line chart of one indicator as inline SVG, drawn on the server (no script, no network)."""

from __future__ import annotations

from html import escape

from extractor.i18n import number
from extractor.query import Pivot

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f"]
MAX_LINES = 10


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


def svg(pivot: Pivot, width: int = 900, height: int = 320) -> str:
    """One line per unit of `charted` (largest first), targets dashed; '' when nothing is numeric."""
    series = []
    for k in charted(pivot):
        name, values = pivot.rows[k]
        for kind in pivot.kinds:
            points = [(y, values.get((y, kind))) for y in pivot.years]
            points = [(y, float(v)) for y, v in points if isinstance(v, int | float)]
            if points:
                series.append((name, kind, points))
    if not series:
        return ""
    left, right, top, bottom = 56, 300, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    years = pivot.years
    low = min(0.0, *(v for _, _, pts in series for _, v in pts))
    high = max(v for _, _, pts in series for _, v in pts) or 1.0

    def x(year: int) -> float:
        return left + (plot_w * years.index(year) / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low or 1))

    out = [f'<svg class="xhht-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(pivot.label)}</title>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>']
    for k in range(5):
        value = low + (high - low) * k / 4
        out.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                   f'font-size="11">{_tick(value)}</text>')
    for year in years:
        out.append(f'<text x="{x(year):.1f}" y="{height - 12}" text-anchor="middle" '
                   f'font-size="11">{year}</text>')
    names = list(dict.fromkeys(s[0] for s in series))
    for name, kind, points in series:
        colour = COLOURS[names.index(name) % len(COLOURS)]
        path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points)
        dash = ' stroke-dasharray="5,4"' if kind == "target" else ""
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{path}"/>')
        out += [f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(name)} {yr}: '
                f'{_tick(v)}</title></circle>' for yr, v in points]
    for k, name in enumerate(names):
        ly = top + 14 * k + 8
        out.append(f'<rect x="{left + plot_w + 12}" y="{ly - 8}" width="10" height="10" '
                   f'fill="{COLOURS[k % len(COLOURS)]}"/>')
        out.append(f'<text x="{left + plot_w + 26}" y="{ly + 1}" font-size="11">{escape(name[:45])}</text>')
    out.append("</svg>")
    return "".join(out)


def _tick(value: float) -> str:
    """A number on the axis or in a tooltip, written as the interface's language writes numbers."""
    return number(round(value, 1))

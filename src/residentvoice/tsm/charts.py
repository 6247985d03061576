"""Charts for the TSM pages: Altair specifications drawn to SVG by vl-convert on the server, so
no script runs in the browser. Every chart is built from the same rows the page shows as a table,
and is shown as an image with a text alternative (the site's content security policy allows
`data:` images, and an SVG inside an image cannot run anything)."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import vl_convert

from .selectors import BenchmarkTable, TrendPoint

# GOV.UK Frontend's palette: the highlighted bar in blue, the rest in grey.
BLUE, GREY, BLACK, ORANGE = "#1d70b8", "#b1b4b6", "#0b0c0c", "#f47738"
FONT = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    image: str  # a data: address of the SVG, for <img src>
    alt: str  # the short text alternative; the table beside the chart has every figure


@lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    return str(vl_convert.vegalite_to_svg(json.loads(spec_json)))


def _render(chart: alt.TopLevelMixin, alt_text: str) -> Chart:
    spec = chart.to_dict()
    svg = _svg(json.dumps(spec, sort_keys=True))
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(image=f"data:image/svg+xml;base64,{encoded}", alt=alt_text)


def _nice_step(span: float, bins: int = 12) -> float:
    """A round bin width (1, 2, 2.5 or 5 times a power of ten) giving about `bins` bins."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    landlords: int
    highlighted: list[str]  # the borough's landlords (or the chosen one) in this bin

    @property
    def label(self) -> str:
        return f"{_short(self.low)} to under {_short(self.high)}"


def _short(number: float) -> str:
    return f"{number:g}"


def benchmark_bins(table: BenchmarkTable, highlight: Sequence[str] = ()) -> list[Bin]:
    """Peers' values counted in round-width bins; the data behind the chart and its table.

    The highlighted landlords are the borough's ones, or the codes given."""
    values = [row.value for row in table.rows]
    if not values:
        return []
    low, high = min(values), max(values)
    step = _nice_step(high - low)
    start = math.floor(low / step) * step
    count = max(1, math.floor((high - start) / step) + 1)
    landlords = [0] * count
    names: list[list[str]] = [[] for _ in range(count)]
    for row in table.rows:
        index = min(count - 1, int((row.value - start) // step))
        landlords[index] += 1
        if row.code in highlight if highlight else bool(row.borough_landlord):
            names[index].append(row.borough_landlord or row.name)
    return [
        Bin(
            low=start + i * step,
            high=start + (i + 1) * step,
            landlords=landlords[i],
            highlighted=names[i],
        )
        for i in range(count)
    ]


def benchmark_chart(
    table: BenchmarkTable,
    bins: list[Bin],
    measure_name: str,
    highlight_label: str = "Includes a borough landlord",
) -> Chart | None:
    """A bar chart of how many landlords reported each range of values."""
    if not bins:
        return None
    data = alt.Data(
        values=[
            {
                "range": b.label,
                "order": i,
                "landlords": b.landlords,
                "group": highlight_label if b.highlighted else "Other landlords",
            }
            for i, b in enumerate(bins)
        ]
    )
    chart = (
        alt.Chart(data, title=f"{measure_name}: landlords by result")
        .mark_bar()
        .encode(
            x=alt.X(
                "range:N",
                sort=alt.SortField("order"),
                title="Result",
                axis=alt.Axis(labelAngle=-40),
            ),
            y=alt.Y("landlords:Q", title="Number of landlords"),
            color=alt.Color(
                "group:N",
                scale=alt.Scale(domain=[highlight_label, "Other landlords"], range=[BLUE, GREY]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
        .properties(width=560, height=260)
        .configure(font=FONT)
    )
    busiest = max(bins, key=lambda b: b.landlords)
    alt_text = (
        f"Bar chart of {table.summary.peers} landlords by their result for {measure_name}. "
        f"Most landlords ({busiest.landlords}) reported {busiest.label}. "
        "The table below the chart gives every bar's figure."
    )
    return _render(chart, alt_text)


def trend_chart(
    points: Sequence[TrendPoint], landlord_name: str, measure_name: str
) -> Chart | None:
    """The landlord's result year by year, beside the median of every landlord in England."""
    rows = []
    for point in points:
        if point.value is not None:
            rows.append({"year": point.year, "series": landlord_name, "result": point.value})
        if point.median is not None:
            rows.append({"year": point.year, "series": "England median", "result": point.median})
    if not rows:
        return None
    chart = (
        alt.Chart(alt.Data(values=rows), title=f"{measure_name}, year by year")
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Reporting year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("result:Q", title="Result"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=[landlord_name, "England median"], range=[BLUE, ORANGE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[landlord_name, "England median"], range=[[1, 0], [6, 3]]),
                legend=None,
            ),
        )
        .properties(width=560, height=260)
        .configure(font=FONT)
    )
    years = [p.year for p in points]
    alt_text = (
        f"Line chart of {landlord_name}'s result for {measure_name} from {years[0]} to "
        f"{years[-1]}, with the England median as a dashed line. "
        "The table below the chart gives every point."
        if years
        else ""
    )
    return _render(chart, alt_text)

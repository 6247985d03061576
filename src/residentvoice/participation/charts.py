"""Bar charts of results as SVG (Altair drawn by vl-convert, no browser needed).

Every chart is shown as an image with a text alternative, and every page that shows one also
shows the same figures as a table.
"""

from __future__ import annotations

import base64
import hashlib
import json

import altair as alt
import vl_convert
from django.core.cache import cache

BAR_COLOUR = "#1d70b8"  # GOV.UK blue: strong contrast on white
TEXT_COLOUR = "#0b0c0c"


def bar_chart_svg(
    *, rows: list[tuple[str, float]], value_title: str, whole_numbers: bool = True
) -> str:
    """A horizontal bar chart of (label, value) rows, as SVG text. Cached by content.

    Counts get whole-number ticks; averages (`whole_numbers=False`) get decimals.
    """
    spec_rows = [{"label": label, "value": value} for label, value in rows]
    key = (
        "rv-chart:"
        + hashlib.sha256(
            json.dumps([spec_rows, value_title, whole_numbers], sort_keys=True).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return str(cached)
    chart = (
        alt.Chart(alt.Data(values=spec_rows))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X(
                "value:Q",
                title=value_title,
                axis=alt.Axis(tickMinStep=1, format="d") if whole_numbers else alt.Axis(),
            ),
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            tooltip=["label:N", "value:Q"],
        )
        .properties(width=360, height=alt.Step(28))
        .configure_axis(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR, labelFontSize=13)
        .configure_view(stroke=None)
    )
    svg = str(vl_convert.vegalite_to_svg(chart.to_dict()))
    cache.set(key, svg, 60 * 60 * 24)
    return svg


def svg_data_uri(svg: str) -> str:
    """An <img> source: an image cannot run script, and the page's style policy stays strict."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

"""Charts drawn with Altair and turned into SVG by vl-convert, offline. Every chart is shown with
a table of the same figures beside it, so nothing is said by the picture alone."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import altair as alt
import vl_convert as vlc
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#505a5f"
FONT = "Arial, Helvetica, sans-serif"

# GOV.UK colours from the lowest rating to the highest, by the number of ratings on a scale. Pages
# show them as tag colours, charts as fills; "not applicable" is grey.
TAG_COLOURS = {
    1: ["green"],
    2: ["red", "green"],
    3: ["red", "yellow", "green"],
    4: ["red", "orange", "green", "blue"],
    5: ["red", "orange", "yellow", "green", "blue"],
}
HEX = {
    "red": "#d4351c",
    "orange": "#f47738",
    "yellow": "#ffdd00",
    "green": "#00703c",
    "turquoise": "#28a197",
    "blue": "#1d70b8",
    "grey": "#b1b4b6",
}


def rating_colour(rank: int | None, count: int) -> str:
    """The colour name of a rating, by its place on a scale of `count` ratings."""
    if rank is None:
        return "grey"
    colours = TAG_COLOURS.get(count, ["red", "orange", "yellow", "green", "turquoise", "blue"])
    return colours[min(rank, len(colours) - 1)]


def rating_short_forms(labels: list[str]) -> dict[str, str]:
    """Short forms of the ratings for the wide grids, on the site and in the annual report alike
    (initials, made unique: "Partly met" -> "PM"), always shown with a key."""
    short: dict[str, str] = {}
    for label in labels:
        initials = "".join(word[0] for word in label.split() if word).upper() or label
        candidate, n = initials, 1
        while candidate in short.values():
            n += 1
            candidate = f"{initials}{n}"
        short[label] = candidate
    return short


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(font=FONT).configure_axis(
        labelFontSize=12, titleFontSize=12, labelColor=DARK, titleColor=DARK
    )


def to_svg(chart: alt.TopLevelMixin, label: str) -> SafeString:
    """The chart as inline SVG, named for screen readers (the table beside it gives the figures)."""
    svg = vlc.vegalite_to_svg(_config(chart).to_dict())
    # The picture is one image to assistive technology; its parts are read from the table.
    svg = re.sub(r'\s(role|aria-roledescription|aria-label)="[^"]*"', "", svg)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{html.escape(label, quote=True)}" focusable="false" ',
        1,
    )
    return mark_safe(svg)  # noqa: S308 - produced by vl-convert from our own figures


def share_by_landlord(rows: list[tuple[str, Any]], median: float | None, label: str) -> SafeString:
    """Horizontal bars: each landlord's share of commitments met or exceeded, with the median."""
    data = [{"landlord": name, "share": float(share)} for name, share in rows if share is not None]
    bars = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("landlord:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "share:Q",
                title="Commitments met or exceeded (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
        )
    )
    text = (
        alt.Chart(alt.Data(values=data))
        .mark_text(align="left", dx=3, color=DARK, fontSize=11)
        .encode(
            y=alt.Y("landlord:N", sort=None), x="share:Q", text=alt.Text("share:Q", format=".1f")
        )
    )
    layers: list[Any] = [bars, text]
    if median is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"median": float(median)}]))
            .mark_rule(color=DARK, strokeDash=[5, 4], strokeWidth=2)
            .encode(x="median:Q")
        )
    chart = alt.layer(*layers).properties(width=420, height=max(60, 18 * len(data)))
    return to_svg(chart, label)


def share_by_year(rows: list[tuple[str, Any]], label: str) -> SafeString:
    """Bars by reporting year: a landlord's (or the borough's) share met or exceeded."""
    data = [{"year": year, "share": float(share)} for year, share in rows if share is not None]
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(color=BLUE, size=36).encode(
        x=alt.X("year:N", title="Reporting year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "share:Q", title="Commitments met or exceeded (%)", scale=alt.Scale(domain=[0, 100])
        ),
    )
    text = base.mark_text(dy=-7, color=DARK, fontSize=12).encode(
        x="year:N", y="share:Q", text=alt.Text("share:Q", format=".1f")
    )
    chart = alt.layer(bars, text).properties(width=max(160, 70 * len(data)), height=200)
    return to_svg(chart, label)


def ratings_by_commitment(rows: list[dict[str, Any]], ratings: list[str], label: str) -> SafeString:
    """Stacked bars: for each commitment, how many landlords got each rating."""
    data = [
        {
            "commitment": row["commitment"],
            "rating": rating,
            "landlords": row["counts"].get(rating, 0),
        }
        for row in rows
        for rating in ratings
        if row["counts"].get(rating, 0)
    ]
    scale = [r for r in ratings if r != "Not applicable"]
    colours = [
        HEX[rating_colour(None if r == "Not applicable" else scale.index(r), len(scale))]
        for r in ratings
    ]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("commitment:N", sort=None, title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X("sum(landlords):Q", title="Landlords", stack="zero"),
            color=alt.Color(
                "rating:N",
                scale=alt.Scale(domain=ratings, range=colours),
                sort=ratings,
                legend=alt.Legend(title="Rating", orient="bottom"),
            ),
            order=alt.Order("rating_order:Q"),
        )
        .transform_calculate(
            rating_order=" + ".join(
                f"(datum.rating === {json.dumps(rating)} ? {i} : 0)"
                for i, rating in enumerate(ratings)
            )
            or "0"
        )
        .properties(width=420, height=max(60, 18 * len(rows)))
    )
    return to_svg(chart, label)

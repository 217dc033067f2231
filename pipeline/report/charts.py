"""The report's charts: Altair specifications, rendered to SVG (the page, the PDF) or PNG (mail
clients that drop SVG) by vl-convert: no browser, no network. Each chart function takes the
report's own frames and returns a Vega-Lite specification (JSON text); every function raises
ChartsUnavailable when the optional packages are missing (``pip install 'mailtls[report]'``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pandas as pd

from pipeline.errors import MailtlsError

INSTALL_HINT: Final = "pip install 'mailtls[report]' (altair, vl-convert-python)"
# colour by level and security class; the same in every chart and the HTML's legend
COLOURS: Final = {
    "L0": "#c0392b",
    "L1": "#e67e22",
    "L2": "#2e86c1",
    "L3": "#1e8449",
    "cleartext": "#c0392b",
    "legacy TLS": "#e67e22",
    "modern TLS": "#1e8449",
    "unknown": "#95a5a6",
}
STATE_COLOURS: Final = {
    "met": "#1e8449",
    "ahead": "#2e86c1",
    "late": "#c0392b",
    "upcoming": "#7f8c8d",
    "done, not met": "#e67e22",
}
WIDTH: Final = 560
FONT: Final = "Helvetica, Arial, sans-serif"


class ChartsUnavailable(MailtlsError):
    """altair or vl-convert-python is not installed."""


def _libraries() -> tuple[Any, Any]:
    try:
        import altair as alt
        import vl_convert as vlc
    except ImportError as exc:
        raise ChartsUnavailable(f"charts need {INSTALL_HINT}: {exc}") from exc
    return alt, vlc


def svg(spec: str) -> str:
    _, vlc = _libraries()
    text: str = vlc.vegalite_to_svg(spec)
    return text


def png(spec: str, scale: float = 2) -> bytes:
    _, vlc = _libraries()
    data: bytes = vlc.vegalite_to_png(spec, scale=scale)
    return data


def _spec(chart: Any) -> str:
    text: str = chart.configure(font=FONT).configure_view(stroke=None).to_json()
    return text


def exposed_users(weekly: pd.DataFrame) -> str:
    """Users at L0 and L1 per week, as grouped bars."""
    alt, _ = _libraries()
    data = weekly.melt(
        id_vars="week",
        value_vars=["l0_user_count", "l1_user_count"],
        var_name="level",
        value_name="users",
    )
    data["level"] = data["level"].map({"l0_user_count": "L0", "l1_user_count": "L1"})
    data["week"] = pd.to_datetime(data["week"]).dt.strftime("%Y-%m-%d")
    chart = (
        alt.Chart(data, title="Users at L0 (cleartext) and L1 (legacy TLS), per week")
        .mark_bar()
        .encode(
            x=alt.X("week:O", title="week starting", axis=alt.Axis(labelAngle=-40)),
            xOffset="level:N",
            y=alt.Y("users:Q", title="users", axis=alt.Axis(tickMinStep=1)),
            color=_colour(alt, ["L0", "L1"]),
        )
        .properties(width=WIDTH, height=200)
    )
    return _spec(chart)


def logins(weekly: pd.DataFrame) -> str:
    """Mail-client logins per week by security class, stacked."""
    alt, _ = _libraries()
    names = {
        "cleartext_logins": "cleartext",
        "legacy_tls_logins": "legacy TLS",
        "modern_tls_logins": "modern TLS",
        "unknown_logins": "unknown",
    }
    data = weekly.melt(
        id_vars="week", value_vars=list(names), var_name="security", value_name="logins"
    )
    data["security"] = data["security"].map(names)
    data["week"] = pd.to_datetime(data["week"]).dt.strftime("%Y-%m-%d")
    data["order"] = data["security"].map({name: i for i, name in enumerate(names.values())})
    chart = (
        alt.Chart(data, title="Mail-client logins per week, by how the password travelled")
        .mark_bar()
        .encode(
            x=alt.X("week:O", title="week starting", axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("logins:Q", title="logins"),
            color=_colour(alt, list(names.values())),
            order=alt.Order("order:Q"),
        )
        .properties(width=WIDTH, height=200)
    )
    return _spec(chart)


def plan_timeline(phases: pd.DataFrame, as_of: date) -> str:
    """Each phase on a date axis: planned (hollow), actual (filled), the slip from the first
    planned date (line), coloured by state; a rule at ``as_of``."""
    alt, _ = _libraries()
    data = phases.dropna(subset=["planned"]).copy()
    for column in ("first_planned", "planned", "actual"):
        data[column] = pd.to_datetime(data[column])
    data["label"] = data["phase"] + " " + data["name"].str.slice(0, 24)
    y = alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=200))
    colour = alt.Color(
        "state:N",
        title="state",
        scale=alt.Scale(domain=list(STATE_COLOURS), range=list(STATE_COLOURS.values())),
    )
    slip = (
        alt.Chart(data)
        .mark_rule(strokeWidth=2, strokeDash=[4, 3], color="#7f8c8d")
        .encode(x=alt.X("first_planned:T", title=None), x2="planned:T", y=y)
    )
    planned = (
        alt.Chart(data)
        .mark_point(size=90, filled=False, strokeWidth=2)
        .encode(x="planned:T", y=y, color=colour)
    )
    actual = (
        alt.Chart(data.dropna(subset=["actual"]))
        .mark_point(size=90, filled=True, shape="diamond")
        .encode(x="actual:T", y=y, color=colour)
    )
    today = (
        alt.Chart(pd.DataFrame({"day": [pd.Timestamp(as_of)]}))
        .mark_rule(color="#34495e")
        .encode(x="day:T")
    )
    chart = (slip + planned + actual + today).properties(
        padding={"left": 40, "right": 10, "top": 5, "bottom": 5},  # the browser's font is wider
        width=WIDTH - 220,
        height=28 * len(data),
        title="Planned (circle), done (diamond), moved (dashed), report day (line)",
    )
    return _spec(chart)


def _colour(alt: Any, domain: list[str]) -> Any:
    return alt.Color(
        "level:N" if domain[0].startswith("L") else "security:N",
        title=None,
        scale=alt.Scale(domain=domain, range=[COLOURS[d] for d in domain]),
        legend=alt.Legend(orient="top"),
    )

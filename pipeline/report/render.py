"""DataFrames into the text formats the commands print: aligned or rich text, Markdown, HTML,
CSV and JSON-ready records. One place decides how a cell is written."""

from __future__ import annotations

import html
import io
import json
import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from pipeline.report.escapes import printable, spreadsheet_safe


def plain_value(value: Any) -> Any:
    """A JSON-safe value: None for missing, ISO text for times, Python numbers."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()  # a DuckDB DATE arrives as a naive midnight
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class Share(float):
    """A share (0..1) that prints as a percentage; a plain number in JSON and CSV."""


# columns that hold shares (0..1): printed as percentages
SHARE_COLUMNS = frozenset({"coverage", "share"})


def percent(value: float) -> str:
    """``0.857`` → ``85.7 %``; whole and tiny shares keep enough digits to tell them apart."""
    if value in (0.0, 1.0):
        return f"{value:.0%}".replace("%", " %")
    return f"{value * 100:.3g} %"


def cell(value: Any, *, share: bool = False) -> str:
    """How a value reads in a table: empty when missing, times to the minute, short floats,
    shares (``share`` or a :class:`Share`) as percentages."""
    is_share = share or isinstance(value, Share)
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return percent(value) if is_share else f"{value:.3g}"
    if isinstance(value, str) and len(value) == 25 and value[10] == "T":
        return value[:16].replace("T", " ")  # UTC ISO time: the minute is enough in a table
    return printable(str(value))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): plain_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def rows(frame: pd.DataFrame) -> list[list[str]]:
    shares = [str(c) in SHARE_COLUMNS or str(c).endswith("_share") for c in frame.columns]
    return [
        [cell(v, share=s) for v, s in zip(row, shares, strict=True)]
        for row in frame.itertuples(index=False)
    ]


def text_table(frame: pd.DataFrame, *, title: str = "", styled: bool = False) -> str:
    """Columns aligned with spaces, or a rich table (with colour) when ``styled``."""
    header = [printable(str(c)) for c in frame.columns]
    body = rows(frame)
    title = printable(title)
    if styled:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        # Text, never a markup string: a user named "[/x]" or "[link=…]" is shown as written
        table = Table(title=Text(title) if title else None, title_justify="left")
        for name in header:
            table.add_column(Text(name))
        for line in body:
            table.add_row(*(Text(value) for value in line))
        buffer = io.StringIO()
        Console(file=buffer, force_terminal=True, width=160).print(table)
        return buffer.getvalue().rstrip("\n")
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(header)]
    lines = [title] if title else []
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
    if not body:
        lines.append("(none)")
    return "\n".join(lines)


def markdown_table(frame: pd.DataFrame) -> str:
    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    header = [printable(str(c)) for c in frame.columns]
    body = rows(frame)
    out = [line(header), "|" + "---|" * len(header), *(line(r) for r in body)]
    return "\n".join(out) if body else "\n".join([*out, "", "(none)"])


def html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(printable(str(c)))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows(frame)
    )
    if not body:
        body = f'<tr><td colspan="{max(len(frame.columns), 1)}">(none)</td></tr>'
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>"


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV that a spreadsheet opens as data (:func:`spreadsheet_safe`)."""
    out = frame.copy()
    out.columns = [spreadsheet_safe(str(c)) for c in out.columns]
    for column in out.columns:
        out[column] = [spreadsheet_safe(plain_value(v)) for v in out[column]]
    return str(out.to_csv(index=False, lineterminator="\n"))


FRAME_FORMATS = ("table", "csv", "json")


def frame_as(frame: pd.DataFrame, fmt: str, *, styled: bool = False) -> str:
    """``frame`` as one of FRAME_FORMATS, ending with a newline."""
    if fmt == "csv":
        return csv_text(frame)
    if fmt == "json":
        return json.dumps(records(frame), indent=2) + "\n"
    return text_table(frame, styled=styled) + "\n"

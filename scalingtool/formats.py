"""Output formats shared by every command: a rich table, JSON, CSV and LaTeX.

A command builds one :class:`Report` (rows for humans and spreadsheets, a JSON
document for scripts) and hands it to :func:`render`. JSON documents carry a
``schema`` key (``scalingtool/<command>/v1``); keys are only ever added within a
schema version, never renamed or removed. Exact rationals appear in JSON as
``{"exact": "2/3", "value": 0.6666666666666666}`` (see :func:`exact`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

from .echo import shown
from .errors import UsageError
from .jsonable import to_json

__all__ = ["FORMATS", "Report", "exact", "cell", "csv_text", "render", "terminal_width", "MAX_WIDTH"]

FORMATS = ("table", "json", "csv", "latex")


def exact(value: Fraction | int | None) -> dict[str, Any] | None:
    """JSON form of an exact rational: its text and its float value."""
    return None if value is None else to_json(Fraction(value), fractions="exact")


def cell(value: Any) -> str:
    """Text of one table or CSV cell: exact rationals as ``p/q``, floats to 4 significant digits."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.4g}"
    return str(value)


def csv_text(columns: Sequence[str], rows: list[dict[str, Any]]) -> str:
    """CSV with a header; floats keep full precision (``repr``), other cells as :func:`cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([repr(v) if isinstance(v, float) else cell(v)
                         for v in (row.get(c) for c in columns)])
    return buffer.getvalue()


def _latex_cell(value: Any) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return f"${value.numerator}$"
        sign = "-" if value < 0 else ""
        return f"${sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}$"
    text = cell(value)
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


@dataclass
class Report:
    """What a command prints.

    ``rows`` are dictionaries keyed by ``columns`` (values: Fraction, float, int, str, None);
    ``payload`` is the JSON document; ``notes`` are lines shown under the table only;
    ``csv_rows`` are rows the CSV adds after ``rows``: what the notes say in numbers (a CSV has
    no notes, and must not lose them).
    """

    title: str
    columns: Sequence[str]
    rows: list[dict[str, Any]]
    payload: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    latex: str | None = None  # a hand-made LaTeX rendering, if the command has a better one
    csv_rows: list[dict[str, Any]] = field(default_factory=list)


def render(report: Report, fmt: str) -> str:
    """The text of ``report`` in format ``fmt`` (``table`` is rendered with rich)."""
    if fmt == "json":
        return json.dumps(to_json(report.payload, nonfinite="null", fractions="exact"), indent=2,
                          allow_nan=False) + "\n"
    if fmt == "csv":
        return csv_text(report.columns, report.rows + report.csv_rows)
    if fmt == "latex":
        if report.latex is not None:
            return report.latex
        spec = "l" * len(report.columns)
        lines = [f"\\begin{{tabular}}{{{spec}}}", "\\hline",
                 " & ".join(_latex_cell(c) for c in report.columns) + " \\\\", "\\hline"]
        lines += [" & ".join(_latex_cell(row.get(c)) for c in report.columns) + " \\\\"
                  for row in report.rows]
        lines += ["\\hline", "\\end{tabular}"]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        return _rich_table(report)
    raise UsageError(f"format: unknown format {shown(str(fmt), 40)} (table, json, csv or latex)")


def _rich_table(report: Report) -> str:
    # deferred: rich loads only for a table ('--help', 'docs' and the json/csv formats never need it)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=report.title, title_justify="left")
    for column in report.columns:
        table.add_column(column)
    for row in report.rows:
        table.add_row(*(cell(row.get(c)) for c in report.columns))
    console = Console(file=io.StringIO(), width=terminal_width(), record=False,
                      force_terminal=_colour())
    if report.rows:
        console.print(table)
    elif report.title:  # an empty table says nothing its title does not
        console.print(report.title, markup=False, highlight=False, soft_wrap=True)
    for note in report.notes:
        console.print(note, markup=False, highlight=False, soft_wrap=True)
    return console.file.getvalue()  # type: ignore[attr-defined]


#: the widest table rendered: past this a width is a mistake (``COLUMNS=99999999`` would pad a
#: three-row table to hundreds of megabytes)
MAX_WIDTH = 1000


def terminal_width(fallback: int = 120, minimum: int = 80) -> int:
    """The terminal's width, else ``COLUMNS``, else ``fallback``; at least ``minimum`` and at most
    :data:`MAX_WIDTH`, whatever ``COLUMNS`` holds (text, a negative or a 20-digit number)."""
    text = os.environ.get("COLUMNS", "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= 6):
        text = ""  # unusable: fall back as if unset
    try:
        columns = int(text) if text else shutil.get_terminal_size((fallback, 24)).columns
    except (ValueError, OverflowError):
        columns = fallback
    return min(MAX_WIDTH, max(minimum, columns))


def _colour() -> bool | None:
    """Colour only on a terminal and never under ``NO_COLOR`` (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or None

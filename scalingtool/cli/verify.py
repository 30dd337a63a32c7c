"""``scalingtool verify``: claims and tiers side by side; exit 1 on a failed row, 2 on bad input."""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Iterator, List, Optional

import typer

from .. import schemas
from ..errors import UsageError
from ..files import check_output_path
from ..formats import Report, terminal_width
from .cluster import open_executor, scheduler_option, workers_option
from .common import TableFormat, emit, format_option, stderr_console, write_stdout

_COLUMNS = ["tier", "case", "quantity", "kind", "predicted", "measured", "tolerance", "status", "note",
            "source"]
_SCHEMA = schemas.VERIFY


def _json_value(value: Any) -> Any:
    """A check's number as the JSON document gives it: exact rationals (written as ``exact``
    by the codec) and text as they are, any other number as a float."""
    return value if value is None or isinstance(value, (str, Fraction)) else float(value)


def _block_table(title: str, checks: list, claims: bool, width: int, colour: bool) -> str:
    """One line per row: long cells are cut with an ellipsis, notes go below the table."""
    # deferred: rich and the report module; keeps start-up ('--help', 'exponents') from loading them
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..verify.report import value_text

    heads = (["claim", "quantity", "check", "claimed", "found"] if claims
             else ["case", "quantity", "predicted", "measured"]) + ["tol", "status"]
    rows = []
    for c in checks:
        cells = [c.case, c.quantity] + ([{"numeric": "num"}.get(c.kind, c.kind)] if claims else [])
        rows.append(cells + [value_text(c.predicted), value_text(c.measured), value_text(c.tolerance),
                             c.status])
    # every column but the first as wide as its widest cell (capped); the first takes the rest
    caps = [0, 14 if claims else 18] + ([5] if claims else []) + [10, 10, 8, 6]
    widths = [min(cap, max([len(h)] + [len(r[k]) for r in rows])) for k, (h, cap) in
              enumerate(zip(heads, caps))][1:]
    first = max(10, width - sum(widths) - len(widths) - 1)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False, padding=(0, 0), collapse_padding=True)
    for head, w in zip(heads, [first] + widths):
        table.add_column(head, no_wrap=True, overflow="ellipsis", width=w)
    for c, cells in zip(checks, rows):
        style = {"fail": "red", "skip": "yellow"}.get(c.status, "") if colour else ""
        table.add_row(*(Text(cell) for cell in cells), style=style)  # names are text, not markup
    console = Console(file=io.StringIO(), width=width, force_terminal=colour, no_color=not colour)
    console.print(table)
    return f"{title}\n" + console.file.getvalue()  # type: ignore[attr-defined]


def _table_text(result, verbose: bool, width: int, colour: bool) -> str:
    """The claims (one block per file) and each tier as tables, then the notes."""
    blocks: list[tuple[str, list, bool]] = []
    for source in result.claims:
        rows = [c for c in result.checks if c.tier == "claims" and c.source == source]
        if rows:
            blocks.append((f"Claims: {source}", rows, True))
    for tier in result.tiers:
        blocks.append((f"Tier: {tier}", [c for c in result.checks if c.tier == tier], False))
    out = []
    for title, rows, claims in blocks:
        out.append(_block_table(title, rows, claims, width, colour))
        shown = [c for c in rows if c.note and (verbose or c.status != "pass")]
        for c in shown:
            label = f"{c.case} ({c.kind or c.quantity})" if claims else f"{c.case} {c.quantity}"
            out.append(f"  {c.status}: {label}: {c.note}\n")
        out.append("\n")
    counts = result.counts()
    out.append(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped"
               + ("" if verbose else " (--verbose: every row's note)") + "\n")
    return "".join(out)


@contextmanager
def _progress() -> Iterator[Any]:
    """``progress(label, done, total, rows)`` for the library: a bar naming the tier on a
    terminal, otherwise one plain line on stderr per finished claim or step."""
    console = stderr_console()
    if not console.is_terminal:
        def plain(label: str, done: int, total: int, rows: list) -> None:
            what = f" {rows[0].case[:60]}: {', '.join(r.status for r in rows)}" if rows else ""
            sys.stderr.write(f"verify: {label} {done}/{total}{what}\n")
            sys.stderr.flush()

        yield plain
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # deferred: rich, as above

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(label: str, done: int, total: int, rows: list) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"verify {label}", total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield update


def verify_cmd(
    files: Optional[List[str]] = typer.Argument(None, help="Claims files (the same as --claims).",
                                                show_default=False),
    claims: Optional[List[str]] = typer.Option(None, "--claims", help="A TOML claims file (see README); repeat for several. Alone, only the claims are checked."),
    exact_only: bool = typer.Option(False, "--exact-only", help="Claims against the theory engine only, no numerics (well under a second)."),
    tier: Optional[str] = typer.Option(None, "--tier", help="Comma-separated tiers: theory, reduced, simulation (default: all, unless claims are given)."),
    quick: bool = typer.Option(False, "--quick", help="The small tier grids (seconds); claims skip the frontier measurements."),
    junit_xml: Optional[str] = typer.Option(None, "--junit-xml", help="Also write JUnit XML to this file: a test case per claim and per tier row."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show every row's note under its table (default: failed and skipped rows)."),
    fmt: TableFormat = format_option(),
    workers: Optional[int] = workers_option(),
    scheduler: Optional[str] = scheduler_option(),
) -> None:
    """Check claims files against the theory and the numerics, and the theory against itself,
    the reduced dynamics and the simulator (tiers); exit 1 if any row fails.

    Example: scalingtool verify --claims my.claims.toml

    Example: scalingtool verify --quick
    """
    # deferred: the verifier (and claims: pydantic); keeps start-up ('--help', 'exponents') from loading them
    from ..verify import parse_tiers, verify
    from ..verify.report import junit_suites

    paths = list(claims or []) + list(files or [])
    try:
        tiers = parse_tiers(tier) if tier is not None else None
    except UsageError as exc:
        raise UsageError(f"--tier: {exc}") from None
    if exact_only and not paths:
        raise UsageError("--exact-only applies to claims: give a claims file (--claims FILE)")
    if junit_xml is not None:
        check_output_path(junit_xml, "--junit-xml")
    with open_executor(workers, scheduler) as executor, _progress() as progress:
        result = verify(tiers, quick=quick, claims=paths, exact_only=exact_only, progress=progress,
                        executor=executor)
    if junit_xml is not None:
        from ..junit import write_junit  # deferred: xml.etree, only with --junit-xml

        write_junit(junit_xml, junit_suites(result.checks))
    counts = result.counts()
    rows = [{**c.row(), "kind": c.kind, "source": c.source} for c in result.checks]
    payload = {
        "schema": _SCHEMA, "ok": result.ok, "tiers": list(result.tiers), "quick": quick,
        "exact_only": exact_only, "claims": list(result.claims), "counts": counts,
        "checks": [{**row, **{k: _json_value(row[k]) for k in ("predicted", "measured", "tolerance")}}
                   for row in rows],
    }
    if fmt.value == "table":
        is_tty = sys.stdout.isatty()
        colour = is_tty and not os.environ.get("NO_COLOR")
        write_stdout(_table_text(result, verbose, terminal_width(80, 60), colour))
        sys.stdout.flush()
    else:
        emit(Report("Verification", _COLUMNS, rows, payload), fmt)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_cmd)

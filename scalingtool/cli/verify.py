"""``scalingtool verify``: theory, numerics and simulation side by side; exit 1 on a failure."""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

import typer

from ..formats import Report, exact
from .common import Format, emit, format_option, progress_bar

_COLUMNS = ["tier", "case", "quantity", "predicted", "measured", "tolerance", "status", "note"]


def _json_number(value):
    if value is None or isinstance(value, Fraction):
        return exact(value)
    return float(value)


def verify_cmd(
    quick: bool = typer.Option(False, "--quick", help="The small grid: under a minute on 2 cores."),
    tier: Optional[str] = typer.Option(None, "--tier", help="Comma-separated tiers (default: all): theory, reduced, simulation."),
    claims: Optional[str] = typer.Option(None, "--claims", help="A TOML claims file to check (see README)."),
    fmt: Format = format_option(),
) -> None:
    """Check the theory against itself, the numerics and the simulator; exit 1 if any row fails.

    Example: scalingtool verify --quick --claims my_claims.toml
    """
    from ..verify import DEFAULT_TIERS, parse_tiers, verify

    tiers = parse_tiers(tier) if tier is not None else DEFAULT_TIERS
    with progress_bar("verify") as update:
        def progress(label: str):
            def callback(done: int, total: int) -> None:
                update(done, total)
            return callback

        result = verify(tiers, quick=quick, claims=claims, progress=progress)
    counts = result.counts()
    rows = [c.row() for c in result.checks]
    payload = {
        "schema": "scalingtool/verify/v1", "ok": result.ok, "tiers": list(tiers),
        "quick": quick, "claims": claims, "counts": counts,
        "checks": [{**row, **{k: _json_number(row[k]) for k in ("predicted", "measured", "tolerance")}}
                   for row in rows],
    }
    notes = [f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped"]
    emit(Report("Verification", _COLUMNS, rows, payload, notes), fmt)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_cmd)

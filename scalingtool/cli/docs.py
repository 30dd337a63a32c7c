"""``scalingtool docs [SECTION]``: the theory pages that help texts cite as 'theory §N'."""

from __future__ import annotations

from typing import Optional

import typer

from .common import write_stdout


def docs_cmd(section: Optional[str] = typer.Argument(
        None, help="A section number such as 3 or 3.3 (default: sections 1 to 6, the whole theory).")) -> None:
    """Print the theory that help texts cite as 'theory §N' (sections 1 to 6), or one section of it.

    Example: scalingtool docs 3.3
    """
    # deferred: keeps start-up ('--help', 'exponents') from loading the docs module (zipfile, importlib.resources)
    from ..docs import theory_section, theory_text

    write_stdout(theory_text() if section is None else theory_section(section))


def register(app: typer.Typer) -> None:
    app.command("docs")(docs_cmd)

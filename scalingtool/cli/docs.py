"""``scalingtool docs [SECTION]``: the theory document that help texts cite as 'theory §N'."""

from __future__ import annotations

import sys
from typing import Optional

import typer


def docs_cmd(section: Optional[str] = typer.Argument(
        None, help="A section number such as 3 or 3.3 (default: the whole document).")) -> None:
    """Print the theory document that help texts cite as 'theory §N', or one section of it.

    Example: scalingtool docs 3.3
    """
    from ..docs import theory_section, theory_text

    sys.stdout.write(theory_text() if section is None else theory_section(section))
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("docs")(docs_cmd)

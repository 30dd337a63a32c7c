"""``scalingtool recipes``: the built-in recipes, listed or printed to copy and edit."""

from __future__ import annotations


import typer

from .. import schemas
from ..formats import Report
from .common import TableFormat, emit, format_option, write_stdout
from .run import complete_recipe

_COLUMNS = ["name", "layer", "title"]

recipes_app = typer.Typer(
    help="The built-in recipes: list them, or print one to copy and edit.\n\n"
         "Run one with `scalingtool run NAME`.\n\n"
         "Example: scalingtool recipes --format csv",
    no_args_is_help=False,
)


@recipes_app.callback(invoke_without_command=True)
def list_cmd(ctx: typer.Context, fmt: TableFormat = format_option()) -> None:
    """List the built-in recipes: name, layer and title.

    Example: scalingtool recipes --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    # deferred: recipes and their schema (pydantic); keeps start-up ('--help', 'exponents') from loading them
    from ..run.recipe import listing

    rows = [{"name": r.name, "layer": r.layer, "title": r.title} for r in listing()]
    payload = {"schema": schemas.RECIPES, "recipes": rows}
    notes = ["run one with: scalingtool run NAME [--quick] [--out DIR]; "
             "print its TOML with: scalingtool recipes show NAME"]
    emit(Report("Built-in recipes", _COLUMNS, rows, payload, notes), fmt)


@recipes_app.command("show")
def show_cmd(name: str = typer.Argument(..., help="A built-in recipe name, e.g. phase.",
                                           autocompletion=complete_recipe)) -> None:
    """Print the TOML of a built-in recipe (save it, edit it, run the file).

    Example: scalingtool recipes show phase > my-phase.toml
    """
    from ..run.builtin import read  # deferred: pydantic, as in list_cmd

    write_stdout(read(name))


def register(app: typer.Typer) -> None:
    app.add_typer(recipes_app, name="recipes")


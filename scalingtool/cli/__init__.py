"""The ``scalingtool`` command: one module per command group, each a thin skin over the API.

Help is Click's plain formatter (``rich_markup_mode=None``): Typer's Rich help panel prints a
type column for every option, so boolean flags read ``--quick <bool>`` as if they took a value,
square brackets in help text are eaten as Rich markup, and bold/dim styles survive
``NO_COLOR``. The plain formatter shows flags as flags and writes no escape codes at all.
Shell completion comes from Typer (``--install-completion``, ``--show-completion``).

:func:`main` runs the Typer app in non-standalone mode so that every error becomes one
line on stderr with a meaningful exit code: 0 success, 1 failed verification, 2 bad usage
(click usage errors and :class:`~scalingtool.errors.UsageError`), 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import Sequence

import typer

from ..errors import ScalingToolError
from . import docs, estimate, recipes, run, simulate, solve, theory, verify

app = typer.Typer(
    name="scalingtool",
    help="Neural scaling laws beyond the kernel limit: derive, solve, simulate, verify.\n\n"
         "Help texts cite the mathematics as 'theory §N': section N of the theory document "
         "(`scalingtool docs N` prints it; docs/theory.md in the repository).\n\n"
         "Example: scalingtool exponents --alpha 2 --beta 1/2",
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
theory.register(app)
solve.register(app)
simulate.register(app)
verify.register(app)
run.register(app)
recipes.register(app)
docs.register(app)
estimate.register(app)


# Typer re-exports click's exceptions under its own names (recent Typer vendors click);
# the usage-error base class is found from the public ``typer.BadParameter``.
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", "-V", help="Print the version and exit.")) -> None:
    if version:
        from .. import __version__

        typer.echo(f"scalingtool {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _error(message: str) -> None:
    sys.stderr.write(f"scalingtool: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=list(argv) if argv is not None else None,
                              prog_name="scalingtool", standalone_mode=False)
    except _UsageError as exc:
        _error(" ".join(exc.format_message().split()))
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _error("interrupted")
        return 130
    except ScalingToolError as exc:
        _error(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except SystemExit as exc:  # --install-completion / --show-completion finish with sys.exit
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if result == 130:  # Typer turns Ctrl-C into Exit(130) and, here, returns its code
        _error("interrupted")
    return result if isinstance(result, int) else 0

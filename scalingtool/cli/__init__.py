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

import os
import sys
from enum import Enum
from importlib.util import find_spec
from typing import Sequence

import typer

from .. import __version__
from ..echo import shown
from ..errors import ScalingToolError
from . import docs, estimate, recipes, run, simulate, solve, theory, verify

app = typer.Typer(
    name="scalingtool",
    help="Neural scaling laws beyond the kernel limit: derive, solve, simulate, verify.\n\n"
         "Help texts cite the mathematics as 'theory §N': section N of the theory document "
         "(`scalingtool docs N` prints it; docs/explanation/theory/ in the repository).\n\n"
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
        typer.echo(f"scalingtool {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _cut(word: str, limit: int = 80) -> str:
    """A word of Click's message (which quotes the argument word whole: a 5000-digit value, an
    unknown option) cut to ``limit`` characters, its closing quote and punctuation kept."""
    if len(word) <= limit:
        return word
    tail = len(word) - len(word.rstrip("'\".,:;)"))
    return word[: limit - 10] + "..." + word[len(word) - tail:]


def _error(message: str) -> None:
    sys.stderr.write(f"scalingtool: error: {message}\n")


class _PlainCoercion:
    """Typer's coercion of one single-valued option, without building a Pydantic adapter.

    Recent Typer coerces option values through Pydantic ``TypeAdapter`` objects; importing
    Pydantic and building them is most of a quick command's start-up. Typer returns ``None``
    for a missing value, ``str(value)`` for a ``str`` option and its own ``coerce_cli_choice``
    for an Enum choice; this does the same directly, and hands anything else (and every
    error, so that the messages stay Typer's) to Typer's adapter-based coercion.
    """

    def __init__(self, kind: str, choices: tuple = (), case_sensitive: bool = True) -> None:
        self.kind, self.choices, self.case_sensitive = kind, choices, case_sensitive

    def coerce(self, value, param, ctx):  # noqa: ANN001, ANN201 -- Typer's RuntimeParam.coerce
        if value is None:
            return None
        try:
            if self.kind == "str" and isinstance(value, str):
                return str(value)
            if self.kind == "choice":
                # deferred: private Typer modules; only a Typer with adapter-based coercion has them, and calls this
                from typer._param_types import coerce_cli_choice

                return coerce_cli_choice(value, choices=self.choices,
                                         case_sensitive=self.case_sensitive, ctx=ctx)
        except Exception:  # Typer's own coercion below raises its error for it
            pass
        from typer._coercion import build_runtime_param  # deferred: private Typer module, as above

        param._runtime_param = build_runtime_param(param.type_descriptor)
        return param._runtime_param.coerce(value, param=param, ctx=ctx)


def _plain_coercion(command) -> None:  # noqa: ANN001
    """Give every single-valued option of ``command`` and its subcommands :class:`_PlainCoercion`
    (keeps start-up fast); a Typer without adapter-based coercion, or without the private modules
    it falls back on (looked up, not imported), is left as it is."""

    if find_spec("typer._coercion") is None or find_spec("typer._param_types") is None:
        return
    _plain_commands(command)


def _plain_commands(command) -> None:  # noqa: ANN001
    for param in getattr(command, "params", ()):
        _plain_param(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None:  # the --help option is made on first use: give it one then
        def get_help_option(ctx, _made=help_option):  # noqa: ANN001, ANN202
            option = _made(ctx)
            _plain_param(option)
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        _plain_commands(sub)


def _plain_param(param) -> None:  # noqa: ANN001
    desc = getattr(param, "type_descriptor", None)
    if (desc is None or getattr(param, "_runtime_param", False) is not None
            or param.multiple or param.nargs != 1):
        return
    annotation, info = desc.annotation, desc.parameter_info
    if annotation is str and desc.file_annotation is None and info.parser is None:
        param._runtime_param = _PlainCoercion("str")
    elif isinstance(annotation, type) and issubclass(annotation, Enum) and info.parser is None:
        param._runtime_param = _PlainCoercion("choice", tuple(annotation), info.case_sensitive)
    else:
        param._runtime_param = _PlainCoercion("other")


def _drop_unusable_sizes() -> None:
    """Unset ``COLUMNS`` / ``LINES`` that hold no plain size (``²``, thousands of digits): Rich
    calls ``int()`` on any text ``str.isdigit`` accepts, and would end in a traceback."""
    for name in ("COLUMNS", "LINES"):
        text = os.environ.get(name, "").strip()
        if text and not (text.isascii() and text.isdigit() and len(text) <= 6):
            del os.environ[name]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    _drop_unusable_sizes()
    command = typer.main.get_command(app)
    _plain_coercion(command)
    try:
        result = command.main(args=list(argv) if argv is not None else None,
                              prog_name="scalingtool", standalone_mode=False)
    except _UsageError as exc:
        _error(" ".join(_cut(word) for word in exc.format_message().split()))
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
    except OSError as exc:  # a path the operating system refused that no check foresaw: still one line
        where = f" {shown(exc.filename, 80)}" if exc.filename else ""
        _error(f"cannot use{where}: {exc.strerror or type(exc).__name__}")
        return 2
    except SystemExit as exc:  # --install-completion / --show-completion finish with sys.exit
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if result == 130:  # Typer turns Ctrl-C into Exit(130) and, here, returns its code
        _error("interrupted")
    return result if isinstance(result, int) else 0

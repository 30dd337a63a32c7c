"""The command line's option coercion without Pydantic adapters gives Typer's values and errors."""

import subprocess
import sys

import pytest
import typer

from scalingtool.cli import _PlainCoercion, _plain_coercion, app

coercion = pytest.importorskip("typer._coercion")

VALUES = ["1/2", "2", "", " x ", "table", "TABLE", "Json", "lazy", "LAZY", "bogus", "\udcff", "-1e3"]


def _outcome(runtime, value, param, ctx):
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # noqa: BLE001 -- compared by type and message
        return type(exc).__name__, str(exc)


def _commands():
    root = typer.main.get_command(app)
    _plain_coercion(root)
    todo = [root]
    while todo:
        command = todo.pop()
        yield command
        todo.extend(getattr(command, "commands", {}).values())


def test_same_values_and_errors_as_typer():
    checked = 0
    for command in _commands():
        ctx = typer.Context(command)
        for param in command.params:
            plain = getattr(param, "_runtime_param", None)
            if not isinstance(plain, _PlainCoercion):
                continue
            typer_own = coercion.build_runtime_param(param.type_descriptor)
            values = [None, *VALUES]
            if plain.kind == "choice":
                values += list(plain.choices)
            for value in values:
                param._runtime_param = plain
                assert _outcome(plain, value, param, ctx) == _outcome(typer_own, value, param, ctx), \
                    (command.name, param.name, value)
                checked += 1
    assert checked > 500


def test_error_falls_back_to_typer_message(cli):
    r = cli("exponents", "--alpha", "2", "--beta", "0.5", "--training", "bogus")
    assert r.code == 2
    assert r.err == ("scalingtool: error: Invalid value for '--training': Value error, "
                     "'bogus' is not one of 'lazy', 'rich', 'both'.\n")


def test_exponents_does_not_import_pydantic():
    code = ("import sys; from scalingtool.cli import main; "
            "main(['exponents', '-a', '2', '-b', '1/2']); "
            "print('pydantic' in sys.modules, file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr.strip() == "False", r.stderr

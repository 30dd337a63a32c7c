"""``exponents``, ``phase`` and ``derive`` on the command line: every format, every error class."""

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.conftest import assert_usage_error

EXPONENT_KEYS = {"time", "signal", "time_change", "width", "data", "compute", "n_star", "t_star", "balance",
                 "transient"}


def test_table(cli):
    r = cli("exponents", "--alpha", "2", "--beta", "0.5")
    assert r.code == 0 and r.err == ""
    assert "hard" in r.out and "2/3" in r.out and "2/5" in r.out and "rich/lazy" in r.out
    assert "\x1b[" not in r.out  # NO_COLOR


def test_json_is_documented_and_exact(cli):
    r = cli("exponents", "--alpha", "3/2", "--beta", "1/2", "--format", "json")
    doc = json.loads(r.out)
    assert doc["schema"] == "scalingtool/exponents/v1"
    assert {"alpha", "beta", "dynamics", "compute_convention", "regime", "boundary", "trainings",
            "crossovers", "gain"} <= doc.keys()
    assert set(doc["trainings"]) == {"lazy", "rich"}
    assert EXPONENT_KEYS == set(doc["trainings"]["lazy"])
    assert doc["trainings"]["lazy"]["t_star"] == {"exact": "3/5", "value": 0.6}
    assert doc["trainings"]["rich"]["data"] is None


def test_csv_and_latex(cli):
    rows = list(csv.DictReader(io.StringIO(cli("exponents", "-a", "3", "-b", "5/4", "-f", "csv").out)))
    by_quantity = {row["quantity"]: row for row in rows}
    assert by_quantity["compute"]["lazy"] == "15/19" == by_quantity["compute"]["rich"]
    latex = cli("exponents", "-a", "2", "-b", "3", "-f", "latex").out
    assert "\\begin{tabular}" in latex and "\\frac{3}{4}" in latex


def test_one_training_and_options(cli):
    doc = json.loads(cli("exponents", "-a", "2", "-b", "1/2", "--training", "rich", "-f", "json",
                         "--gamma0", "0.1", "--width", "100").out)
    assert set(doc["trainings"]) == {"rich"} and "gain" not in doc
    assert doc["crossovers"]["rich_onset_tau"] == pytest.approx(0.1 ** -4)
    assert doc["crossovers"]["width_plateau_tau"] == pytest.approx(100.0 ** 2)
    gd = json.loads(cli("exponents", "-a", "2", "-b", "3", "--dynamics", "gd", "-f", "json").out)
    assert gd["regime"] == "easy"
    conv = json.loads(cli("exponents", "-a", "2", "-b", "1/2", "--n-power", "2", "-f", "json").out)
    assert conv["trainings"]["lazy"]["t_star"]["exact"] == "1/2"


def test_boundary_is_said(cli):
    r = cli("exponents", "--alpha", "2", "--beta", "1")
    assert r.code == 0 and "hard|easy boundary" in r.out
    assert json.loads(cli("exponents", "-a", "2", "-b", "3/2", "-f", "json").out)["boundary"] == "easy|super-easy"


@pytest.mark.parametrize("argv, fragments", [
    (["--alpha", "1", "--beta", "0.5"], ["alpha", "1 < alpha"]),
    (["--alpha", "0.5", "--beta", "0.5"], ["alpha", "out of range"]),
    (["--alpha", "2", "--beta", "0"], ["beta", "0 < beta"]),
    (["--alpha", "2", "--beta", "-1"], ["beta"]),
    (["--alpha", "nan", "--beta", "0.5"], ["alpha", "finite"]),
    (["--alpha", "2", "--beta", "inf"], ["beta", "finite"]),
    (["--alpha", "two", "--beta", "0.5"], ["alpha", "'two'"]),
    (["--alpha", "", "--beta", "0.5"], ["alpha", "empty"]),
    (["--alpha", "1e300", "--beta", "0.5"], ["alpha"]),
    (["--alpha", "2", "--beta", "5000"], ["beta", "out of range"]),
    (["--alpha", "2", "--beta", "0.5", "--format", "xml"], ["--format"]),
    (["--alpha", "2", "--beta", "0.5", "--dynamics", "adam"], ["--dynamics"]),
    (["--alpha", "2", "--beta", "0.5", "--frobnicate"], ["--frobnicate"]),
    (["--alpha", "2"], ["--beta"]),
    (["--alpha", "2", "--beta", "0.5", "--n-power", "0"], ["n-power"]),
])
def test_exponents_errors(cli, argv, fragments):
    assert_usage_error(cli("exponents", *argv), *fragments)


def test_phase_formats(cli):
    rows = list(csv.DictReader(io.StringIO(cli("phase", "--steps", "3", "-f", "csv").out)))
    assert len(rows) == 9
    assert {row["regime"] for row in rows} >= {"hard", "super-easy"}
    doc = json.loads(cli("phase", "--steps", "2", "--dynamics", "gd", "-f", "json").out)
    assert doc["schema"] == "scalingtool/phase/v1" and len(doc["points"]) == 4
    assert "super-easy" not in {p["regime"] for p in doc["points"]}
    assert "Phase grid" in cli("phase", "--steps", "2").out


@pytest.mark.parametrize("argv, fragment", [
    (["--steps", "0"], "steps"), (["--steps", "41"], "steps"), (["--alpha-min", "1"], "alpha-min"),
    (["--beta-min", "2", "--beta-max", "1"], "min"),
])
def test_phase_errors(cli, argv, fragment):
    assert_usage_error(cli("phase", *argv), fragment)


def test_derive_formats(cli):
    text = cli("derive").out
    assert "rich.compute" in text and "Piecewise" in text
    doc = json.loads(cli("derive", "--format", "json").out)
    assert doc["schema"] == "scalingtool/derive/v1"
    assert {"key", "description", "text", "latex"} == set(doc["results"][0])
    assert "\\frac" in cli("derive", "--format", "latex").out


@pytest.mark.parametrize("command", ["exponents", "phase", "derive", "solve", "verify", "simulate",
                                     "run", "plot"])
def test_help_has_an_example(cli, command):
    r = cli(command, "--help")
    assert r.code == 0 and "Example" in r.out


def test_top_level(cli):
    assert cli().code == 0
    assert cli("--version").out.startswith("scalingtool ")
    assert_usage_error(cli("nosuchcommand"), "nosuchcommand")


def test_python_dash_m_entry_point():
    r = subprocess.run([sys.executable, "-m", "scalingtool", "exponents", "-a", "2", "-b", "1/2", "-f", "json"],
                       capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": ""}, timeout=120)
    assert r.returncode == 0 and json.loads(r.stdout)["regime"] == "hard"
    r = subprocess.run([sys.executable, "-m", "scalingtool", "exponents", "-a", "1", "-b", "1/2"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_exponents_imports_nothing_heavy():
    """The fast path evaluates the compiled formulas: no SymPy, NumPy, matplotlib or torch."""
    code = ("import sys; from scalingtool.cli import main; "
            "main(['exponents', '-a', '2', '-b', '1/2', '-f', 'json']); "
            "print(sorted(m for m in ('sympy', 'numpy', 'matplotlib', 'torch', 'mpmath') if m in sys.modules), file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr.strip() == "[]", r.stderr


def test_csv_carries_the_crossover_scales_the_table_and_json_give(cli):
    import json

    argv = ["exponents", "-a", "2", "-b", "1/2", "--gamma0", "1", "--width", "100"]
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(cli(*argv, "-f", "csv").out))}
    crossovers = json.loads(cli(*argv, "-f", "json").out)["crossovers"]
    assert rows["rich_onset"]["rich"] == "-4" == crossovers["rich_onset_gamma0_power"]["exact"]
    assert rows["rich_onset"]["lazy"] == "-"  # the onset belongs to the rich network
    assert rows["width_plateau"]["lazy"] == "2" == crossovers["width_plateau_n_power"]["exact"]
    assert float(rows["width_plateau_tau"]["lazy"]) == crossovers["width_plateau_tau"] == 1e4  # N^2 at N = 100
    assert float(rows["rich_onset_tau"]["rich"]) == crossovers["rich_onset_tau"] == 1.0  # gamma0^-4 at 1

"""Table-driven bad input across the commands: every case is one line on stderr, exit 2.

Each numeric option of ``exponents``, ``phase``, ``solve`` and ``simulate`` is tried with
every hostile number below; the rest of the table covers the classes that are not numbers
(paths, sizes that would exhaust memory, precisions, extreme values inside the ranges).
Validation happens before any computation, so the whole table runs in seconds.
"""

from __future__ import annotations

import pytest

from ..conftest import assert_usage_error

# Not numbers to this tool: other scripts' digits, non-finite, empty, oversize, code.
HOSTILE_NUMBERS = [
    "\u0662",            # Arabic-Indic two
    "\uff12",            # full-width two
    "nan", "-inf", "", "   ",
    "1e999",             # 1000 digits
    "1/0",
    "9" * 70,            # longer than any number may be
    "0x10", "1_000",
    "__import__('os').system('true')",
]

NUMERIC_OPTIONS = [
    ("exponents", ["--beta", "1/2"], "--alpha"),
    ("exponents", ["--alpha", "2"], "--beta"),
    ("exponents", ["--alpha", "2", "--beta", "1/2"], "--n-power"),
    ("exponents", ["--alpha", "2", "--beta", "1/2"], "--t-power"),
    ("exponents", ["--alpha", "2", "--beta", "1/2"], "--gamma0"),
    ("exponents", ["--alpha", "2", "--beta", "1/2"], "--width"),
    ("exponents", ["--alpha", "2", "--beta", "1/2"], "--lr-over-batch"),
    ("phase", [], "--alpha-min"),
    ("phase", [], "--beta-max"),
    ("phase", [], "--steps"),
    ("solve", ["--beta", "1/2"], "--alpha"),
    ("solve", ["--alpha", "2"], "--beta"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--gamma0"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--width"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--lr"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--t-max"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--seed"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--decades"),
    ("solve", ["--alpha", "2", "--beta", "1/2"], "--tolerance"),
    ("simulate", [], "--alpha"),
    ("simulate", [], "--gamma0"),
    ("simulate", [], "--width"),
    ("simulate", [], "--steps"),
    ("simulate", [], "--lr"),
    ("simulate", [], "--seeds"),
]

NUMBER_CASES = [pytest.param(cmd, [*base, opt, value], opt, id=f"{cmd}{opt}={value[:12]!r}")
                for cmd, base, opt in NUMERIC_OPTIONS for value in HOSTILE_NUMBERS]


@pytest.mark.parametrize("command, args, flag", NUMBER_CASES)
def test_hostile_numbers(cli, command, args, flag):
    result = cli(command, *args)
    assert_usage_error(result)
    assert flag.lstrip("-").split("-")[0] in result.err or "--" in result.err, result.err
    assert len(result.err) < 400  # nothing huge is echoed back


# (argv, fragment the one line must contain)
OTHER_CASES = [
    # out of range, inside the grammar
    (["exponents", "--alpha", "1", "--beta", "1/2"], "1 < alpha <= 1000"),
    (["exponents", "--alpha", "1001", "--beta", "1/2"], "alpha"),
    (["exponents", "--alpha", "2", "--beta", "0"], "0 < beta"),
    (["exponents", "--alpha", "2", "--beta", "1/2", "--width", "0"], "--width"),
    (["exponents", "--alpha", "2", "--beta", "1/2", "--width", "1.5"], "whole number"),
    (["exponents", "--alpha", "2", "--beta", "1/2", "--gamma0", "-1"], "--gamma0"),
    (["exponents", "--alpha", "2", "--beta", "1/2", "--n-power", "0"], "--n-power"),
    (["exponents", "--alpha", "2", "--beta", "1/2", "--format", "xml"], "xml"),
    (["phase", "--alpha-min", "3", "--alpha-max", "2"], "must not exceed"),
    (["phase", "--steps", "41"], "steps"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--gamma0", "2000000"], "--gamma0"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--t-max", "1e31"], "--t-max"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--t-max", "1e13"], "mp:30"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--precision", "mp:12"], "--precision"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--precision", "mp:5000"], "--precision"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--precision", "float32"], "--precision"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--precision", "mp:" + "9" * 5000], "--precision"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--batch", "0"], "--batch"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--batch", "4", "--gamma0", "1"], "no exact reduced closure"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--decades", "0"], "--decades"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--tolerance", "-1"], "--tolerance"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--seed", "-1"], "--seed"),
    (["simulate", "--gamma0", "0,1,2,3,4,5,6"], "1 to 6"),
    (["simulate", "--gamma0", ","], "--gamma0"),
    (["simulate", "--seeds", "0"], "--seeds"),
    (["simulate", "--seeds", "10001"], "--seeds"),
    (["simulate", "--width", "1e13"], "--width"),
    (["simulate", "--model", "mlp-circle", "--batch", "4"], "drop --batch"),
    (["simulate", "--model", "cnn"], "cnn"),
    (["simulate", "--backend", "jax"], "jax"),
    (["derive", "--dynamics", "adam"], "adam"),
    (["verify", "--tier", "everything"], "everything"),
    (["nonsense-command"], "nonsense-command"),
    (["exponents", "--unknown-option", "1"], "--unknown-option"),
]


@pytest.mark.parametrize("argv, fragment", OTHER_CASES, ids=[" ".join(a)[:60] for a, _ in OTHER_CASES])
def test_other_bad_input(cli, argv, fragment):
    result = cli(*argv)
    assert_usage_error(result, fragment)
    assert len(result.err) < 400


# Sizes that would exhaust memory are refused before anything is allocated.
MEMORY_CASES = [
    (["solve", "--alpha", "2", "--beta", "0.5", "--width", "100000"], "lower width"),
    (["simulate", "--width", "16384", "--seeds", "10000", "--steps", "1", "--gamma0", "0"], "lower width or seeds"),
    (["simulate", "--model", "mlp-circle", "--width", "65536", "--seeds", "100", "--steps", "1",
      "--gamma0", "0"], "lower seeds, width"),
]


@pytest.mark.parametrize("argv, fragment", MEMORY_CASES, ids=[a[0] + "-" + a[a.index("--width") + 1] for a, _ in MEMORY_CASES])
def test_memory_refused_up_front(cli, monkeypatch, argv, fragment):
    monkeypatch.setenv("SCALINGTOOL_MAX_MEMORY", "8")
    assert_usage_error(cli(*argv), fragment, "GiB")


def test_output_paths(cli, tmp_path):
    """An empty name, a folder, a missing folder: refused before any work is done."""
    base = ["solve", "--alpha", "2", "--beta", "1/2", "--t-max", "1e3"]
    assert_usage_error(cli(*base, "--out", ""), "--out", "empty")
    assert_usage_error(cli(*base, "--out", str(tmp_path)), "is a folder")
    assert_usage_error(cli(*base, "--out", str(tmp_path / "missing" / "c.csv")), "does not exist")
    sim = ["simulate", "--width", "8", "--steps", "4", "--seeds", "1", "--gamma0", "0"]
    assert_usage_error(cli(*sim, "--out", str(tmp_path)), "is a folder")
    assert_usage_error(cli(*sim, "--out", ""), "empty")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "DIR", "MISSING"])
def test_files_read_are_regular_and_capped(cli, tmp_path, path):
    """A device, a folder or a missing file as a recipe or claims file: one line, no hang."""
    path = {"DIR": str(tmp_path), "MISSING": str(tmp_path / "none.toml")}.get(path, path)
    assert_usage_error(cli("run", path, "--out", str(tmp_path / "o")))
    assert_usage_error(cli("verify", "--claims", path))


LONG_NAME = "x" * 300  # over the 255 bytes a file system takes for one name


@pytest.mark.parametrize("argv, fragment", [
    (["estimate", "--spectrum", "SPEC", "--samples", "-5"], "--samples = -5 is out of range"),
    (["estimate", "--spectrum", "SPEC", "--seed", "-1"], "--seed = -1 is out of range"),
    (["estimate", "--spectrum", "SPEC", "--window", "\u00b2:100"], "K1:K2 with whole numbers"),
    (["estimate", "--spectrum", "SPEC", "--plot", f"{LONG_NAME}.png"], "bytes (at most 255)"),
    (["estimate", "--loss-curve", "SPEC", "--plot", "c.png"], "--plot draws a spectrum estimate"),
    (["verify", "--quick", "--tier", "theory", "--junit-xml", ""], "--junit-xml: expected a file name"),
    (["verify", "--quick", "--tier", "theory", "--junit-xml", f"{LONG_NAME}.xml"], "bytes (at most 255)"),
    (["solve", "--alpha", "2", "--beta", "1/2", "--out", f"{LONG_NAME}.csv"], "bytes (at most 255)"),
    (["run", "phase", "--quick", "--out", LONG_NAME], "output folder: cannot use"),
    (["plot", LONG_NAME], "output folder: cannot use"),
], ids=["samples", "seed", "window-superscript", "plot-long", "plot-loss-curve", "junit-empty", "junit-long",
        "out-long", "run-out-long", "plot-folder-long"])
def test_options_that_reached_a_traceback_are_one_line(cli, tmp_path, argv, fragment):
    spectrum = tmp_path / "spec.txt"
    spectrum.write_text("\n".join(str(k ** -1.5) for k in range(1, 401)))
    result = cli(*[str(spectrum) if a == "SPEC" else a for a in argv])
    assert_usage_error(result, fragment)
    assert list(p.name for p in tmp_path.iterdir()) == ["spec.txt"]  # nothing written


@pytest.mark.parametrize("columns", ["99999999999999999999", "99999999", "-5", "wide"])
def test_any_columns_value_gives_a_table_of_sane_width(cli, monkeypatch, columns):
    from scalingtool.formats import MAX_WIDTH

    monkeypatch.setenv("COLUMNS", columns)
    result = cli("exponents", "--alpha", "2", "--beta", "1/2")
    assert result.code == 0
    assert max(len(line) for line in result.out.splitlines()) <= MAX_WIDTH


@pytest.mark.parametrize("argv", [["docs"], ["exponents", "--alpha", "2", "--beta", "1/2", "-f", "json"],
                                  ["derive"], ["verify", "--quick", "--tier", "theory", "-f", "json"]],
                         ids=["docs", "exponents-json", "derive", "verify-json"])
def test_a_full_output_is_one_line_and_exit_1(argv):
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "scalingtool", *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if not line.startswith("verify: ")]  # progress
    assert errors == ["scalingtool: error: cannot write the output to standard output (No space left on device)"]


def test_legal_extreme_exponents_do_not_overflow(cli, tmp_path):
    # alpha = 300: N^alpha is past float64 for N >= 11; the claim's exact check still runs and the
    # numeric one says why it cannot (a skip row), never an OverflowError
    from scalingtool.reduced.frontier import frontier_t_max
    from scalingtool.theory import exponents

    compute = exponents(300, 299, "sgd").training("lazy").compute
    claims = tmp_path / "c.claims.toml"
    claims.write_text(f'[[claim]]\nname = "extreme"\nalpha = "300"\nbeta = "299"\ntraining = "lazy"\n'
                      f'quantity = "compute"\nvalue = "{compute}"\n')
    result = cli("verify", "--claims", str(claims), "-f", "json")
    assert result.code == 0 and "Traceback" not in result.err
    import json

    rows = {row["kind"]: row for row in json.loads(result.out)["checks"]}
    assert rows["exact"]["status"] == "pass" and rows["numeric"]["status"] == "skip"
    assert "past the largest time" in rows["numeric"]["note"]
    assert frontier_t_max([64], 300) == 1e12 and frontier_t_max([4], 2) == 1600.0  # 100 N^alpha, in logs

"""``scalingtool solve``: measured exponents beside the theory; curves written atomically."""

import csv
import json

import pytest

from tests.conftest import assert_usage_error


def test_rich_hard_measured_against_theory(cli):
    doc = json.loads(cli("solve", "-a", "2", "-b", "1/2", "-g", "1", "-f", "json").out)
    assert doc["schema"] == "scalingtool/solve/v1"
    assert doc["predicted"]["exact"] == "2/3" and doc["training"] == "rich"
    m = doc["measurement"]
    assert m["converged"]
    # theory §4: the rich hard slope is within ~1e-3 of 2/3 after about 6 decades
    assert abs(m["value"] - 2 / 3) < 2e-3


def test_lazy_sgd_super_easy_and_out_file(cli, tmp_path):
    out = tmp_path / "curve.csv"
    r = cli("solve", "-a", "2", "-b", "3", "--batch", "2", "--t-max", "1e8", "--out", str(out), "-f", "json")
    doc = json.loads(r.out)
    assert doc["dynamics"] == "sgd" and doc["predicted"]["exact"] == "3/2"
    assert abs(doc["measurement"]["estimate"] - 1.5) < 5e-3  # SGD noise decay t^-(2 - 1/alpha)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == doc["points"] and {"t", "loss"} <= rows[0].keys()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_table_output(cli):
    r = cli("solve", "-a", "3", "-b", "5/4", "--t-max", "1e8")
    assert r.code == 0 and "5/4" in r.out and "converged" in r.out


@pytest.mark.parametrize("argv, fragment", [
    (["-a", "2", "-b", "1/2", "-g", "1", "--batch", "4"], "rich training with SGD"),
    (["-a", "2", "-b", "1/2", "--precision", "float32"], "--precision"),
    (["-a", "2", "-b", "1/2", "--t-max", "1e20"], "t_max"),
    (["-a", "2", "-b", "1/2", "--width", "zero"], "width"),
    (["-a", "2", "-b", "1/2", "--batch", "1", "--lr", "5"], "largest stable step"),
    (["-a", "2", "-b", "1/2", "-g", "-1"], "gamma0"),
    (["-a", "2", "-b", "1/2", "--decades", "0"], "decades"),
    (["-a", "2", "-b", "1/2", "--decades", "nan"], "decades"),
    (["-a", "2", "-b", "1/2", "--tolerance", "-1"], "tolerance"),
    (["-a", "2", "-b", "1/2", "--out", "/nonexistent/dir/c.csv", "--t-max", "1e3"], "does not exist"),
])
def test_errors(cli, argv, fragment):
    assert_usage_error(cli("solve", *argv), fragment)


def test_unconverged_measurement_is_valid_json(cli):
    """A finite-width window too short to measure drift has drift = inf: JSON spells it out."""
    r = cli("solve", "-a", "2", "-b", "1/2", "-N", "64", "-g", "1", "--t-max", "1e6", "-f", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["measurement"]["value"] is None
    assert doc["measurement"]["drift"] == "inf"

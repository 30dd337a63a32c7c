"""Reference runs: a recipe's measured numbers are recorded (dated) beside it and later runs are
checked against them; a recipe without one reports its numbers as not checked."""

import csv
import json
import math
from pathlib import Path

import pytest

from scalingtool.run import builtin, parse_recipe
from scalingtool.run.kinds import get_kind
from scalingtool.run.reference import MIN_TOLERANCE, ReferenceFile, params_hash
from scalingtool.run.schema.messages import validate_params
from tests.conftest import assert_usage_error

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = sorted((ROOT / "recipes" / "references").glob("*.json"))
#: the cheapest quick study (two parts of a width-16 network, a few seconds)
NAME = "mlp-study-kernel"


def _plan(recipe, quick):
    kind = get_kind(recipe.kind, recipe.layer, recipe.source)
    return kind.plan(validate_params(kind.schema, recipe.params, recipe.quick, recipe.source, quick))


@pytest.mark.parametrize("path", REFERENCES, ids=lambda p: p.name)
def test_each_shipped_reference_is_valid_and_matches_its_recipe(path):
    doc = ReferenceFile.model_validate(json.loads(path.read_text("utf-8")))
    name, _, rest = path.name.partition(".")
    assert doc.recipe == name and doc.quick == (rest == "quick.json") and name in builtin.names()
    assert doc.command == f"scalingtool run {name}{' --quick' if doc.quick else ''} --record"
    recipe = parse_recipe(*builtin.resolve(name))
    # recorded with the recipe's current parameters: a changed recipe needs its reference recorded again
    assert doc.params_hash == params_hash(_plan(recipe, doc.quick))
    assert doc.measured and all(case in {p.key for p in _plan(recipe, doc.quick)} or case == "hard target"
                                for case in doc.measured)


def test_a_shipped_full_size_reference_is_a_dated_result():
    """A full-size reference (a run of minutes to hours) is what a results page reports: some
    page under docs/results/ names its recipe's command and the day it was recorded."""
    pages = [p.read_text("utf-8") for p in (ROOT / "docs" / "results").glob("*.md")]
    for path in REFERENCES:
        if path.name.endswith(".quick.json"):
            continue
        doc = json.loads(path.read_text("utf-8"))
        assert any(f"scalingtool run {doc['recipe']}" in page and doc["date"] in page for page in pages), path.name


def test_a_quick_run_checks_against_its_reference_and_passes(cli, tmp_path):
    pytest.importorskip("torch")
    reference = json.loads((ROOT / "recipes" / "references" / f"{NAME}.quick.json").read_text("utf-8"))
    r = cli("run", NAME, "--quick", "--out", str(tmp_path / "out"), "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    checked = [c for c in doc["checks"] if c["quantity"] == "rich - lazy exponent (reference run)"]
    assert {c["case"] for c in checked} == set(reference["measured"]) and doc["ok"]
    assert all(c["status"] == "pass" and f"reference run of {reference['date']}" in c["note"] for c in checked)
    assert f"checked against the reference run of {reference['date']} (built-in reference {NAME}.quick.json, " \
           f"scalingtool {reference['scalingtool']})" in doc["notes"]


def test_record_then_check_and_a_perturbed_reference_fails(cli, tmp_path):
    pytest.importorskip("torch")
    recipe = tmp_path / f"{NAME}.toml"  # a copy: its base is the built-in mlp-study
    recipe.write_text(builtin.read(NAME))
    out = str(tmp_path / "out")
    first = json.loads(cli("run", str(recipe), "--quick", "--out", out, "--format", "json").out)
    assert {c["status"] for c in first["checks"] if "reference" in c["quantity"]} == {"skip"}
    assert cli("run", str(recipe), "--quick", "--out", out, "--record").code == 0
    stored = tmp_path / "references" / f"{NAME}.quick.json"
    doc = ReferenceFile.model_validate(json.loads(stored.read_text("utf-8")))
    assert doc.command == f"scalingtool run {recipe} --quick --record" and doc.kind == "mlp-study"
    # the measured gains are the run's rows: rich - lazy and its paired standard error
    rows = {r["config"] + f"_g{float(r['gamma0']):g}": r for r in _csv(tmp_path / "out" / f"{NAME}.csv")}
    for case, entry in doc.measured.items():
        assert entry.value == pytest.approx(float(rows[case]["minus_lazy"]), rel=1e-9)
        assert entry.se == pytest.approx(float(rows[case]["minus_lazy_se"]), rel=1e-9)
    assert cli("run", str(recipe), "--quick", "--out", out).code == 0  # reused parts, same numbers
    # moved by 0.5: outside twice the combined standard error (and the 0.02 floor) -> exit 1
    raw = json.loads(stored.read_text("utf-8"))
    case, entry = next(iter(raw["measured"].items()))
    tolerance = max(MIN_TOLERANCE, 2 * math.hypot(entry["se"], entry["se"]))
    assert tolerance < 0.5
    entry["value"] += 0.5
    stored.write_text(json.dumps(raw))
    r = cli("run", str(recipe), "--quick", "--out", out, "--format", "json")
    assert r.code == 1
    (failed,) = [c for c in json.loads(r.out)["checks"] if c["status"] == "fail"]
    assert failed["case"] == case and failed["tolerance"] == pytest.approx(tolerance)
    # recorded with other parameters: not checked, does not fail
    raw["params_hash"] = "sha256:" + "0" * 64
    stored.write_text(json.dumps(raw))
    r = cli("run", str(recipe), "--quick", "--out", out, "--format", "json")
    assert r.code == 0 and "recorded with other parameters" in json.loads(r.out)["checks"][-1]["note"]
    stored.write_text("{")  # a corrupt reference: one line naming it, exit 2
    assert_usage_error(cli("run", str(recipe), "--quick", "--out", out), f"{NAME}.quick.json", "not valid JSON")


def _csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))

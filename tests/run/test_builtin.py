"""Built-in recipes: found by name through importlib.resources, listed, shown, run by name."""

import csv
import io
import json
import sys
from importlib import resources
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the tomli backport (a dependency there)
    import tomli as tomllib

from scalingtool.errors import UsageError
from scalingtool.run import builtin, parse_recipe
from scalingtool.run.recipe import listing
from tests.conftest import assert_usage_error

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {"cnn-digits", "cnn-mnist1d", "cnn-mnist1d-late", "cnn-standard", "data-curve", "estimate-digits", "frontier", "mlp-circle", "mlp-study", "mlp-study-data", "mlp-study-deep",
            "mlp-study-deep-data", "mlp-study-deep-hard", "mlp-study-deep-late", "mlp-study-depth",
            "mlp-study-depth-late",
            "mlp-study-kernel", "mlp-study-late", "mlp-study-ntk", "mlp-study-width", "phase", "sgd-noise",
            "simulate-sweep", "time-curves", "width-curve"}


def test_names_are_the_package_data_files():
    files = {p.name for p in resources.files("scalingtool.recipes").iterdir() if p.name.endswith(".toml")}
    assert set(builtin.names()) == EXPECTED == {f[:-5] for f in files}


def test_names_are_the_files_of_the_top_level_recipes_folder(cli):
    # recipes/ beside scalingtool/ is the one source of the built-in recipes
    stems = {p.stem for p in (ROOT / "recipes").glob("*.toml")}
    assert {r["name"] for r in json.loads(cli("recipes", "--format", "json").out)["recipes"]} == stems
    assert not (ROOT / "scalingtool" / "recipes").exists()  # no second copy


def test_pyproject_lists_every_package():
    # the packages are listed (the recipes' folder is mapped in): a new subpackage must be added
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "scalingtool").rglob("__init__.py")}
    assert set(doc["packages"]) == found | {"scalingtool.recipes", "scalingtool.recipes.references", "scalingtool.theory_pages"}
    assert doc["package-dir"] == {"scalingtool.recipes": "recipes"}


def test_listing_carries_each_recipes_own_layer_and_title():
    for entry in listing():
        recipe = parse_recipe(builtin.read(entry.name))
        assert (entry.layer, entry.title) == (recipe.layer, recipe.title)
        assert recipe.name == entry.name  # the name to run is the recipe's own name


def test_resolve_name_path_and_unknown(tmp_path, monkeypatch):
    text, source = builtin.resolve("phase")
    assert text == builtin.read("phase") and source == "built-in recipe phase"
    copy = tmp_path / "mine.toml"
    copy.write_text(text.replace('steps = 6', 'steps = 5'))
    assert builtin.resolve(str(copy)) == (copy.read_text(), str(copy))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bare").write_text("x = 1")  # a bare word that is no built-in name but a file
    assert builtin.resolve("bare") == ("x = 1", "bare")
    (tmp_path / "phase").mkdir()  # a folder named like a recipe (an output folder) does not shadow it
    assert builtin.resolve("phase")[1] == "built-in recipe phase"
    with pytest.raises(UsageError, match="unknown recipe 'nosuch'.*phase"):
        builtin.resolve("nosuch")
    with pytest.raises(UsageError, match="no such recipe file"):
        builtin.resolve("nosuch.toml")


def test_recipes_command_formats(cli):
    table = cli("recipes")
    assert table.code == 0 and all(name in table.out for name in EXPECTED)
    doc = json.loads(cli("recipes", "--format", "json").out)
    assert doc["schema"] == "scalingtool/recipes/v1"
    assert {r["name"]: r["layer"] for r in doc["recipes"]}["mlp-circle"] == "simulation"
    rows = list(csv.DictReader(io.StringIO(cli("recipes", "-f", "csv").out)))
    assert [r["name"] for r in rows] == sorted(EXPECTED) and rows[0].keys() == {"name", "layer", "title"}


def test_recipes_show_prints_the_toml_and_the_copy_runs(cli, tmp_path):
    r = cli("recipes", "show", "phase")
    assert r.code == 0 and r.out == builtin.read("phase")
    mine = tmp_path / "my-phase.toml"
    mine.write_text(r.out)
    by_file = cli("run", str(mine), "--quick", "--out", str(tmp_path / "a"), "-f", "json")
    by_name = cli("run", "phase", "--quick", "--out", str(tmp_path / "b"), "-f", "json")
    assert by_file.code == by_name.code == 0
    a, b = json.loads(by_file.out), json.loads(by_name.out)
    assert a["checks"] == b["checks"] and a["recipe"] == b["recipe"] == "phase"


def test_unknown_names_are_usage_errors(cli):
    assert_usage_error(cli("recipes", "show", "nosuch"), "unknown recipe 'nosuch'")
    assert_usage_error(cli("run", "nosuch", "--quick"), "unknown recipe 'nosuch'", "phase")


@pytest.mark.parametrize("argv", [["recipes"], ["recipes", "show"]])
def test_help_has_an_example(cli, argv):
    r = cli(*argv, "--help")
    assert r.code == 0 and "Example: scalingtool recipes" in r.out

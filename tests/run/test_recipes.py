"""Recipes: every shipped recipe parses and runs in --quick mode; resume; malformed files."""

import json

import pytest

from scalingtool.errors import UsageError
from scalingtool.run import parse_recipe, redraw, run_recipe
from scalingtool.run import builtin
from scalingtool.run.kinds import get_kind
from tests.conftest import assert_usage_error

RECIPES = builtin.names()
# Checks a quick run is known to fail (none at present: the mlp recipes check the ReLU network's
# rich - lazy differences against their recorded quick reference runs).
KNOWN_DISAGREEMENTS: set[tuple[str, str]] = set()
#: kinds whose simulator needs PyTorch (an optional extra: skipped where it is missing)
TORCH_KINDS = {"mlp-study", "cnn-study"}


def test_recipes_exist():
    assert RECIPES, "no recipes shipped"


@pytest.mark.parametrize("name", RECIPES)
def test_recipe_parses_and_names_a_known_kind(name):
    recipe = parse_recipe(*builtin.resolve(name))
    assert recipe.name == name
    get_kind(recipe.kind, recipe.layer, recipe.source)


@pytest.mark.parametrize("name", RECIPES)
def test_recipe_runs_quick(name, tmp_path):
    pytest.importorskip("matplotlib")
    kind = parse_recipe(*builtin.resolve(name)).kind
    if kind in TORCH_KINDS:
        pytest.importorskip("torch")
    if kind == "cnn-study":  # the vision tasks (the vision extra)
        pytest.importorskip("mnist1d")
        pytest.importorskip("sklearn")
    result = run_recipe(name, tmp_path, quick=True)
    assert result.outcome.checks
    for check in result.outcome.checks:
        if (result.kind, check.quantity) not in KNOWN_DISAGREEMENTS:
            assert check.status == "pass", check
    for suffix in (".csv", ".png", ".svg"):
        assert (tmp_path / f"{name}{suffix}").stat().st_size > 0
    _check_figure_contents(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["schema"] == "scalingtool/run-summary/v1"
    assert summary["summary"] == result.outcome.summary
    if result.kind == "mlp-study":  # one line per part, in words (the table prints them), not repeated in notes
        assert len(result.outcome.summary) == len(result.computed)
        assert not set(result.outcome.summary) & set(result.notes)


def _check_figure_contents(folder):
    """Redraw the run's figure and count its curves through matplotlib objects, not pixels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = json.loads((folder / "run.json").read_text())
    kind = get_kind(run["kind"])
    data = {p: kind.data.model_validate(json.loads((folder / "parts" / f"{p}.json").read_text())["data"]).plain()
            for p in run["parts"]}
    figure = kind.draw(kind.schema.model_validate(run["config"]), data, plt)
    try:
        panels = [ax for ax in figure.axes if ax.get_title()]
        lines = [len(ax.get_lines()) for ax in panels]
        kind = run["kind"]
        if kind == "phase":  # three maps, each with the two SGD regime boundaries
            assert lines == [2, 2, 2]
        elif kind == "frontier":  # per training: one curve per width, the envelope, the theory line
            assert lines == [len(run["config"]["widths"]) + 2] * len(run["config"]["trainings"])
        elif kind == "mlp-circle":  # one mean curve per gamma0, each with the theory's slope
            assert lines == [2 * len(run["parts"])]
        elif kind == "mlp-study":  # exponent vs gamma0, loss curves, kernel spectra, loss per band
            groups = {p.rsplit("_g", 1)[0] for p in run["parts"]}
            # per group: the errorbar line and the two theory lines; a loss curve per part
            assert lines[0] >= 3 * len(groups) and lines[1] == len(run["parts"])
            # then the richest run's kernel eigenvalues and the kernel along its residual, and
            # the running exponent of every part
            assert len(lines) == 7 and lines[2] >= 2 and lines[3] >= 1 and lines[4] >= 2 and lines[5] >= 1
            assert lines[6] == len(run["parts"])
        elif kind == "cnn-study":  # losses, exponent vs gamma0, running exponent, spectra, alignment, accuracy
            groups = {p.rsplit("_g", 1)[0] for p in run["parts"]}
            # per group its laziest and richest loss curves, its errorbar line; a running
            # exponent and an accuracy curve per part; a spectrum and an alignment per snapshot
            assert len(lines) == 6 and lines[0] >= 2 * len(groups) and lines[1] >= len(groups)
            assert lines[2] == lines[5] == len(run["parts"]) and lines[3] == lines[4] >= 2
        elif kind == "simulate-sweep":  # the map (no lines), then one margin curve per rich gamma0 + theory
            assert lines == [0, len(run["config"]["gamma0"])]
        else:  # curve families: each curve with its predicted power law
            assert lines == [2 * len(run["parts"])]
    finally:
        plt.close(figure)


def test_resume_recomputes_nothing(tmp_path):
    first = run_recipe("phase", tmp_path, quick=True, figures=False)
    assert first.computed and not first.reused
    second = run_recipe("phase", tmp_path, quick=True, figures=False)
    assert not second.computed and second.reused == first.computed


def test_resume_after_interruption(tmp_path, monkeypatch):
    """Interrupt after two parts: the stored parts are whole, and the rerun computes only the rest."""
    from scalingtool.run import runner

    calls = {"n": 0}
    original = runner.Store.save

    def interrupting_save(self, part_id, params, data):
        if calls["n"] == 2:
            raise KeyboardInterrupt
        calls["n"] += 1
        original(self, part_id, params, data)

    monkeypatch.setattr(runner.Store, "save", interrupting_save)
    with pytest.raises(KeyboardInterrupt):
        run_recipe("phase", tmp_path, quick=True, figures=False)
    monkeypatch.setattr(runner.Store, "save", original)
    stored = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert len(stored) == 2 and all(name.endswith(".json") for name in stored)  # no temporary files left
    result = run_recipe("phase", tmp_path, quick=True, figures=False)
    assert len(result.reused) == 2 and len(result.computed) == len(result.reused + result.computed) - 2


def test_changed_params_recompute(tmp_path):
    text = builtin.read("phase")
    run_recipe(parse_recipe(text, "a.toml"), tmp_path, quick=True, figures=False)
    changed = parse_recipe(text.replace('dynamics = "sgd"', 'dynamics = "gd"'), "b.toml")
    assert not run_recipe(changed, tmp_path, quick=True, figures=False).reused


def test_plot_redraws(tmp_path, cli):
    pytest.importorskip("matplotlib")
    run_recipe("phase", tmp_path, quick=True, figures=False)
    assert [p.suffix for p in redraw(tmp_path)] == [".png", ".svg"]
    r = cli("plot", str(tmp_path))
    assert r.code == 0 and "phase.png" in r.out


GOOD = builtin.read("phase")


@pytest.mark.parametrize("text, fragment", [
    ("name = ", "not valid TOML"),
    (GOOD.replace('layer = "theory"', 'layer = "magic"'), "key 'layer'"),
    (GOOD.replace('kind = "phase"', 'kind = "astrology"'), "unknown kind 'astrology'"),
    (GOOD.replace('name = "phase"', 'name = "../../etc"'), "key 'name'"),
    (GOOD.replace('title = ', 'titel = '), "unknown key 'titel'"),
    (GOOD.replace('alpha = { min = "1.5", max = "3", steps = 4 }', 'alpha = { min = "0.5", max = "3", steps = 4 }'), "key 'alpha'"),
    (GOOD.replace('beta = { min = "0.25", max = "3", steps = 6 }', 'beta = "lots"'), "key 'beta'"),
    (GOOD.replace('dynamics = "sgd"', 'dynamics = "adam"'), "key 'dynamics'"),
    (GOOD.replace('layer = "theory"', 'layer = "reduced"'), "belongs to layer"),
])
def test_malformed_recipes(tmp_path, cli, text, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(")):
        run_recipe(path, tmp_path / "out", quick=True, figures=False)
    assert_usage_error(cli("run", str(path), "--quick", "--out", str(tmp_path / "out")), fragment, "bad.toml")


def test_run_command(cli, tmp_path):
    r = cli("run", "phase", "--quick", "--out", str(tmp_path), "-f", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["ok"] and doc["schema"] == "scalingtool/run/v1"


def test_a_sequential_run_reports_the_running_parts_share():
    from scalingtool.run.runner import _within

    seen = []
    data = {"a": {}}  # one part stored, two to go
    update = _within(lambda done, total: seen.append((done, total)), data, 3)
    update(5, 10)
    update(2, 10)  # a second loop inside the same part starts again at 0: the share stays
    update(10, 10)
    data["b"] = {}  # the part is stored; the next one starts from its own zero
    update(1, 4)
    update(3, 0)  # a loop without a known length reports nothing
    assert seen == [(1.5, 3), (1.5, 3), (2.0, 3), (2.25, 3)]


def test_a_recipe_run_in_this_process_moves_its_progress_within_a_part(tmp_path):
    seen = []
    run_recipe("simulate-sweep", tmp_path, quick=True, figures=False,
               progress=lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen[-1] == (total, total) and seen == sorted(seen)  # never moves back
    assert any(done != int(done) for done, _ in seen)  # fractions of a part in between

"""The cnn-study kind (theory §5): its plan, its refusals, and the full recipes (slow)."""

import pytest

from scalingtool.errors import UsageError
from scalingtool.run import builtin, parse_recipe, run_recipe
from scalingtool.run.kinds import get_kind
from scalingtool.run.schema.messages import validate_params

KIND = get_kind("cnn-study")


def _params(quick=True, name="cnn-mnist1d", **change):
    recipe = parse_recipe(*builtin.resolve(name))
    return validate_params(KIND.schema, {**recipe.params, **change}, recipe.quick, recipe.source, quick)


def test_plan_one_part_per_width_and_gamma0_with_stable_keys():
    params = _params(quick=False)
    parts = KIND.plan(params)
    assert [p.key for p in parts] == [f"mnist1d_online_N{w}_g{g}" for w in (8, 16) for g in ("0", "0.25", "0.5", "1", "2")]
    again = KIND.plan(_params(quick=False))
    assert [p.params for p in parts] == [p.params for p in again]  # a pure function of the config


@pytest.mark.parametrize("change,fragment", [
    ({"task": "digits"}, "data = 'online' needs task 'mnist1d'"),
    ({"kernel_points": 2000}, "kernel_points"),
    ({"window": "3-30"}, "window"),
    ({"data": "finite"}, "samples"),
])
def test_bad_params_are_refused_in_one_line(change, fragment):
    with pytest.raises(UsageError, match=fragment):
        KIND.plan(_params(**change))


def test_finish_pairs_rich_with_lazy_over_seeds():
    base = {"exponents": [0.10, 0.20, 0.30], "mean": 0.2, "spread": 0.1, "accuracy": [0.5], "window": [1.0, 10.0],
            "top": [1.0, 2.0], "alignment": [], "modes": [], "estimate": {"failed": "no power law"}}
    data = {"mnist1d_online_N8_g0": base, "mnist1d_online_N8_g2": {**base, "exponents": [0.2, 0.4, 0.5], "mean": 0.37}}
    outcome = KIND.finish(_params(), data)
    gain = outcome.measured["mnist1d_online_N8_g2"]
    # per-seed differences 0.1, 0.2, 0.2: mean 1/6, standard error sd / sqrt(3) = (0.0577...) / sqrt(3)
    assert gain.value == pytest.approx(0.5 / 3) and gain.se == pytest.approx(0.057735 / 3**0.5, rel=1e-4)
    assert "no prediction" in gain.note and "mnist1d_online_N8_g0" not in outcome.measured


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cnn-mnist1d", "cnn-digits"])
def test_full_recipe_runs(name, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("mnist1d")
    pytest.importorskip("sklearn")
    result = run_recipe(name, tmp_path, quick=False, figures=False)
    expected = {"cnn-mnist1d": 2 * 5, "cnn-digits": 2 * 4}[name]  # widths x gamma0 of the recipe
    assert len(result.outcome.rows) == expected
    for row in result.outcome.rows:  # every part measured a finite exponent over its last decade
        assert row["measured"] == row["measured"]

"""The ReLU-MLP recipe kinds: mlp-study's schema and plan, mlp-circle's measured rich - lazy check."""

import json
from fractions import Fraction

import pytest

from scalingtool.errors import UsageError
from scalingtool.run.kinds import get_kind
from scalingtool.run.schema.messages import validate_params

STUDY = {"beta": ["1/4", "1/2"], "gamma0": [0, 1], "depth": [1, 3], "width": [32]}


def _study(**changes):
    kind = get_kind("mlp-study")
    return kind, validate_params(kind.schema, {**STUDY, **changes}, {}, "test.toml", False)


def test_study_plans_one_part_per_grid_point_and_keeps_the_checks_out_of_them():
    kind, params = _study()
    parts = kind.plan(params)
    # 2 betas x 2 depths x 1 data x 1 width x 2 gamma0
    assert [p.key for p in parts][:2] == ["b1_4_d1_online_N32_g0", "b1_4_d1_online_N32_g1"]
    assert len({p.key for p in parts}) == 8
    _, checked = _study(lazy_tolerance=0.2, max_drift=0.1)
    # a changed check tolerance must not recompute a stored part
    assert [p.params for p in kind.plan(checked)] == [p.params for p in parts]
    assert parts[0].params["alpha_range"] == [4, 32]  # k_hi = min(32, 256 // 8), k_lo = k_hi // 8


@pytest.mark.parametrize(("change", "fragment"), [
    ({"depth": [5]}, "depth"), ({"param": "sgd"}, "param"), ({"gamma0": [-1]}, "gamma0"),
    ({"beta": ["0"]}, "beta"), ({"width": [32, 32]}, "once"), ({"lazy_tolerance": 2}, "lazy_tolerance"),
])
def test_study_refuses_bad_params_in_one_line(change, fragment):
    with pytest.raises(UsageError) as exc:
        _study(**change)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def _mlp_data(lazy_mean: float, rich_mean: float) -> dict:
    # theory §3, gradient flow at alpha = 2, beta = 1/2: lazy beta = 1/2, rich 2 beta/(1 + beta) = 2/3
    common = {"steps": [1, 2], "loss": [1.0, 0.5], "spread": 0.01, "alpha": Fraction(2), "beta": Fraction(1, 2)}
    return {"mlp_gamma0=0": {**common, "mean": lazy_mean, "training": "lazy", "predicted": Fraction(1, 2)},
            "mlp_gamma0=1": {**common, "mean": rich_mean, "training": "rich", "predicted": Fraction(2, 3)}}


BASE = {"beta": "1/2", "gamma0": [0, 1]}


def _margin_check(params: dict, lazy_mean: float, rich_mean: float):
    kind = get_kind("mlp-circle")
    validated = validate_params(kind.schema, {**BASE, **params}, {}, "test.toml", False)
    checks = kind.finish(validated, _mlp_data(lazy_mean, rich_mean)).checks
    return next(c for c in checks if c.case == "hard target")


def test_mlp_circle_checks_the_measured_difference_with_the_theory_in_the_note():
    check = _margin_check({"rich_minus_lazy": "-0.067", "rich_minus_lazy_tolerance": 0.075}, 0.463, 0.395)
    # measured -0.068 against -0.067 +- 0.075: pass; the theory's +1/6 is stated beside it
    assert check.status == "pass" and "+0.167" in check.note
    moved = _margin_check({"rich_minus_lazy": "-0.067", "rich_minus_lazy_tolerance": 0.075}, 0.463, 0.55)
    assert moved.status == "fail"  # +0.087 is 0.154 away from the measured behaviour


def test_mlp_circle_without_a_measured_difference_checks_the_theory_margin():
    # margin 2/3 - 1/2 = 1/6 with tolerance 1/6: a measured -0.068 is outside [0, 1/3]
    assert _margin_check({}, 0.463, 0.395).status == "fail"
    assert _margin_check({}, 0.463, 0.63).status == "pass"


@pytest.mark.parametrize("recipe", ["mlp-circle", "mlp-study"])
def test_an_interrupted_network_is_not_stored_as_a_finished_part(recipe, tmp_path, monkeypatch):
    # Ctrl-C inside the second part's training: the simulator returns interrupted=True with the
    # steps it reached; the kind must not store that as finished. The first part stays stored.
    pytest.importorskip("torch")
    from scalingtool.run.runner import run_recipe
    from scalingtool.simulate import loop, relu_mlp

    calls = {"n": 0}

    def interrupting_loop(step, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            done = {"n": 0}

            def step_then_stop():
                done["n"] += 1
                if done["n"] > 10:
                    raise KeyboardInterrupt
                step()
            return loop.run_loop(step_then_stop, *args, **kwargs)
        return loop.run_loop(step, *args, **kwargs)

    monkeypatch.setattr(relu_mlp, "run_loop", interrupting_loop)
    with pytest.raises(KeyboardInterrupt):
        run_recipe(recipe, tmp_path, quick=True, figures=False)
    stored = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert len(stored) == 1 and stored[0].endswith("0.json")  # only the finished lazy part


def test_mlp_circle_lazy_check_uses_the_estimated_line_when_there_is_one():
    kind = get_kind("mlp-circle")
    validated = validate_params(kind.schema, BASE, {}, "test.toml", False)
    data = _mlp_data(0.463, 0.395)
    nominal = next(c for c in kind.finish(validated, data).checks if c.case == "mlp_gamma0=0")
    assert float(nominal.predicted) == 0.5 and "nominal task" in nominal.note
    bridge = {"alpha": 2.1, "alpha_ci": [2.0, 2.2], "beta": 0.45, "beta_ci": [0.3, 0.6], "lazy": 0.45,
              "lazy_ci": [0.3, 0.6], "rich": 0.62, "rich_ci": [0.46, 0.75]}
    for d in data.values():
        d["bridge"] = bridge
    outcome = kind.finish(validated, data)
    check = next(c for c in outcome.checks if c.case == "mlp_gamma0=0")
    assert float(check.predicted) == 0.45 and "estimated" in check.note and "0.500" in check.note
    rows = {r["run"]: r for r in outcome.rows}
    assert rows["mlp_gamma0=1"]["predicted_est"] == "0.620 [0.460, 0.750]"  # the rich line, its interval
    assert rows["mlp_gamma0=0"]["beta_est"] == "0.450 [0.300, 0.600]"
    margin = next(c for c in outcome.checks if c.case == "hard target")
    assert "+0.170 for the estimated task (nominal +0.167)" in margin.note


def test_study_lines_come_from_the_estimate_and_keep_the_nominal_beside():
    kind, params = _study(beta=["1/2"], depth=[1], lazy_tolerance=0.15)
    part = {"alpha": "2", "beta": "1/2", "lazy_theory": "1/2", "rich_theory": "2/3", "spread": 0.01,
            "drift": 0.0, "window": [10.0, 100.0], "rich_onset": None, "top": [1.0, 2.0],
            "residual_rayleigh": []}
    bridge = {"alpha": 2.1, "alpha_ci": [2.0, 2.2], "beta": 0.4, "beta_ci": [0.3, 0.5], "lazy": 0.4,
              "lazy_ci": [0.3, 0.5], "rich": 0.57, "rich_ci": [0.46, 0.67]}
    data = {"b1_2_d1_online_N32_g0": {**part, "mean": 0.56, "exponents": [0.55, 0.57], "bridge": bridge},
            "b1_2_d1_online_N32_g1": {**part, "mean": 0.5, "exponents": [0.5, 0.5],
                                      "bridge": None}}  # stored before the bridge
    outcome = kind.finish(params, data)
    (check,) = outcome.checks
    # 0.56 is within 0.15 of the estimated 0.4? no (0.16): fail; of the nominal 0.5: it would pass
    assert float(check.predicted) == 0.4 and check.status == "fail" and "0.500" in check.note
    rows = {r["gamma0"]: r for r in outcome.rows}
    assert rows[1.0]["rich_est"] == "0.570 [0.460, 0.670]"  # the configuration's estimate, every gamma0
    assert rows[1.0]["rich_theory"] == Fraction(2, 3)  # the nominal line stays visible


def test_study_reports_the_paired_difference_with_its_standard_error_in_words():
    kind, params = _study(beta=["1/4"], depth=[3])
    part = {"alpha": "2", "beta": "1/4", "lazy_theory": "1/4", "rich_theory": "2/5", "drift": 0.01,
            "window": [83.2, 832.0], "rich_onset": None, "top": [1.0, 2.0], "residual_rayleigh": [],
            "bridge": None}
    lazy = [0.25, 0.26, 0.26]
    rich = [0.35, 0.33, 0.37]
    data = {"b1_4_d3_online_N32_g0": {**part, "exponents": lazy, "mean": sum(lazy) / 3, "spread": 0.006},
            "b1_4_d3_online_N32_g1": {**part, "exponents": rich, "mean": sum(rich) / 3, "spread": 0.02}}
    outcome = kind.finish(params, data)
    row = next(r for r in outcome.rows if r["gamma0"] == 1.0)
    # differences 0.10, 0.07, 0.11: mean 0.09333, sample sd 0.020817, s.e. = sd / sqrt(3) = 0.012019
    assert row["minus_lazy"] == pytest.approx(0.093333, abs=1e-6)
    assert row["minus_lazy_se"] == pytest.approx(0.0120185, abs=1e-6)
    # these seeds are uncorrelated, so the unpaired error (spreads in quadrature) is 0.0120 too;
    # the pairing shows when the seeds are matched differently: reversed, the differences change
    flipped = {**data, "b1_4_d3_online_N32_g1": {**data["b1_4_d3_online_N32_g1"], "exponents": rich[::-1]}}
    again = next(r for r in kind.finish(params, flipped).rows if r["gamma0"] == 1.0)
    assert again["minus_lazy_se"] == pytest.approx(0.0145297, abs=1e-6)  # differences 0.12, 0.07, 0.09
    lazy_line, rich_line = outcome.summary
    assert lazy_line.startswith("b1_4_d3_online_N32 gamma0 = 0: exponent 0.257 +- 0.006")
    assert "rich - lazy" not in lazy_line
    assert "rich - lazy +0.093 +- 0.012 (paired over seeds)" in rich_line
    assert "[83.2, 832]" in rich_line and "lines lazy 0.250, rich 0.400" in rich_line


GAIN = {"beta": "1/4", "depth": 3, "width": 32, "gamma0": 1, "value": "0.09", "tolerance": 0.03}


def _pair(lazy: list, rich: list, bridge=None) -> dict:
    part = {"alpha": "2", "beta": "1/4", "lazy_theory": "1/4", "rich_theory": "2/5", "drift": 0.01,
            "window": [83.2, 832.0], "rich_onset": None, "top": [1.0, 2.0], "residual_rayleigh": [],
            "bridge": bridge, "spread": 0.01}
    return {"b1_4_d3_online_N32_g0": {**part, "exponents": lazy, "mean": sum(lazy) / len(lazy)},
            "b1_4_d3_online_N32_g1": {**part, "exponents": rich, "mean": sum(rich) / len(rich)}}


def test_a_measured_gain_is_checked_with_the_prediction_beside_it_and_recomputes_nothing():
    kind, plain = _study(beta=["1/4"], depth=[3])
    _, params = _study(beta=["1/4"], depth=[3], gains=[GAIN])
    assert [p.params for p in kind.plan(params)] == [p.params for p in kind.plan(plain)]
    bridge = {"alpha": 2.0, "beta": 0.25, "lazy": 0.30, "rich": 0.46}
    # differences 0.10, 0.07, 0.11: mean +0.0933, 0.0033 from the measured 0.09 (tolerance 0.03)
    (check,) = kind.finish(params, _pair([0.25, 0.26, 0.26], [0.35, 0.33, 0.37], bridge)).checks
    assert check.case == "b1_4_d3_online_N32_g1" and check.status == "pass"
    assert check.predicted == pytest.approx(0.09) and check.measured == pytest.approx(0.093333, abs=1e-6)
    assert "now +0.093 +- 0.012 (paired over seeds)" in check.note
    assert "+0.160 for the estimated task (nominal +0.150)" in check.note  # 0.46 - 0.30; 2/5 - 1/4
    # the lazy law in the rich run (difference 0): 0.09 away, three tolerances, fails
    (lazy_law,) = kind.finish(params, _pair([0.25, 0.26, 0.26], [0.25, 0.26, 0.26])).checks
    assert lazy_law.status == "fail" and "+0.150 for the nominal task" in lazy_law.note
    # no lazy part stored for the configuration: fails, saying so
    rich_only = {k: v for k, v in _pair([0.25], [0.35]).items() if k.endswith("_g1")}
    (missing,) = kind.finish(params, rich_only).checks
    assert missing.status == "fail" and missing.measured is None and "no lazy" in missing.note


@pytest.mark.parametrize(("gain", "study", "fragment"), [
    ({"depth": 1}, {}, "gains[0]: no rich configuration beta = 1/4, depth = 1"),
    ({"gamma0": 0}, {}, "gains[0]: no rich configuration"),
    ({"gamma0": 2}, {}, "gamma0 = 2 in the grid"),
    ({"data": "grid"}, {}, "data = grid"),
    ({}, {"gamma0": [1, 2]}, "gamma0 must include 0"),
    ({"value": "5/2"}, {}, "value must lie in [-2, 2]"),
    ({"value": "1e400"}, {}, "value"),
    ({"tolerance": 0}, {}, "tolerance"),
    ({"seeds": 3}, {}, "seeds"),  # not a key of a gain
])
def test_a_gain_outside_the_grid_or_out_of_range_is_refused_in_one_line(gain, study, fragment):
    with pytest.raises(UsageError) as exc:
        _study(**{"beta": ["1/4"], "depth": [3], **study, "gains": [{**GAIN, **gain}]})
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_a_configuration_may_carry_one_gain():
    with pytest.raises(UsageError, match="only once"):
        _study(beta=["1/4"], depth=[3], gains=[GAIN, {**GAIN, "value": "0.1"}])


def test_paired_error_needs_a_lazy_part_and_two_seeds():
    from scalingtool.run.kinds.mlp_study.compute import paired_stderr

    assert paired_stderr({"exponents": [0.3, 0.4]}, None) is None
    assert paired_stderr({"exponents": [0.3]}, {"exponents": [0.2]}) is None
    assert paired_stderr({"exponents": [0.3, 0.4]}, {"exponents": [0.2, 0.3]}) == pytest.approx(0.0)


def test_a_study_without_checks_prints_its_results_not_an_empty_table(cli, tmp_path):
    pytest.importorskip("torch")
    recipe = tmp_path / "easy.toml"
    recipe.write_text('name = "easy"\ntitle = "easy"\nkind = "mlp-study"\nlayer = "simulation"\n[params]\n'
                      'beta = ["3/2"]\ngamma0 = [0, 1]\ndepth = [1]\nwidth = [16]\nseeds = 2\nsteps = 20\n'
                      'modes = 8\nbatch = 16\nkernel_points = 64\n')
    out = tmp_path / "out"
    r = cli("run", str(recipe), "--out", str(out))
    assert r.code == 0, r.err
    assert "┏" not in r.out and "no checks: this recipe reports its results" in r.out
    assert "b3_2_d1_online_N16 gamma0 = 1: exponent" in r.out and "(paired over seeds)" in r.out
    document = json.loads(cli("run", str(recipe), "--out", str(out), "--format", "json").out)
    assert document["checks"] == [] and len(document["summary"]) == 2
    assert document["reused"] == ["b3_2_d1_online_N16_g0", "b3_2_d1_online_N16_g1"]


def test_the_documented_gain_example_is_a_valid_gain():
    import re
    from pathlib import Path

    from scalingtool.readers import parse_toml

    page = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "write-a-recipe.md"
    (block,) = [b for b in re.findall(r"```toml\n(.*?)```", page.read_text("utf-8"), re.S) if "[[params.gains]]" in b]
    gains = parse_toml(block, "write-a-recipe.md")["params"]["gains"]
    _, params = _study(beta=["1/4"], depth=[4], width=[256], gains=gains)
    assert params.gains[0].part() == "b1_4_d4_online_N256_g1" and params.gains[0].value == Fraction(39, 250)

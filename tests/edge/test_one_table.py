"""One table of limits: every field of every model config accepts its bounds and refuses one
step past each, with the same message through the config, the command line and a recipe.

The bounds come from ``LIMITS`` (never typed here), so a changed limit moves every surface at
once; a surface that checked its own range would give another message and fail here.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from scalingtool.config import (CnnRun, DataCurveRun, FlowRun, FrontierFitRun, FrontierRun, LazySgdRun, LinearRun,
                                ProjectedTask, ReluMLPRun, SolveRun, WidthCurveRun, field_schema)
from scalingtool.config.reduced import T_MAX_FLOAT64
from scalingtool.errors import UsageError
from scalingtool.params import LIMITS, _fmt
from scalingtool.run import check_recipe
from scalingtool.run.recipe import parse_recipe
from tests.conftest import assert_usage_error

#: a step past a bound: 1 for whole numbers; for real numbers far below any limit's scale
#: (the smallest limit is 1, a fraction of 1e-6 past it is still outside)
_EPS = Fraction(1, 10**6)
#: fields whose bounds depend on another field, set so that only the bound under test binds
_COMPANIONS = {"test_points": {"modes": 1}, "alpha_range": {"kernel_points": 2**14},
               "kernel_points": {"alpha_range": (2, 4)}, "samples": {"data": "finite", "batch": 1}}
#: the same for the reduced configs, by (config, field): mpmath reaches t_max = 1e30 (float64 1e12),
#: and a run starts at t_min/eta below t_max; modes >= width; a frontier fit needs beta > 1 and a transient window N^alpha/cut > 10 t_min
_MP = {"precision": "mp:30"}
_FIT = {"alpha": 10, "beta": "5/4"}  # the widest default width 512: N^alpha/cut = 1.2e25, inside 1e30
_REDUCED_COMPANIONS = {
    (FlowRun, "t_max"): {**_MP, "eta": 10**6}, (FlowRun, "t_min"): {**_MP, "t_max": 10**30, "eta": 10**6},
    (SolveRun, "t_max"): {**_MP, "lr": 10**6}, (ProjectedTask, "modes"): {"width": 1},
    (FrontierRun, "t_max"): {"dynamics": "sgd", "training": "lazy"},
    **{(FrontierFitRun, f): _FIT for f in ("training", "dynamics", "gamma0", "eta", "batch", "p", "q",
                                            "t_min", "cut", "dominance", "modes_factor")},
    (FrontierFitRun, "widths"): {"alpha": 3, "beta": "5/4", "t_min": "1/1000000"},  # 1 to 1e5: 1e-2 to 1e13
    (FrontierFitRun, "alpha"): {"beta": "5/4", "t_min": "1/10"}, (FrontierFitRun, "beta"): {"alpha": 10},
}
#: inside values a rule between fields refuses with these companions: beta <= 1 is a hard task; the
#: transient window N^alpha/cut must end by 1e30 (alpha > 199 passes it for every width >= 2 and
#: cut <= 1e30) and after 10 t_min (t_min > 1e29 can never be, cut > 1e20 closes it at alpha = 10)
_RULED_OUT = {(FrontierFitRun, "beta"): lambda v: v <= 1, (FrontierFitRun, "alpha"): lambda v: v > 199,
              (FrontierFitRun, "t_min"): lambda v: v > 10**29, (FrontierFitRun, "cut"): lambda v: v > 10**20}


def _bounds(name: str) -> tuple[list[Fraction], list[Fraction]]:
    """(values inside the range at its two ends, values one step outside)."""
    limit = LIMITS[name]
    step = 1 if limit.integer else _EPS
    inside = [limit.low + step if limit.low_open else limit.low, limit.high]
    outside = [limit.low if limit.low_open else limit.low - step, limit.high + step]
    return inside, outside


def _text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _limited_fields(cls: type) -> list[tuple[str, str]]:
    return [(f.name, f.metadata["limit"]) for f in dataclasses.fields(cls) if "limit" in f.metadata]


def _listed_fields(cls: type) -> list[tuple[str, str, int]]:
    """The list fields (each item within a limit): (field, limit, least number of items)."""
    return [(f.name, f.metadata["item"], f.metadata["at_least"]) for f in dataclasses.fields(cls)
            if f.metadata.get("shape") == "ascending"]


def _ascending(value: int, at_least: int, low: bool) -> tuple[int, ...]:
    """``at_least`` increasing whole numbers starting (``low``) or ending at ``value``."""
    return tuple(value + i for i in range(at_least)) if low else tuple(value - i for i in reversed(range(at_least)))


def _tail(message: str, value: Fraction) -> str:
    """What a message says after naming the quantity: ``"<value> is out of range: expected ..."``."""
    marker = f"{_fmt(value)} is out of range"
    assert marker in message, (marker, message)
    return message[message.index(marker):]


CASES = [(cls, field, limit) for cls in (LinearRun, ReluMLPRun, CnnRun) for field, limit in _limited_fields(cls)]


@pytest.mark.parametrize("cls, field, limit", CASES, ids=[f"{c.__name__}.{f}" for c, f, _ in CASES])
def test_every_config_field_takes_its_bounds_and_refuses_one_step_past(cls, field, limit):
    inside, outside = _bounds(limit)
    others = _COMPANIONS.get(field, {})
    for value in inside:
        given = (int(value), int(value)) if field == "alpha_range" else value
        if field == "alpha_range":  # a pair: k_lo + 2 <= k_hi, so each end is tested on its own side
            given = (int(value), int(value) + 2) if value == inside[0] else (int(value) - 2, int(value))
        config = cls.from_user(**others, **{field: given})
        assert getattr(config, field) == given
    for value in outside:
        given = (int(value), int(value) + 2) if field == "alpha_range" else value
        with pytest.raises(UsageError) as caught:
            cls.from_user(**others, **{field: given})
        expected = f"{field} = {_fmt(value)} is out of range: expected {LIMITS[limit].describe(field)}"
        assert str(caught.value) == expected


REDUCED = (FlowRun, ProjectedTask, LazySgdRun, WidthCurveRun, DataCurveRun, FrontierRun, FrontierFitRun, SolveRun)
REDUCED_CASES = [(cls, field, limit) for cls in REDUCED for field, limit in _limited_fields(cls)]


@pytest.mark.parametrize("cls, field, limit", REDUCED_CASES, ids=[f"{c.__name__}.{f}" for c, f, _ in REDUCED_CASES])
def test_every_reduced_config_field_takes_its_bounds_and_refuses_one_step_past(cls, field, limit):
    inside, outside = _bounds(limit)
    others = _REDUCED_COMPANIONS.get((cls, field), {})
    ruled_out = _RULED_OUT.get((cls, field), lambda v: False)
    for value in inside:
        if not ruled_out(value):
            assert getattr(cls.from_user(**others, **{field: value}), field) == value
    for value in outside:
        with pytest.raises(UsageError) as caught:
            cls.from_user(**others, **{field: value})
        assert str(caught.value) == f"{field} = {_fmt(value)} is out of range: expected {LIMITS[limit].describe(field)}"
        assert caught.value.field == field


LIST_CASES = [(cls, field, item, least) for cls in REDUCED for field, item, least in _listed_fields(cls)]


@pytest.mark.parametrize("cls, field, item, least", LIST_CASES, ids=[f"{c.__name__}.{f}" for c, f, _, _ in LIST_CASES])
def test_every_item_of_a_reduced_list_takes_its_bounds_and_refuses_one_step_past(cls, field, item, least):
    (low, high), (below, above) = _bounds(item)
    others = _REDUCED_COMPANIONS.get((cls, field), {})
    for value, at_low in ((low, True), (high, False)):
        values = _ascending(int(value), least, at_low)
        assert getattr(cls.from_user(**others, **{field: values}), field) == values
    for value, at_low in ((below, True), (above, False)):
        with pytest.raises(UsageError) as caught:
            cls.from_user(**others, **{field: _ascending(int(value), least, at_low)})
        assert str(caught.value) == f"{field} = {_fmt(value)} is out of range: expected {LIMITS[item].describe(field)}"
    with pytest.raises(UsageError, match="strictly increasing"):
        cls.from_user(**others, **{field: tuple(reversed(_ascending(int(low), max(least, 2), True)))})


def test_the_float64_end_time_is_a_rule_of_the_config():
    past = T_MAX_FLOAT64 + _EPS
    assert FlowRun.from_user(t_max=T_MAX_FLOAT64).t_max == T_MAX_FLOAT64
    assert FlowRun.from_user(t_max=past, precision="mp:30").t_max == past
    for cls in (FlowRun, SolveRun):
        with pytest.raises(UsageError, match=f"t_max = {_fmt(past)} is out of range for precision float64") as caught:
            cls.from_user(t_max=past)
        assert caught.value.field == "t_max"


def test_rich_sgd_is_a_rule_of_the_configs():
    for cls, given in ((SolveRun, {"gamma0": 1, "batch": 4}), (FrontierRun, {"training": "rich", "dynamics": "sgd"}),
                       (FrontierFitRun, {"beta": "5/4", "training": "rich", "dynamics": "sgd"})):
        with pytest.raises(UsageError, match="rich training with SGD has no exact reduced closure"):
            cls.from_user(**given)


#: solve's flags and the SolveRun fields they set
SOLVE_FLAGS = [("--alpha", "alpha"), ("--beta", "beta"), ("--gamma0", "gamma0"), ("--width", "width"),
               ("--batch", "batch"), ("--lr", "lr"), ("--t-max", "t_max"), ("--seed", "seed"),
               ("--decades", "decades"), ("--tolerance", "tolerance")]


@pytest.mark.parametrize("flag, field", SOLVE_FLAGS, ids=[f for f, _ in SOLVE_FLAGS])
def test_solve_refuses_one_step_past_each_bound_with_the_config_message(cli, flag, field):
    limit = dict(_limited_fields(SolveRun))[field]
    for value in _bounds(limit)[1]:
        with pytest.raises(UsageError) as caught:
            SolveRun.from_user(**{field: value})
        result = cli("solve", "--alpha", "2", "--beta", "1/2", f"{flag}={_text(value)}")
        assert_usage_error(result, f"{flag} {_fmt(value)} is out of range")
        assert _tail(result.err.strip(), value) == _tail(str(caught.value), value)


#: (simulate flags that select the model, flag, config field): the fields the command line sets
CLI_FIELDS = [
    ((), "--alpha", "alpha"), ((), "--beta", "beta"), ((), "--gamma0", "gamma0"), ((), "--width", "width"),
    ((), "--steps", "steps"), ((), "--batch", "batch"), ((), "--data", "data"), ((), "--lr", "lr"),
    ((), "--seeds", "seeds"), (("--model", "relu-mlp"), "--depth", "depth"),
]


@pytest.mark.parametrize("model, flag, field", CLI_FIELDS, ids=[c[1] for c in CLI_FIELDS])
def test_the_command_line_refuses_one_step_past_each_bound_with_the_config_message(cli, model, flag, field):
    for value in _bounds(field)[1]:
        text = _text(value)
        with pytest.raises(UsageError) as caught:
            LinearRun.from_user(**{field: value}) if field != "depth" else ReluMLPRun.from_user(depth=value)
        result = cli("simulate", *model, f"{flag}={text}")
        assert_usage_error(result, f"{flag} {_fmt(value)} is out of range")
        assert _tail(result.err.strip(), value) == _tail(str(caught.value), value)


def _recipe(kind: str, params: str) -> str:
    return f'name = "one-table"\ntitle = "bounds"\nlayer = "simulation"\nkind = "{kind}"\n[params]\n{params}\n'


SWEEP = {"alpha": '"2"', "beta": '"1/2"', "widths": "[8]", "gamma0": "[0, 1]", "seeds": "1", "steps": "10"}
MLP = {"beta": '"1/2"', "gamma0": "[0, 1]", "width": "8", "steps": "10", "seeds": "1", "modes": "1", "grid": "16"}
STUDY = {"beta": '["1/2"]', "gamma0": "[0, 1]", "width": "[8]", "depth": "[1]", "steps": "10", "seeds": "1",
         "modes": "1", "batch": "4", "points": "16", "kernel_points": "64", "max_substeps": "4"}
#: (kind, its valid [params], recipe key, config field, whether the key holds a list)
RECIPE_FIELDS = [
    ("simulate-sweep", SWEEP, "alpha", "alpha", False), ("simulate-sweep", SWEEP, "beta", "beta", False),
    ("simulate-sweep", SWEEP, "widths", "width", True), ("simulate-sweep", SWEEP, "gamma0", "gamma0", True),
    ("simulate-sweep", SWEEP, "seeds", "seeds", False), ("simulate-sweep", SWEEP, "steps", "steps", False),
    ("mlp-circle", MLP, "width", "width", False), ("mlp-circle", MLP, "steps", "steps", False),
    ("mlp-circle", MLP, "seeds", "seeds", False), ("mlp-circle", MLP, "modes", "modes", False),
    ("mlp-study", STUDY, "depth", "depth", True), ("mlp-study", STUDY, "width", "width", True),
    ("mlp-study", STUDY, "batch", "batch", False), ("mlp-study", STUDY, "points", "points", False),
    ("mlp-study", STUDY, "kernel_points", "kernel_points", False),
    ("mlp-study", STUDY, "max_substeps", "max_substeps", False), ("mlp-study", STUDY, "modes", "modes", False),
]


def _with(params: dict[str, str], key: str, value: str, listed: bool) -> str:
    entries = dict(params, **{key: f'["{value}"]' if listed else f'"{value}"'})
    if key == "gamma0":  # the lazy reference stays in the grid, beside a rich value
        entries[key] = f'[0, "{value}"]' if value != "0" else "[0, 1]"
    if key == "modes" and "grid" in params:  # the grid holds 4 x modes angles
        entries["grid"] = str(LIMITS["points"].high)
    return "\n".join(f"{k} = {v}" for k, v in entries.items())


@pytest.mark.parametrize("kind, params, key, field, listed", RECIPE_FIELDS,
                         ids=[f"{c[0]}.{c[2]}" for c in RECIPE_FIELDS])
def test_a_recipe_takes_the_same_bounds_with_the_same_message(kind, params, key, field, listed):
    inside, outside = _bounds(field)
    for value in inside:
        if key == "points" and value < 16 or key == "kernel_points" and value < 64:
            continue  # the study's kernel grid and its fit range need these (their own rule)
        check_recipe(parse_recipe(_recipe(kind, _with(params, key, _text(value), listed)), "r.toml"))
    for value in outside:
        text = _text(value)
        with pytest.raises(UsageError) as recipe_error:
            check_recipe(parse_recipe(_recipe(kind, _with(params, key, text, listed)), "r.toml"))
        cls = LinearRun if field in {f.name for f in dataclasses.fields(LinearRun)} else ReluMLPRun
        with pytest.raises(UsageError) as config_error:
            cls.from_user(**{field: value})
        assert f"key '{key}'" in str(recipe_error.value)
        assert _tail(str(recipe_error.value), value) == _tail(str(config_error.value), value)


TIME = {"tasks": '[["2", "1/2"]]'}
SGD = {"tasks": '[["2", "3"]]', "end": '"1e7"'}
FRONTIER = {"alpha": '"2"', "beta": '"1/2"', "widths": "[16, 32, 64]"}
#: (kind, its valid [params], recipe key, config, config field): the reduced recipes' keys
REDUCED_KEYS = [
    ("time-curves", TIME, "gamma0", FlowRun, "gamma0"), ("time-curves", TIME, "end", FlowRun, "t_max"),
    ("time-curves", TIME, "decades", SolveRun, "decades"), ("sgd-noise", SGD, "lr", LazySgdRun, "eta"),
    ("sgd-noise", SGD, "batch", LazySgdRun, "batch"), ("frontier", FRONTIER, "alpha", FrontierRun, "alpha"),
    ("frontier", FRONTIER, "beta", FrontierRun, "beta"), ("frontier", FRONTIER, "widths", FrontierRun, "widths"),
]


def _reduced_recipe(kind: str, params: dict[str, str], key: str, value: str | tuple[int, ...]) -> str:
    entry = f"[{', '.join(map(str, value))}]" if isinstance(value, tuple) else f'"{value}"'
    body = "\n".join(f"{k} = {v}" for k, v in dict(params, **{key: entry}).items())
    return f'name = "one-table"\ntitle = "bounds"\nlayer = "reduced"\nkind = "{kind}"\n[params]\n{body}\n'


@pytest.mark.parametrize("kind, params, key, cls, field", REDUCED_KEYS, ids=[f"{c[0]}.{c[2]}" for c in REDUCED_KEYS])
def test_a_reduced_recipe_takes_the_same_bounds_with_the_same_message(kind, params, key, cls, field):
    spec = {f.name: f.metadata for f in dataclasses.fields(cls)}[field]
    limit = spec.get("limit") or spec["item"]
    listed = "item" in spec
    (low, high), (below, above) = _bounds(limit)
    if field == "t_max":  # the recipes run in float64: the float64 rule is the upper bound
        high, above = T_MAX_FLOAT64, T_MAX_FLOAT64 + _EPS

    def given(value: Fraction, at_low: bool) -> str | tuple[int, ...]:
        return _ascending(int(value), 3, at_low) if listed else _text(value)

    for value, at_low in ((low, True), (high, False)):
        check_recipe(parse_recipe(_reduced_recipe(kind, params, key, given(value, at_low)), "r.toml"))
    for value, at_low in ((below, True), (above, False)):
        with pytest.raises(UsageError) as recipe_error:
            check_recipe(parse_recipe(_reduced_recipe(kind, params, key, given(value, at_low)), "r.toml"))
        with pytest.raises(UsageError) as config_error:
            cls.from_user(**{field: _ascending(int(value), 3, at_low) if listed else value})
        assert f"key '{key}'" in str(recipe_error.value)
        # a real number's range names the quantity: the recipe's key, the config's field; past
        # float64's end time the config also says how to go further (mpmath), which a recipe cannot choose
        recipe_tail = _tail(str(recipe_error.value), value).replace(key, field)
        config_tail = _tail(str(config_error.value), value).removesuffix(" (use precision 'mp:30' beyond)")
        assert recipe_tail == config_tail


def test_the_json_schema_reads_the_same_limits():
    schema = field_schema(ReluMLPRun)["properties"]
    assert schema["width"]["minimum"] == LIMITS["width"].low and schema["width"]["maximum"] == LIMITS["width"].high
    assert schema["safety"]["exclusiveMinimum"] == 0 and schema["safety"]["maximum"] == 1
    assert schema["dtype"] == {"enum": ["float64", "float32"], "default": "float64"}
    assert schema["lr"]["anyOf"][1] == {"type": "null"}
    frontier = field_schema(FrontierRun)["properties"]
    assert frontier["widths"]["items"]["maximum"] == LIMITS["projection_width"].high
    assert frontier["widths"]["minItems"] == 3 and frontier["training"]["enum"] == ["lazy", "rich"]
    assert field_schema(FlowRun)["properties"]["precision"]["default"] == "float64"

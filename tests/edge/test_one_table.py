"""One table of limits: every field of every model config accepts its bounds and refuses one
step past each, with the same message through the config, the command line and a recipe.

The bounds come from ``LIMITS`` (never typed here), so a changed limit moves every surface at
once; a surface that checked its own range would give another message and fail here.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from scalingtool.config import LinearRun, ReluMLPRun, field_schema
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
               "kernel_points": {"alpha_range": (2, 4)}}


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


def _tail(message: str, value: Fraction) -> str:
    """What a message says after naming the quantity: ``"<value> is out of range: expected ..."``."""
    marker = f"{_fmt(value)} is out of range"
    assert marker in message, (marker, message)
    return message[message.index(marker):]


CASES = [(cls, field, limit) for cls in (LinearRun, ReluMLPRun) for field, limit in _limited_fields(cls)]


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


def test_the_json_schema_reads_the_same_limits():
    schema = field_schema(ReluMLPRun)["properties"]
    assert schema["width"]["minimum"] == LIMITS["width"].low and schema["width"]["maximum"] == LIMITS["width"].high
    assert schema["safety"]["exclusiveMinimum"] == 0 and schema["safety"]["maximum"] == 1
    assert schema["dtype"] == {"enum": ["float64", "float32"], "default": "float64"}
    assert schema["lr"]["anyOf"][1] == {"type": "null"}

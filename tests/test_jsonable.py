"""The one JSON conversion: fractions and non-finite numbers spelt out by an explicit choice."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from scalingtool.jsonable import to_json

VALUE = {"half": Fraction(1, 2), "nan": math.nan, "up": math.inf, "down": -np.inf, 3: (1, np.int64(2)),
         "array": np.array([0.5, np.nan]), "scalar": np.float64(0.25), "flag": np.bool_(True), "none": None}


def test_stored_runs_spell_every_non_finite_number_as_text():
    assert to_json(VALUE) == {"half": "1/2", "nan": "nan", "up": "inf", "down": "-inf", "3": [1, 2],
                              "array": [0.5, "nan"], "scalar": 0.25, "flag": True, "none": None}


def test_command_output_writes_nan_as_null_and_fractions_exact():
    out = to_json(VALUE, nonfinite="null", fractions="exact")
    assert out["nan"] is None and out["array"] == [0.5, None]
    assert (out["up"], out["down"]) == ("inf", "-inf")
    assert out["half"] == {"exact": "1/2", "value": 0.5}


@pytest.mark.parametrize("nonfinite", ["text", "null"])
def test_the_result_is_valid_json(nonfinite):
    text = json.dumps(to_json(VALUE, nonfinite=nonfinite), allow_nan=False)
    assert json.loads(text)["scalar"] == 0.25


def test_fractions_as_numbers_for_the_config_schemas():
    assert to_json([Fraction(4), Fraction(1, 4)], fractions="number") == [4, 0.25]
    assert isinstance(to_json(Fraction(4), fractions="number"), int)

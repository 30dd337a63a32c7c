"""Parsing of numbers from text: exact, bounded, never evaluated as Python."""

from fractions import Fraction as F

import pytest

from scalingtool.errors import UsageError
from scalingtool.params import parse_alpha, parse_beta, parse_int, parse_number


@pytest.mark.parametrize("text", ["1.5", "3/2", "15e-1", " 3 / 2 ", "+1.50"])
def test_equivalent_spellings(text):
    assert parse_alpha(text) == F(3, 2)


@pytest.mark.parametrize("text, fragment", [
    ("1", "out of range"), ("0.5", "out of range"), ("1001", "out of range"),
    ("nan", "finite"), ("inf", "finite"), ("-inf", "finite"), ("", "empty"),
    ("two", "expected a number"), ("1/0", "zero denominator"), ("2**3", "expected a number"),
    ("1e999", "too many digits"), ("9" * 70, "too long"), ("__import__('os')", "expected a number"),
])
def test_alpha_errors_name_value_and_range(text, fragment):
    with pytest.raises(UsageError, match=fragment) as info:
        parse_alpha(text)
    assert "alpha" in str(info.value)
    assert "\n" not in str(info.value)


def test_beta_range_and_python_numbers():
    assert parse_beta(0.25) == F(1, 4)
    assert parse_beta(F(7, 3)) == F(7, 3)
    for bad in ("0", "-1", float("nan"), float("inf"), True):
        with pytest.raises(UsageError):
            parse_beta(bad)


def test_integers():
    assert parse_int("64", "width") == 64
    for bad in ("1.5", "0", "x"):
        with pytest.raises(UsageError, match="width"):
            parse_int(bad, "width")
    assert parse_number("-3/6", "x") == F(-1, 2)


def test_numpy_numbers():
    np = pytest.importorskip("numpy")
    assert parse_beta(np.float64(0.5)) == F(1, 2)
    assert parse_int(np.int64(8), "width") == 8
    with pytest.raises(UsageError, match="finite"):
        parse_beta(np.float64("nan"))

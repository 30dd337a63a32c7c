"""The symbolic derivation itself: power counting, time change, boundaries, shipped formulas."""

import json
from fractions import Fraction as F
from importlib import resources

import pytest
import sympy as sp

from scalingtool.theory import derive
from scalingtool.theory.compiled import compile_theory
from scalingtool.theory.powercount import ModeSum
from scalingtool.theory.regimes import easy_supereasy_boundary, hard_easy_boundary
from scalingtool.theory.symbols import alpha as A, beta as B
from scalingtool.theory.terms import data_decay, learned_norm_growth, width_decay
from scalingtool.theory.timechange import time_change


def test_power_counting_rule_against_direct_sums():
    """S(X) = sum_k k^-q G(k/X) ~ X^-min(q-1, m): check the slope of an explicit sum.

    G(u) = u/(1+u) (m = 1). q = 3: low modes dominate, S ~ X^-1; q = 3/2: modes near X
    dominate, S ~ X^-1/2. The sum is exact up to k = 2e6 (NumPy) plus the tail as an
    integral (mpmath.quad). The local slope between X = 1e3 and 1e4 carries corrections of
    relative size X^-(|q - 1 - m|) ~ 3% here, hence the 0.05 tolerance.
    """
    import mpmath
    import numpy as np

    k = np.arange(1, 2_000_001, dtype=float)
    K = k[-1]

    def S(q, X):
        head = float(np.sum(k ** (-q) * (k / X) / (1 + k / X)))
        tail = mpmath.quad(lambda x: x ** (-q) * (x / X) / (1 + x / X), [K + 0.5, mpmath.inf])
        return head + float(tail)

    for q, m in ((sp.Integer(3), 1), (sp.Rational(3, 2), 1)):
        slope = np.log(S(float(q), 1e4) / S(float(q), 1e3)) / np.log(10)
        growth = ModeSum(q, sp.Integer(m)).growth()
        assert abs(slope - float(growth)) < 0.05, (q, slope, growth)


def test_min_and_max_come_from_power_counting():
    assert width_decay() == A * sp.Min(1, B)
    assert data_decay() == A * sp.Min(2, B)
    assert learned_norm_growth() == -sp.Min(0, B - 1)  # = max(0, 1 - beta)
    for b in (sp.Rational(1, 3), sp.Integer(1), sp.Integer(4)):
        assert learned_norm_growth().subs(B, b) == max(0, 1 - b)


def test_rich_time_change_from_self_consistency():
    r = time_change("rich")
    for b in (F(1, 5), F(1, 2), F(9, 10)):
        assert r.subs(B, sp.Rational(b.numerator, b.denominator)) == sp.Rational(2) / (1 + sp.Rational(b.numerator, b.denominator))
    assert r.subs(B, 3) == 1
    assert time_change("lazy") == 1


def test_boundaries_are_derived():
    assert hard_easy_boundary() == 1
    assert sp.simplify(easy_supereasy_boundary() - (2 - 1 / A)) == 0


@pytest.mark.parametrize("dynamics", ["sgd", "gd"])
def test_shipped_compiled_formulas_are_current(dynamics):
    """The JSON shipped for the fast path equals a fresh derivation (regression pin).

    If this fails, the theory changed: run ``python -m scalingtool.theory.compiled``.
    """
    shipped = json.loads(resources.files("scalingtool.theory.compiled")
                         .joinpath(f"{dynamics}.json").read_text("utf-8"))
    assert shipped == compile_theory(dynamics)


def test_derive_keys_and_values():
    results = {d.key: d for d in derive("sgd")}
    assert {"lazy.compute", "rich.compute", "rich.time_change", "data", "rich_onset"} <= results.keys()
    rich = results["rich.compute"].expr
    assert rich.subs({A: 2, B: sp.Rational(1, 2)}) == sp.Rational(2, 5)
    assert rich.subs({A: 3, B: sp.Rational(5, 4)}) == sp.Rational(15, 19)
    assert rich.subs({A: 2, B: 3}) == sp.Rational(3, 4)
    assert "\\frac" in results["rich.compute"].latex
    assert "Piecewise" in results["rich.time"].text
    assert "boundary_easy_supereasy" not in {d.key for d in derive("gd")}

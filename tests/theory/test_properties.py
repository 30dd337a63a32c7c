"""Property tests of the derivation at random (alpha, beta) (hypothesis)."""

from fractions import Fraction as F

import sympy as sp
from hypothesis import given, settings, strategies as st

from scalingtool.theory import exponents
from scalingtool.theory.compute import compute_optimum, derive_compute, loss_lines
from scalingtool.theory.symbols import alpha as A, beta as B, to_fraction, to_sympy

alphas = st.fractions(min_value=F(51, 50), max_value=F(12), max_denominator=50)
betas = st.fractions(min_value=F(1, 50), max_value=F(6), max_denominator=50).filter(lambda b: b > 0)
trainings = st.sampled_from(["lazy", "rich"])
dynamics = st.sampled_from(["sgd", "gd"])


def brute_force(lines, steps=4000):
    """max over a fine grid of x in [0, 1] of min_i (a_i x + b_i (1 - x)), in floats."""
    best = -1.0
    for k in range(steps + 1):
        x = k / steps
        best = max(best, min(float(a) * x + float(b) * (1 - x) for a, b in lines))
    return best


@settings(max_examples=60, deadline=None)
@given(alphas, betas, trainings, dynamics)
def test_compute_equals_brute_force(a, b, training, dyn):
    lines = [(to_fraction(ln.t_decay), to_fraction(ln.n_decay))
             for ln in loss_lines(training, dyn, to_sympy(a), to_sympy(b))]
    exact = exponents(a, b, dyn).training(training).compute
    # a grid of step h misses the peak by at most h * (largest slope), here < 12/4000
    assert abs(brute_force(lines) - float(exact)) <= 12 / 4000 + 1e-12
    assert brute_force(lines) <= float(exact) + 1e-12


@settings(max_examples=60, deadline=None)
@given(alphas, betas, dynamics)
def test_rich_never_worse_than_lazy(a, b, dyn):
    e = exponents(a, b, dyn)
    assert e.rich.time >= e.lazy.time
    assert e.rich.compute >= e.lazy.compute
    assert e.rich.width == e.lazy.width
    if b >= 1:  # easy and super-easy tasks are unchanged by feature learning
        assert e.rich.time == e.lazy.time and e.rich.compute == e.lazy.compute


@settings(max_examples=40, deadline=None)
@given(alphas, betas, dynamics)
def test_compiled_engine_equals_sympy_engine(a, b, dyn):
    fast, slow = exponents(a, b, dyn, engine="compiled"), exponents(a, b, dyn, engine="sympy")
    if fast.boundary is None:
        assert fast == slow
    else:  # on a boundary several terms balance; every number still agrees
        for tr in ("lazy", "rich"):
            f, s = fast.training(tr), slow.training(tr)
            assert (f.time, f.compute, f.t_star, f.n_star, f.width) == (s.time, s.compute, s.t_star, s.n_star, s.width)


@settings(max_examples=30, deadline=None)
@given(alphas, st.fractions(min_value=F(1, 50), max_value=F(49, 50), max_denominator=50), trainings)
def test_transient_ties_below_beta_one(a, b, training):
    """theory §3: for beta < 1 the finite-width transient ties at the optimum and never
    changes an exponent, which is why the table keeps it for beta > 1 only."""
    with_t = [(to_fraction(ln.t_decay), to_fraction(ln.n_decay))
              for ln in loss_lines(training, "sgd", to_sympy(a), to_sympy(b), regime=None)]
    from scalingtool.theory.terms import transient_decay
    from scalingtool.theory.timechange import time_change
    from scalingtool.theory.maxmin import optimum
    extra = (to_fraction(time_change(training, to_sympy(a), to_sympy(b)) * transient_decay(to_sympy(a), to_sympy(b))), F(1))
    assert optimum(with_t + [extra]).exponent == compute_optimum(a, b, training).exponent


def test_continuity_across_boundaries():
    """The Piecewise rows agree from both sides of beta = 1 and beta = 2 - 1/alpha (SymPy limits)."""
    for training in ("lazy", "rich"):
        for dyn in ("sgd", "gd"):
            formulas = derive_compute(training, dyn)
            boundaries = [sp.Integer(1)] + ([2 - 1 / A] if dyn == "sgd" else [])
            for key, pw in formulas.items():
                for boundary in boundaries:
                    for a in (sp.Rational(3, 2), sp.Integer(2), sp.Integer(5)):
                        f = pw.subs(A, a)
                        at = boundary.subs(A, a)
                        left = sp.limit(f, B, at, dir="-")
                        right = sp.limit(f, B, at, dir="+")
                        assert sp.simplify(left - right) == 0, (training, dyn, key, a)

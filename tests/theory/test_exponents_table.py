"""The derived exponents equal the theory §3 table exactly, in every regime, both engines."""

from fractions import Fraction as F

import pytest

from scalingtool.theory import exponents

from .spec_table import chi, compute_row, regime, time_exponent

ALPHAS = [F(5, 4), F(3, 2), F(2), F(3), F(7, 2), F(10)]
BETAS = [F(1, 10), F(3, 10), F(1, 2), F(9, 10), F(1), F(6, 5), F(5, 4), F(3, 2), F(19, 10),
         F(2), F(3), F(17, 4)]
GRID = [(a, b) for a in ALPHAS for b in BETAS]


@pytest.mark.parametrize("engine", ["compiled", "sympy"])
@pytest.mark.parametrize("dynamics", ["sgd", "gd"])
def test_table_exact(engine, dynamics):
    for a, b in GRID:
        e = exponents(a, b, dynamics, engine=engine)
        assert e.regime == regime(a, b, dynamics), (a, b)
        for training in ("lazy", "rich"):
            tr = e.training(training)
            assert tr.signal == chi(b, training), (a, b, training)
            assert tr.time == time_exponent(a, b, training, dynamics), (a, b, training)
            assert tr.width == a * min(b, F(1))
            assert (tr.compute, tr.n_star, tr.t_star) == compute_row(a, b, training, dynamics), (a, b, training)
            for value in (tr.compute, tr.n_star, tr.t_star, tr.time):
                assert isinstance(value, F)
        assert e.lazy.data == a * min(b, F(2))
        assert e.rich.data is None


def test_hard_compute_matches_paper_identity():
    """theory §3: in the hard regime e = alpha beta chi / (alpha beta + chi) (paper)."""
    for a, b in GRID:
        if b < 1:
            for training in ("lazy", "rich"):
                c = chi(b, training)
                assert exponents(a, b).training(training).compute == a * b * c / (a * b + c)


def test_exact_rationals_not_floats():
    """For alpha = 3/2 the lazy hard t* exponent is exactly 3/5."""
    e = exponents("3/2", "0.5")
    assert e.lazy.t_star == F(3, 5)
    assert str(e.lazy.t_star) == "3/5"


def test_named_cases_of_the_issue():
    hard, easy, superb = exponents(2, "1/2"), exponents(3, "5/4"), exponents(2, 3)
    assert (hard.regime, easy.regime, superb.regime) == ("hard", "easy", "super-easy")
    assert (hard.lazy.compute, hard.rich.compute) == (F(1, 3), F(2, 5))
    assert (easy.lazy.compute, easy.rich.compute) == (F(15, 19), F(15, 19))
    assert (superb.lazy.compute, superb.rich.compute) == (F(3, 4), F(3, 4))
    assert hard.gain == {"time": F(4, 3), "compute": F(6, 5)}


def test_gradient_flow_has_no_super_easy_regime():
    e = exponents(2, 3, dynamics="gd")
    assert e.regime == "easy"
    assert e.lazy.time == 3  # no noise term clips the signal exponent
    assert e.lazy.compute == F(6, 7)  # alpha beta/(alpha beta + 1): the easy row continues


def test_boundaries_are_reported():
    assert exponents(2, 1).boundary == "hard|easy"
    assert exponents(2, "3/2").boundary == "easy|super-easy"
    assert exponents(2, "3/2", dynamics="gd").boundary is None
    assert exponents(2, "1.4").boundary is None


def test_compute_convention_changes_allocation():
    """C = N^2 t (training B costs N^2 per sample): the max-min is re-solved exactly.

    Hard lazy: lines beta x and alpha beta (1 - x)/2 cross at x = alpha/(alpha + 2).
    """
    e = exponents(2, "1/2", p=2, q=1)
    assert e.lazy.t_star == F(1, 2)
    assert e.lazy.compute == F(1, 4)
    assert e.lazy.n_star == F(1, 4)  # N = C^((1 - x)/2)


def test_crossovers():
    hard = exponents(2, "1/2")
    assert hard.crossovers.rich_onset == -4  # tau_x ~ gamma0^(-2/(1-beta))
    assert hard.crossovers.width_plateau == 2  # tau ~ N^alpha
    assert exponents(3, "5/4").crossovers.rich_onset is None
    assert exponents(3, "5/4").crossovers.width_plateau == 3
    superb = exponents(2, 3)
    # (eta/B) t^-(2-1/alpha) = t^-beta  =>  t = (eta/B)^(-1/(beta - 2 + 1/alpha))
    assert superb.crossovers.noise_takeover["lazy"] == F(-1) / (3 - 2 + F(1, 2))


def test_finite_width_transient():
    """theory §3: N^-1 tau^-((1 - 1/alpha) - max(0, 1 - beta)), in t through tau ~ t^r."""
    for a, b in GRID:
        e = exponents(a, b)
        for training in ("lazy", "rich"):
            r = e.training(training).time_change
            assert e.training(training).transient == r * ((1 - 1 / a) - max(F(0), 1 - b))
    superb = exponents(2, 3)
    assert superb.transient_takeover("lazy") == F(2, 5)  # t^-3 = N^-1 t^-1/2  =>  t = N^(2/5)
    assert exponents(2, "1/2").transient_takeover("lazy") is None

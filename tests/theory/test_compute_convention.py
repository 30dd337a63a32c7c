"""The compute optimum under other compute conventions ``C = N^p t^q`` (theory §3.3).

Closed forms, derived here by hand from the loss law of theory §3.2 (not from the code):
put ``t = C^x``, ``N = C^((1 - q x)/p)``; each term ``t^-a N^-b`` becomes ``C^-(a x + b (1 - q x)/p)``
and the optimum balances the two terms named below.

* hard (``beta < 1``), signal ``t^-chi`` against width ``N^-(alpha beta)``:
  ``chi x = alpha beta (1 - q x)/p`` gives ``x = alpha beta/(p chi + q alpha beta)``,
  ``e = chi x``, ``N* = (1 - q x)/p = chi/(p chi + q alpha beta)``;
  lazy ``chi = beta``: ``e = alpha beta/(p + q alpha)``, ``N* = 1/(p + q alpha)``;
  rich ``chi = 2 beta/(1 + beta)``: ``e = 2 alpha beta/(2p + q alpha (1 + beta))``,
  ``N* = 2/(2p + q alpha (1 + beta))``.
* easy (``1 < beta < 2 - 1/alpha``), signal ``t^-beta`` against the transient
  ``N^-1 t^-(1 - 1/alpha)``: ``beta x = (1 - 1/alpha) x + (1 - q x)/p`` gives
  ``x = alpha/(p (alpha beta - alpha + 1) + q alpha)``, ``e = beta x``,
  ``N* = (alpha beta - alpha + 1)/(p (alpha beta - alpha + 1) + q alpha)``.
* super-easy (SGD), noise ``t^-(2 - 1/alpha)`` against the transient:
  ``x = 1/(p + q)``, ``e = (2 - 1/alpha)/(p + q)``, ``N* = 1/(p + q)``.

For ``beta > 1`` these two need the transient's exponent ``(1 - 1/alpha) x + (1 - q x)/p`` to
fall with ``x``, i.e. ``q/p > 1 - 1/alpha``. Otherwise it rises, and the optimum balances it
against the width term ``N^-alpha``: ``x/alpha = (1 - q x)/p`` gives
``e = t* = alpha/(p + q alpha)``, ``N* = 1/(p + q alpha)`` (signal and noise stay above it as
``beta > 1`` and ``2 - 1/alpha > 1``); at ``q/p = 1 - 1/alpha`` the transient is flat at
``1/p`` and the optimal allocation is not unique. The other terms stay above the balancing
pair in each case (comparisons of exponents in ``alpha, beta`` alone). At ``p = q = 1`` these
are the table of theory §3.3.
"""

import json
from fractions import Fraction as F

import pytest

from scalingtool.theory import exponents
from scalingtool.theory.compute import compute_optimum, derive_compute
from scalingtool.theory.symbols import alpha as ALPHA, beta as BETA, to_fraction


def closed_form(alpha, beta, training, p, q):
    """``(e, t*, N*)`` of the module docstring for SGD."""
    if beta < 1:
        chi = beta if training == "lazy" else 2 * beta / (1 + beta)
        x = alpha * beta / (p * chi + q * alpha * beta)
        return chi * x, x, (1 - q * x) / p
    if q / p < 1 - 1 / alpha:  # the transient rises with x: it balances the width term
        return alpha / (p + q * alpha), alpha / (p + q * alpha), 1 / (p + q * alpha)
    if q / p == 1 - 1 / alpha:  # the transient is flat: any allocation past the noise crossing
        return 1 / F(p), None, None
    if beta < 2 - 1 / alpha:
        m = alpha * beta - alpha + 1
        x = alpha / (p * m + q * alpha)
        return beta * x, x, m / (p * m + q * alpha)
    return (2 - 1 / alpha) / (p + q), 1 / (p + q), 1 / (p + q)


TASKS = [(F(2), F(1, 2)), (F(3, 2), F(3, 10)), (F(3), F(5, 4)), (F(2), F(3)), (F(5, 2), F(7, 4))]
# q/p = 2, 1/2, 6, 4/9, 1, 3/4, against 1 - 1/alpha = 1/2, 1/3, 2/3, 3/5 for the tasks above:
# (2, 1) and (3/2, 2/3) put the beta > 1 tasks past the transient's turn ((2, 1) puts alpha = 2
# exactly on it: no unique allocation), the others keep the transient falling
CONVENTIONS = [(F(1), F(2)), (F(2), F(1)), (F(1, 2), F(3)), (F(3, 2), F(2, 3)), (F(1), F(1)), (F(4), F(3))]


def test_closed_form_is_the_table_at_p_q_1():
    """The hand derivation reproduces theory §3.3's table at ``C = N t``."""
    a, b = F(2), F(1, 2)
    assert closed_form(a, b, "lazy", 1, 1) == (a * b / (a + 1), a / (a + 1), 1 / (a + 1))
    assert closed_form(a, b, "rich", 1, 1)[0] == 2 * a * b / (a * (1 + b) + 2)
    a, b = F(3), F(5, 4)
    assert closed_form(a, b, "rich", 1, 1) == (a * b / (a * b + 1), a / (a * b + 1),
                                                  (a * b - a + 1) / (a * b + 1))
    assert closed_form(F(2), F(3), "lazy", 1, 1) == (1 - 1 / F(4), F(1, 2), F(1, 2))


@pytest.mark.parametrize("p, q", CONVENTIONS)
@pytest.mark.parametrize("alpha, beta", TASKS)
@pytest.mark.parametrize("training", ["lazy", "rich"])
def test_compute_optimum_under_any_convention(alpha, beta, training, p, q):
    best = compute_optimum(alpha, beta, training, "sgd", p, q)
    assert (best.exponent, best.t_star, best.n_star) == closed_form(alpha, beta, training, p, q)


@pytest.mark.parametrize("p, q", [(F(1), F(2)), (F(3), F(4))])
def test_the_engine_and_the_symbolic_piecewise_use_the_convention(p, q):
    for alpha, beta in TASKS:
        got = exponents(alpha, beta, "sgd", p, q)
        for training in ("lazy", "rich"):
            tr = got.training(training)
            assert (tr.compute, tr.t_star, tr.n_star) == closed_form(alpha, beta, training, p, q)
    formulas = derive_compute("rich", "sgd", p, q)
    for alpha, beta in TASKS:
        at = {ALPHA: alpha, BETA: beta}
        assert tuple(to_fraction(formulas[k].subs(at)) for k in ("exponent", "t_star", "n_star")) \
            == closed_form(alpha, beta, "rich", p, q)


def test_exponents_command_with_t_power_2(cli):
    """``C = N t^2``, alpha 2, beta 1/2: lazy ``e = N* = 1/(1 + 2*2) = 1/5``, ``t* = 2/5``; rich
    ``e = N* = 2/(2 + 2*2*3/2) = 1/4``, ``t* = 3/8`` (the closed forms above)."""
    r = cli("exponents", "--alpha", "2", "--beta", "1/2", "--t-power", "2", "-f", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["compute_convention"]["t_power"]["exact"] == "2"
    lazy, rich = doc["trainings"]["lazy"], doc["trainings"]["rich"]
    assert [lazy[k]["exact"] for k in ("compute", "n_star", "t_star")] == ["1/5", "1/5", "2/5"]
    assert [rich[k]["exact"] for k in ("compute", "n_star", "t_star")] == ["1/4", "1/4", "3/8"]
    assert doc["gain"]["compute"]["exact"] == "5/4"
    table = cli("exponents", "--alpha", "2", "--beta", "1/2", "--t-power", "2").out
    compute_row = next(line for line in table.splitlines() if " compute " in line)
    assert "1/5" in compute_row and "1/4" in compute_row
    assert "C = N^1 t^2" in table


def test_exponents_command_with_n_power_2(cli):
    """``C = N^2 t``, alpha 2, beta 1/2: lazy ``e = 1/(2 + 2) = 1/4``, ``N* = 1/4``, ``t* = 1/2``."""
    doc = json.loads(cli("exponents", "-a", "2", "-b", "1/2", "--n-power", "2", "-f", "json").out)
    lazy = doc["trainings"]["lazy"]
    assert [lazy[k]["exact"] for k in ("compute", "n_star", "t_star")] == ["1/4", "1/4", "1/2"]

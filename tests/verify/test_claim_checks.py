"""Each quantity a claim may state, right and wrong, exactly and (where measured) numerically.

Right values are the theory §3 closed forms written independently of the engine; wrong ones
are the nearby mistakes a derivation makes (the lazy exponent for the rich one, the other
regime, a missing term)."""

from fractions import Fraction as F

import pytest

from scalingtool.verify.claim_checks import check_claims, derived_value
from scalingtool.verify.claims import parse_claims


def one(quantity, value, alpha="2", beta="1/2", training="lazy", dynamics="sgd", extra=""):
    lines = [f'name = "{quantity} {value}"', f'alpha = "{alpha}"', f'beta = "{beta}"',
             f'dynamics = "{dynamics}"', f'quantity = "{quantity}"']
    if training:
        lines.append(f'training = "{training}"')
    lines.append(f"value = {value!r}" if isinstance(value, list) else f'value = "{value}"')
    return parse_claims("[[claim]]\n" + "\n".join(lines) + "\n" + extra)[0]


# (quantity, task, right value, wrong value); the task is (alpha, beta, training, dynamics)
EXACT = [
    ("regime", ("2", "1/2", None, "sgd"), "hard", "easy"),
    ("regime", ("2", "3", None, "sgd"), "super-easy", "easy"),          # super-easy exists under SGD only
    ("regime", ("2", "3", None, "gd"), "easy", "super-easy"),
    ("transient", ("3", "5/4", "lazy", "gd"), "1 - 1/alpha", "beta"),   # N^-1 t^-(1-1/alpha)
    ("transient", ("2", "1/2", "lazy", "gd"), "0", "1 - 1/alpha"),      # hard: the transient does not decay
    ("rich_onset", ("2", "1/2", None, "gd"), "-2/(1 - beta)", "-2"),    # gamma0^(-2/g), g = 1 - beta
    ("rich_onset", ("3", "5/4", None, "gd"), "never", "-2"),            # beta >= 1: s never grows
    ("width_plateau", ("2", "1/2", None, "gd"), "alpha", "1"),          # N^-alpha beta = t^-beta
    ("noise_takeover", ("2", "3", "lazy", "sgd"), "-1/(beta - (2 - 1/alpha))", "-1"),
    ("noise_takeover", ("2", "1/2", "lazy", "sgd"), "never", "-2/3"),   # hard: the noise never takes over
    ("balance", ("2", "1/2", "lazy", "sgd"), "signal+width", "signal+transient"),
    ("balance", ("2", "3", "lazy", "sgd"), ["transient", "noise"], ["signal", "width"]),
    ("time", ("2", "3", "lazy", "sgd"), "2 - 1/alpha", "beta"),
    ("compute", ("2", "1/2", "rich", "gd"), "2/5", "1/3"),
]


@pytest.mark.parametrize("quantity, task, right, wrong", EXACT)
def test_exact_right_and_wrong(quantity, task, right, wrong):
    alpha, beta, training, dynamics = task
    good = one(quantity, right, alpha, beta, training, dynamics)
    bad = one(quantity, wrong, alpha, beta, training, dynamics)
    [row] = check_claims([good], exact_only=True)
    assert row.status == "pass", row
    [row] = check_claims([bad], exact_only=True)
    assert row.status == "fail", row
    assert row.kind == "exact" and row.note.startswith("claimed")


def test_derived_values():
    assert derived_value(one("rich_onset", "-4")) == F(-4)
    assert derived_value(one("rich_onset", "never", beta="5/4")) is None
    assert derived_value(one("balance", "signal+width")) == ("signal", "width")


def test_not_measured_rows_say_why():
    rows = check_claims([one("regime", "hard", training=None), one("rich_onset", "-4", training=None),
                         one("width_plateau", "2", training=None), one("noise_takeover", "never")])
    numeric = rows[1::2]
    assert [r.status for r in numeric] == ["skip"] * 4
    assert "regime is decided exactly" in numeric[0].note
    assert all("crossover scale" in r.note for r in numeric[1:3])
    assert "never appears" in numeric[3].note


def test_rich_sgd_noise_binding_is_not_measured():
    # super-easy rich SGD: the noise term binds and no exact solver covers rich SGD
    rows = check_claims([one("time", "2 - 1/alpha", beta="3", training="rich")])
    assert [r.status for r in rows] == ["pass", "skip"]
    assert "no rich SGD closure" in rows[1].note


def test_term_fit_quantities_right_and_wrong():
    # alpha = 3, beta = 5/4, lazy gradient flow: one term fit serves every row (cached);
    # tolerances are the method's (0.04, 0.06), stated in each note
    task = dict(alpha="3", beta="5/4", training="lazy", dynamics="gd")
    right = [one("transient", "1 - 1/alpha", **task), one("t_star", "12/19", **task),
             one("balance", "signal+transient", **task)]
    wrong = [one("transient", "0.5", **task), one("t_star", "1/2", **task),
             one("balance", "signal+width", **task)]
    rows = check_claims(right + wrong)
    numeric = [r for r in rows if r.kind == "numeric"]
    assert [r.status for r in numeric] == ["pass"] * 3 + ["fail"] * 3
    assert abs(numeric[0].measured - 2 / 3) <= 0.06 and "term fit" in numeric[0].note
    assert numeric[2].measured == "time+transient"  # the infinite-width curve is one fitted term


def test_hard_frontier_under_sgd_uses_the_sgd_recursion():
    rows = check_claims([one("compute", "1/3"), one("compute", "1/4")])
    assert [r.status for r in rows] == ["pass", "pass", "fail", "fail"]
    assert rows[1].note.startswith("numeric (sgd, frontier envelope)")


def test_hard_allocation_is_not_measured():
    # the envelope's N* at N <= 256 is 0.27 against 1/3: a right claim must not fail on it
    rows = check_claims([one("n_star", "1/3", training="lazy", dynamics="gd")])
    assert [r.status for r in rows] == ["pass", "skip"]
    assert "pre-asymptotic" in rows[1].note

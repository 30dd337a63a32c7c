"""The expression grammar: exact evaluation, and clean errors instead of Python evaluation."""

from fractions import Fraction as F

import pytest
from hypothesis import given, strategies as st

from scalingtool.errors import UsageError
from scalingtool.expr import evaluate, parse_expr_text

ENV = {"alpha": F(2), "beta": F(1, 2)}


@pytest.mark.parametrize("text, value", [
    ("2*beta/(1+beta)", F(2, 3)),
    ("alpha*min(beta, 1)", F(1)),
    ("max(0, 1 - beta)", F(1, 2)),
    ("2 - 1/alpha", F(3, 2)),
    ("alpha^2 - beta**-1", F(2)),
    ("-2^2", F(-4)),          # unary minus binds looser than ^, as in mathematics
    ("2^3^2", F(512)),        # ^ is right-associative
    ("1.5e1 + .5", F(31, 2)),
    ("alpha*Min(2, beta)", F(1)),  # SymPy's printing of the compiled formulas
])
def test_values(text, value):
    assert evaluate(text, ENV) == value


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')", "alpha.real", "beta[0]", "lambda: 1", "gamma0",
    "", "2*", "(1", "min()", "1/(beta-beta)", "alpha^(1/2)", "2^1000", "1 2", "a" * 3000,
])
def test_rejected_cleanly(text):
    with pytest.raises(UsageError):
        evaluate(parse_expr_text(text), ENV)


@given(st.fractions(min_value=-100, max_value=100), st.fractions(min_value=F(1, 100), max_value=100))
def test_matches_python_arithmetic(x, y):
    env = {"alpha": x, "beta": y}
    assert evaluate("(alpha + beta)*(alpha - beta)/beta", env) == (x + y) * (x - y) / y
    assert evaluate("min(alpha, beta) + max(alpha, beta)", env) == x + y

"""The theory §3 table, typed in once as the oracle of the tests (never used by the code)."""

from fractions import Fraction as F


def regime(a: F, b: F, dynamics: str = "sgd") -> str:
    if b < 1:
        return "hard"
    if dynamics == "gd" or b < 2 - 1 / a:
        return "easy"
    return "super-easy"


def chi(b: F, training: str) -> F:
    return b * max(F(1), 2 / (1 + b)) if training == "rich" else b


def time_exponent(a: F, b: F, training: str, dynamics: str = "sgd") -> F:
    c = chi(b, training)
    return min(c, 2 - 1 / a) if dynamics == "sgd" else c


def compute_row(a: F, b: F, training: str, dynamics: str = "sgd") -> tuple[F, F, F]:
    """(e, N* exponent, t* exponent) of theory §3's table."""
    r = regime(a, b, dynamics)
    if r == "hard" and training == "lazy":
        return a * b / (a + 1), 1 / (a + 1), a / (a + 1)
    if r == "hard":
        d = a * (1 + b) + 2
        return 2 * a * b / d, 2 / d, a * (1 + b) / d
    if r == "easy":
        return a * b / (a * b + 1), (a * b - a + 1) / (a * b + 1), a / (a * b + 1)
    return 1 - 1 / (2 * a), F(1, 2), F(1, 2)

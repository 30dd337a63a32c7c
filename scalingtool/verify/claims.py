"""Claims files: a user's own exponents, checked against the theory and the numerics.

A claims file is TOML with one ``[[claim]]`` table per claim::

    [[claim]]
    name = "rich hard time exponent"       # free text, shown in the table
    alpha = "3/2"                          # number or fraction, as on the command line
    beta = "3/10"
    training = "rich"                      # lazy | rich
    dynamics = "sgd"                       # sgd | gd (optional, default sgd)
    quantity = "time"                      # time | width | data | compute | n_star | t_star
    value = "2*beta/(1+beta)"              # number or expression in alpha, beta
    tolerance = 1e-3                       # optional: for the numeric check

``value`` is parsed by :mod:`scalingtool.expr` (``+ - * / ^``, parentheses, ``min``,
``max``), never evaluated as Python. Every problem is reported as one line naming the
file, the claim and the key.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import read_user_text
from ..expr import evaluate, parse_expr_text
from ..params import parse_alpha, parse_beta, parse_number

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["QUANTITIES", "Claim", "load_claims", "parse_claims"]

#: quantity name -> attribute of :class:`~scalingtool.theory.TrainingExponents`
QUANTITIES = {"time": "time", "width": "width", "data": "data", "compute": "compute",
              "n_star": "n_star", "t_star": "t_star"}
_KEYS = {"name", "alpha", "beta", "training", "dynamics", "quantity", "value", "tolerance"}
_REQUIRED = ("name", "alpha", "beta", "training", "quantity", "value")
_MAX_CLAIMS = 1000


@dataclass(frozen=True)
class Claim:
    """One claimed exponent. ``rounding`` is half a unit in the last decimal place the user
    wrote (0 for exact values such as ``2/3`` or ``2*beta/(1+beta)``): the theory check
    allows exactly that much."""

    name: str
    alpha: Fraction
    beta: Fraction
    training: str
    dynamics: str
    quantity: str
    value_text: str
    value: Fraction
    rounding: Fraction
    tolerance: float | None


def _rounding(text: str) -> Fraction:
    """Half a unit in the last written decimal place of the numbers in ``text``."""
    places = 0
    for token in text.replace("e", " e").split():
        if "." in token and "e" not in token:
            digits = token.split(".")[1]
            digits = "".join(ch for ch in digits if ch.isdigit())
            places = max(places, len(digits))
    return Fraction(1, 2 * 10 ** places) if places else Fraction(0)


def _claim(raw: Any, where: str) -> Claim:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: expected a table of keys")
    unknown = set(raw) - _KEYS
    if unknown:
        raise UsageError(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(_KEYS))})")
    for key in _REQUIRED:
        if key not in raw:
            raise UsageError(f"{where}: missing key {key!r}")

    def text(key: str) -> str:
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise UsageError(f"{where}: key {key!r}: expected a string or a number")
        return value if isinstance(value, str) else repr(value)

    def choice(key: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = raw.get(key, default)
        if value not in options:
            raise UsageError(f"{where}: key {key!r}: expected one of {', '.join(options)}, got {value!r}")
        return value

    name = text("name")
    where = f"{where} ({name})"
    try:
        alpha, beta = parse_alpha(text("alpha")), parse_beta(text("beta"))
        value_text = text("value")
        value = evaluate(parse_expr_text(value_text), {"alpha": alpha, "beta": beta})
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None
    training = choice("training", ("lazy", "rich"))
    quantity = choice("quantity", tuple(QUANTITIES))
    if quantity == "data" and training == "rich":
        raise UsageError(f"{where}: the data exponent is covered for lazy training only (theory §3)")
    tolerance = raw.get("tolerance")
    if tolerance is not None:
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
            raise UsageError(f"{where}: key 'tolerance': expected a number")
        tol = parse_number(float(tolerance), "tolerance")
        if not 0 < tol <= 1:
            raise UsageError(f"{where}: key 'tolerance': expected 0 < tolerance <= 1, got {tolerance}")
        tolerance = float(tolerance)
    return Claim(name, alpha, beta, training, choice("dynamics", ("sgd", "gd"), "sgd"),
                 quantity, value_text, value, _rounding(value_text), tolerance)


def parse_claims(text: str, source: str = "<claims>") -> list[Claim]:
    """Claims from TOML text; ``source`` names the file in error messages."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: not valid TOML: {exc}") from None
    extra = set(doc) - {"claim"}
    if extra:
        raise UsageError(f"{source}: unknown top-level key {sorted(extra)[0]!r}; claims go in [[claim]] tables")
    claims = doc.get("claim")
    if not isinstance(claims, list) or not claims:
        raise UsageError(f"{source}: no [[claim]] tables found")
    if len(claims) > _MAX_CLAIMS:
        raise UsageError(f"{source}: too many claims ({len(claims)}; at most {_MAX_CLAIMS})")
    return [_claim(raw, f"{source}: claim {i + 1}") for i, raw in enumerate(claims)]


def load_claims(path: str | Path) -> list[Claim]:
    """Read and check a claims file (one-line :class:`UsageError` on any problem)."""
    text = read_user_text(path, "file")
    return parse_claims(text, str(path))

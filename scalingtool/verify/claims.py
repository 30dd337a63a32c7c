"""Claims files: a user's own exponents, checked against the theory and the numerics.

A claims file is TOML with one ``[[claim]]`` table per claim::

    [[claim]]
    name = "rich hard time exponent"       # free text, shown in the table
    alpha = "3/2"                          # number or fraction, as on the command line
    beta = "3/10"
    training = "rich"                      # lazy | rich
    dynamics = "sgd"                       # sgd | gd (optional, default sgd)
    quantity = "time"                      # see QUANTITIES
    value = "2*beta/(1+beta)"              # number or expression in alpha, beta
    tolerance = 1e-3                       # optional: for the numeric check

The table is validated against a declared schema (:class:`ClaimSchema`, pydantic):
unknown keys are refused, types are checked and every string is bounded. ``value`` is
parsed by :mod:`scalingtool.expr` (``+ - * / ^``, parentheses, ``min``, ``max``), never
evaluated as Python; ``regime`` takes a regime name, ``balance`` the terms that balance at
the compute optimum (``"signal+width"`` or a list), and the crossover scales that may not
exist take ``"never"``. Every problem is reported as one line naming the file, the claim
and the key; echoed values are cut to :data:`~scalingtool.echo.ECHO` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, ValidationError

from ..echo import short_path, shown
from ..errors import UsageError
from ..files import read_user_text
from ..expr import evaluate, parse_expr_text
from ..params import parse_alpha, parse_beta
from ..readers import parse_toml

__all__ = ["QUANTITIES", "TASK_QUANTITIES", "REGIMES", "TERMS", "NEVER", "MAX_BYTES", "MAX_CLAIMS",
           "Claim", "ClaimSchema", "load_claims", "parse_claims"]

#: what a claim may state (theory §3): per-training exponents, then task-level ones
QUANTITIES = ("time", "width", "data", "compute", "n_star", "t_star", "transient", "balance",
              "noise_takeover", "regime", "rich_onset", "width_plateau")
#: quantities of the task, the same for lazy and rich training (``training`` is optional)
TASK_QUANTITIES = ("regime", "rich_onset", "width_plateau")
#: quantities whose scale may not exist; their claim may say ``"never"``
NEVER_QUANTITIES = ("rich_onset", "noise_takeover")
REGIMES = ("hard", "easy", "super-easy")
TERMS = ("signal", "width", "transient", "noise")
NEVER = "never"
MAX_BYTES = 1_000_000
MAX_CLAIMS = 1000
MAX_VALUE = 10 ** 6
MAX_DIGITS = 10 ** 40

_Number = Union[StrictInt, StrictFloat, Annotated[StrictStr, Field(min_length=1, max_length=100)]]
_Text = Annotated[StrictStr, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
_Term = Literal["signal", "width", "transient", "noise"]


class ClaimSchema(BaseModel):
    """The keys of one ``[[claim]]`` table and their types (bounds included)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: _Text
    alpha: _Number
    beta: _Number
    training: Optional[Literal["lazy", "rich"]] = None
    dynamics: Literal["sgd", "gd"] = "sgd"
    quantity: Literal[QUANTITIES]  # type: ignore[valid-type]
    value: Union[StrictInt, StrictFloat, Annotated[StrictStr, Field(min_length=1, max_length=2000)],
                 Annotated[list[_Term], Field(min_length=1, max_length=len(TERMS))]]
    tolerance: Optional[Union[Annotated[StrictInt, Field(gt=0, le=1)],
                              Annotated[StrictFloat, Field(gt=0, le=1)]]] = None


class ClaimsFileSchema(BaseModel):
    """The top level of a claims file: only ``[[claim]]`` tables."""

    model_config = ConfigDict(extra="forbid", strict=True)

    claim: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_CLAIMS)]


@dataclass(frozen=True)
class Claim:
    """One claim. ``value`` is a Fraction (exponents), ``None`` (``"never"``), a regime name,
    or a sorted tuple of term names (``balance``). ``rounding`` is half a unit in the last
    decimal place the user wrote (0 for exact values such as ``2/3``): the exact check allows
    that much. ``source`` is the file and ``index`` the claim's position (1-based)."""

    name: str
    alpha: Fraction
    beta: Fraction
    training: str | None
    dynamics: str
    quantity: str
    value_text: str
    value: Fraction | str | tuple[str, ...] | None
    rounding: Fraction
    tolerance: float | None
    source: str = "<claims>"
    index: int = 1


_DECIMAL = re.compile(r"(?<![A-Za-z_0-9.])(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def _rounding(text: str) -> Fraction:
    """Half a unit in the last written decimal place of the numbers in ``text``
    (``0.3333`` -> 5e-5, ``3.3e-1`` -> 5e-3; integers and fractions are exact)."""
    places = 0
    for whole, decimals, exponent in _DECIMAL.findall(text):
        if not (whole or decimals) or (decimals == "" and not exponent):
            continue
        places = max(places, len(decimals) - int(exponent or 0))
    return Fraction(1, 2 * 10 ** places) if places > 0 else Fraction(0)


def _schema_error(exc: ValidationError, where: str) -> UsageError:
    """The first schema error as one line: ``where: key 'k': what (got ...)``."""
    errors = exc.errors()
    key = _key(errors[0])
    mine = [e for e in errors if _key(e) == key]
    err = next((e for e in mine if not e.get("type", "").endswith("_type")), mine[0])
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return UsageError(f"{where}: unknown key {shown(key)} (allowed: {', '.join(ClaimSchema.model_fields)})")
    if kind == "missing":
        return UsageError(f"{where}: missing key {key!r}")
    message = err.get("msg", "invalid value")
    if kind == "string_pattern_mismatch":
        message = "expected one line of text without control characters"
    if key == "quantity" and kind == "literal_error":
        message = f"expected one of {', '.join(QUANTITIES)}"
    elif kind.endswith("_type") and key in ("alpha", "beta", "value", "tolerance"):
        message = {"value": "expected a number, a string or a list of term names",
                   "tolerance": "expected a number"}.get(key, "expected a number or a string")
    got = err.get("input")
    return UsageError(f"{where}: key {key!r}: {message} (got {shown(got)})")


def _key(err: dict[str, Any]) -> str:
    """The claim key an error is about (its first location part)."""
    loc = err.get("loc", ())
    return str(loc[0]) if loc else "?"


def _number(raw: Any) -> str:
    return raw if isinstance(raw, str) else repr(raw)


def _value(schema: ClaimSchema, alpha: Fraction, beta: Fraction) -> tuple[str, Any, Fraction]:
    """``(text, value, rounding)`` of the claimed value for the claim's quantity."""
    raw, quantity = schema.value, schema.quantity
    if quantity == "balance":
        terms = raw.split("+") if isinstance(raw, str) else raw
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise UsageError(f"expected term names joined by '+' or a list of them ({', '.join(TERMS)})")
        names = tuple(sorted({t.strip() for t in terms}))
        bad = [t for t in names if t not in TERMS]
        if bad:
            raise UsageError(f"unknown term {shown(bad[0])}; expected {', '.join(TERMS)}")
        return "+".join(names), names, Fraction(0)
    if isinstance(raw, list):
        raise UsageError("a list is a value for quantity 'balance' only")
    if quantity == "regime":
        if raw not in REGIMES:
            raise UsageError(f"expected one of {', '.join(REGIMES)} (got {shown(raw)})")
        return raw, raw, Fraction(0)
    text = _number(raw)
    if isinstance(raw, str) and raw.strip().lower() == NEVER:
        if quantity not in NEVER_QUANTITIES:
            raise UsageError(f"'never' is a value for {', '.join(NEVER_QUANTITIES)} only")
        return NEVER, None, Fraction(0)
    value = evaluate(parse_expr_text(text), {"alpha": alpha, "beta": beta})  # bounded grammar
    if abs(value) > MAX_VALUE or max(abs(value.numerator), value.denominator) > MAX_DIGITS:
        raise UsageError(f"{shown(text)} is out of range: a claimed value is at most {MAX_VALUE} in size, "
                         f"with numerator and denominator under 10^40")
    return text, value, _rounding(text)


def _claim(raw: Any, source: str, index: int) -> Claim:
    where = f"{source}: claim {index}"
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: expected a table of keys")
    name = raw.get("name")
    if isinstance(name, str) and name:
        where = f"{where} ({shown(name)})"
    try:
        schema = ClaimSchema.model_validate(raw)
    except ValidationError as exc:
        raise _schema_error(exc, where) from None
    quantity, training = schema.quantity, schema.training

    def fail(key: str, message: str) -> UsageError:
        return UsageError(f"{where}: key {key!r}: {message}")

    try:
        alpha = parse_alpha(_number(schema.alpha))
    except UsageError as exc:
        raise fail("alpha", str(exc)) from None
    try:
        beta = parse_beta(_number(schema.beta))
    except UsageError as exc:
        raise fail("beta", str(exc)) from None
    if training is None and quantity not in TASK_QUANTITIES:
        raise fail("training", f"required for quantity {quantity!r} (lazy or rich)")
    if quantity == "data" and training == "rich":
        raise fail("quantity", "the data exponent is covered for lazy training only (theory §3)")
    if quantity == "noise_takeover" and schema.dynamics != "sgd":
        raise fail("dynamics", "the SGD-noise takeover exists under SGD only (dynamics = \"sgd\")")
    try:
        text, value, rounding = _value(schema, alpha, beta)
    except UsageError as exc:
        raise fail("value", str(exc)) from None
    tolerance = None if schema.tolerance is None else float(schema.tolerance)
    return Claim(schema.name, alpha, beta, training, schema.dynamics, quantity, text, value,
                 rounding, tolerance, source, index)


def parse_claims(text: str, source: str = "<claims>") -> list[Claim]:
    """Claims from TOML text; ``source`` names the file in error messages."""
    doc = parse_toml(text, source)
    try:
        top = ClaimsFileSchema.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors()
        err = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
        kind, loc = err.get("type", ""), err.get("loc", ())
        if kind == "extra_forbidden":
            raise UsageError(f"{source}: unknown top-level key {shown(loc[0])}; "
                             "claims go in [[claim]] tables") from None
        if kind == "missing" or (kind == "too_short" and loc == ("claim",)):
            raise UsageError(f"{source}: no [[claim]] tables found") from None
        if kind == "too_long":
            raise UsageError(f"{source}: too many claims ({len(doc['claim'])}; at most {MAX_CLAIMS})") from None
        index = next((p for p in loc if isinstance(p, int)), None)
        if index is not None:
            raise UsageError(f"{source}: claim {index + 1}: expected a table of keys") from None
        raise UsageError(f"{source}: key 'claim': expected [[claim]] tables") from None
    return [_claim(raw, source, i + 1) for i, raw in enumerate(top.claim)]


def _read(path: str | Path) -> str:
    """The text of a claims file, refusing folders, devices and files over :data:`MAX_BYTES`
    before reading them."""
    return read_user_text(path, "claims file", limit=MAX_BYTES)


def load_claims(path: str | Path) -> list[Claim]:
    """Read and check a claims file (one-line :class:`UsageError` on any problem)."""
    return parse_claims(_read(path), short_path(path))

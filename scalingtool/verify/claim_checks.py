"""Checking a claim: exactly against the theory engine, and numerically where a solver can.

Exact check (theory §3): the claimed value against the derived one -- exponents equal
(or within half a unit of the last decimal written), a regime or the balancing terms of
the compute optimum by name, ``"never"`` for a crossover that does not happen.

Numeric check (theory §2, §4): the claim's own training and dynamics are measured --

* time: gradient flow on the exact infinite-width dynamics (lazy closed form, rich mode
  ODE); lazy SGD on the exact SGD recursion. Rich SGD has no exact closure (theory §2):
  where the noise term does not bind, rich gradient flow measures the same exponent and
  the row says so; where it binds, the row says it is not measured;
* width, data: the ``t -> inf`` floor of the deterministic equivalent (the same floor for
  lazy and rich, SGD and gradient flow, theory §3);
* compute: the frontier envelope (hard tasks) or the term fit of the loss surface
  (``beta > 1``), under the claim's dynamics where the exact solver covers it;
* n_star, t_star, transient, balance: the term fit (``beta > 1``); the envelope's N* is
  pre-asymptotic at the widths a claims check affords;
* regime and the crossover scales are decided exactly only; the row says why.

A numeric tolerance is the larger of the claim's (default :data:`DEFAULT_TOLERANCE`) and
what the method resolves, whose reason the row's note gives.
"""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction as F
from functools import partial
from typing import Any, Callable

from ..errors import NumericalError, UsageError
from ..theory import exponents
from ..work import Executor, Part, SequentialExecutor
from .checks import FAIL, PASS, SKIP, Check, judge
from .claims import Claim

__all__ = ["DEFAULT_TOLERANCE", "derived_value", "exact_check", "numeric_check", "check_claims"]

DEFAULT_TOLERANCE = 5e-3
_TIER = "claims"
# What each method resolves, with the reason (numbers measured by `scalingtool solve`,
# `verify --tier reduced` and the term fit on the tasks named):
_ENVELOPE = (0.02, "frontier envelope over N = 16..256, one draw of A: 0.344 lazy and 0.402 rich "
                   "against 1/3 and 2/5 (alpha=2, beta=1/2)")
_TERM_FIT = (0.04, "term fit of the loss surface (3 seeds): N* 0.357 against 7/19 and t* 0.643 "
                   "against 12/19 (alpha=3, beta=5/4); compute within 0.015")
_TRANSIENT = (0.06, "term fit of the transient N^-1 t^-q: q = 0.626 lazy, 0.634 rich against 2/3 "
                    "(alpha=3, beta=5/4), 0.525 against 1/2 (alpha=2, beta=3, SGD)")
_ENVELOPE_SGD = (0.04, "frontier envelope of the SGD recursion (eta = 0.3, batch 1) over "
                       "N = 16..256, one draw of A: 0.365 lazy against 1/3 (alpha=2, beta=1/2)")
_NOT_MEASURED = {
    "regime": "a regime is decided exactly from (alpha, beta); its numeric signature is the "
              "time and compute exponents, claim those",
    "rich_onset": "a crossover scale drops O(1) constants (theory §3); locating it needs a sweep "
                  "of gamma0 over decades, not run in a claims check",
    "width_plateau": "a crossover scale drops O(1) constants (theory §3); locating it needs a "
                     "sweep of widths over decades, not run in a claims check",
    "noise_takeover": "a crossover scale drops O(1) constants (theory §3); locating it needs a "
                      "sweep of eta/batch over decades, not run in a claims check",
}
#: the term fit measures the infinite-width curve as one term ("time": signal or SGD noise)
_FITTED_TERM = {"signal": "time", "noise": "time", "width": "width", "transient": "transient"}


def derived_value(claim: Claim) -> Any:
    """What the theory engine derives for the claim's quantity (theory §3)."""
    task = exponents(claim.alpha, claim.beta, claim.dynamics)
    q = claim.quantity
    if q == "regime":
        return task.regime
    if q == "rich_onset":
        return task.crossovers.rich_onset
    if q == "width_plateau":
        return task.crossovers.width_plateau
    if q == "noise_takeover":
        return task.crossovers.noise_takeover[claim.training]
    value = getattr(task.training(claim.training), q)
    return tuple(sorted(value)) if q == "balance" else value


def _shown(value: Any) -> Any:
    """A derived or claimed value as a table cell: numbers stay numbers."""
    if value is None:
        return "never"
    if isinstance(value, tuple):
        return "+".join(value)
    return value


def exact_check(claim: Claim) -> Check:
    """The claim (``predicted``) against the derived value (``measured``), exactly."""
    derived = derived_value(claim)
    note = f"claimed {claim.value_text!r} vs derived by the theory engine"
    if isinstance(claim.value, F) and isinstance(derived, F):
        if claim.rounding:
            note += f" (decimals: +-{claim.rounding})"
        return judge(_TIER, claim.name, claim.quantity, claim.value, derived, claim.rounding, note,
                     kind="exact", source=claim.source)
    ok = claim.value == derived
    return Check(_TIER, claim.name, claim.quantity, _shown(claim.value), _shown(derived), None,
                 PASS if ok else FAIL, note, kind="exact", source=claim.source)


def _skip(claim: Claim, why: str) -> Check:
    return Check(_TIER, claim.name, claim.quantity, _shown(claim.value), None, None, SKIP,
                 f"not measured: {why}", kind="numeric", source=claim.source)


def _tolerance(claim: Claim, floor: tuple[float, str] | None = None) -> tuple[float, str]:
    own = claim.tolerance if claim.tolerance is not None else DEFAULT_TOLERANCE
    why = "the claim's tolerance" if claim.tolerance is not None else f"default {DEFAULT_TOLERANCE:g}"
    if floor is not None and floor[0] > own:
        return floor[0], f"what the method resolves: {floor[1]}"
    return own, why


_RICH_SGD = ("rich gradient flow stands in for rich SGD: the noise term does not bind here, so "
             "the exponent is the same (theory §3); rich SGD has no exact solver (theory §2), and "
             "the simulator's slope at claims-check sizes is pre-asymptotic (0.92 against 6/13 at "
             "alpha=3/2, beta=3/10, N=256, 2000 steps)")


def _measure(claim: Claim, quick: bool) -> Check:
    """The numeric row of ``claim`` (module docstring says which method measures what)."""
    from .reduced_tier import Case  # deferred: keeps 'verify --exact-only' free of NumPy

    q, training, dynamics = claim.quantity, claim.training, claim.dynamics
    if q in _NOT_MEASURED:
        return _skip(claim, _NOT_MEASURED[q])
    if q in ("width", "data"):
        tol, why = _tolerance(claim)
        case = Case(q, claim.alpha, claim.beta, "lazy", "gd", tol, why)
        return _from_case(claim, case, "numeric (t -> inf floor, the same for lazy and rich, "
                                       "SGD and gradient flow)")
    derived = exponents(claim.alpha, claim.beta, dynamics).training(training)
    run_as, stand_in = dynamics, ""
    if dynamics == "sgd" and training == "rich":
        binds = derived.time != derived.signal if q == "time" else "noise" in derived.balance
        if binds:
            return _skip(claim, "rich SGD with the noise term binding: the reduced dynamics have no "
                                "rich SGD closure (theory §2), and the simulator's rich SGD slope "
                                "at the sizes of a claims check is pre-asymptotic")
        run_as, stand_in = "gd", _RICH_SGD
    if q == "time":
        tol, why = _tolerance(claim)
        case = Case("time", claim.alpha, claim.beta, training, run_as, tol, why)
        method = "SGD recursion, eta = 0.3, batch 1" if run_as == "sgd" else "gradient flow"
        return _from_case(claim, case, f"numeric ({run_as}, {method})", stand_in)
    if quick:
        return _skip(claim, "frontier measurements take seconds; they run without quick")
    if claim.beta <= 1:
        if q == "n_star":
            return _skip(claim, "the frontier envelope's N* is pre-asymptotic at the widths of a "
                                "claims check: 0.27 lazy, 0.33 rich against 1/3, 2/5 at N <= 256 "
                                "(alpha=2, beta=1/2); claim the compute exponent")
        if q != "compute":
            return _skip(claim, "for hard tasks (beta <= 1) the transient ties at the optimum "
                                "(theory §3): the envelope measures the compute exponent only")
        tol, why = _tolerance(claim, _ENVELOPE_SGD if run_as == "sgd" else _ENVELOPE)
        case = Case(q, claim.alpha, claim.beta, training, run_as, tol, why, top=256)
        return _from_case(claim, case, f"numeric ({run_as}, frontier envelope)", stand_in)
    return _from_term_fit(claim, run_as, stand_in)


def _from_case(claim: Claim, case: Any, what: str, stand_in: str = "") -> Check:
    from .reduced_tier import measure_case  # deferred: NumPy, as in _measure

    try:
        measured, note = measure_case(case)
    except NumericalError as exc:
        return _skip(claim, f"the solver could not measure it: {exc}")
    if measured is None:
        return _skip(claim, f"the measurement did not converge: {note}")
    return judge(_TIER, claim.name, claim.quantity, claim.value, measured, case.tolerance,
                 f"{what}: {stand_in + '; ' if stand_in else ''}{note}; tolerance: {case.reason}",
                 kind="numeric", source=claim.source)


def _from_term_fit(claim: Claim, run_as: str, stand_in: str) -> Check:
    from .reduced_tier import term_fit  # deferred: NumPy, as in _measure

    q = claim.quantity
    try:
        fit = term_fit(claim.alpha, claim.beta, claim.training, run_as)
    except NumericalError as exc:
        return _skip(claim, f"the term fit could not measure it: {exc}")
    what = (f"numeric ({run_as}, term fit): {stand_in + '; ' if stand_in else ''}binding {'+'.join(fit.binding)}, seed spread "
            f"{fit.spread:.2g}, drift {fit.drift:.2g}")
    if q == "balance":
        claimed = tuple(sorted({_FITTED_TERM[t] for t in claim.value}))
        measured = tuple(sorted(fit.binding))
        return Check(_TIER, claim.name, q, "+".join(claimed), "+".join(measured), None,
                     PASS if claimed == measured else FAIL,
                     f"{what}; the fit measures the infinite-width curve as one term "
                     "('time': signal or SGD noise)", kind="numeric", source=claim.source)
    value = {"compute": fit.exponent, "n_star": fit.allocation, "t_star": fit.time_allocation,
             "transient": fit.terms["transient"].time_exponent}[q]
    floor = _TRANSIENT if q == "transient" else _TERM_FIT
    tol, why = _tolerance(claim, floor)
    return judge(_TIER, claim.name, q, claim.value, value, tol, f"{what}; tolerance: {why}",
                 kind="numeric", source=claim.source)


def numeric_check(claim: Claim, quick: bool = False) -> Check:
    """The claim against the numerics of its own training and dynamics (module docstring)."""
    if claim.value is None:
        return _skip(claim, "the claim says the scale never appears; nothing to measure")
    return _measure(claim, quick)


def _numeric_or_skip(claim: Claim, quick: bool) -> Check:
    try:
        return numeric_check(claim, quick)
    except UsageError as exc:  # a case the solvers refuse: the row says so
        return _skip(claim, str(exc))


def _timed(check: Callable[..., Check], *args: Any) -> Check:
    start = time.perf_counter()
    row = check(*args)
    return replace(row, seconds=time.perf_counter() - start)


def _claim_rows(claim: Claim, exact_only: bool, quick: bool) -> list[Check]:
    rows = [_timed(exact_check, claim)]
    if not exact_only:
        rows.append(_timed(_numeric_or_skip, claim, quick))
    return rows


def check_claims(claims: list[Claim], exact_only: bool = False, quick: bool = False,
                 progress: Callable[[int, int, list[Check]], None] | None = None,
                 executor: Executor | None = None) -> list[Check]:
    """Every claim's exact check and, unless ``exact_only``, its numeric check: one part per
    claim, computed by ``executor`` (default: one after another, here); the rows come back in
    the claims' order.

    ``progress(done, total, rows)`` is called after each claim with that claim's rows.
    """
    parts = [Part.of(f"claim {k + 1}: {claim.name}", partial(_claim_rows, claim, exact_only, quick))
             for k, claim in enumerate(claims)]
    rows: dict[str, list[Check]] = {}

    def done(key: str, claim_rows: list[Check]) -> None:
        rows[key] = claim_rows
        if progress:
            progress(len(rows), len(claims), claim_rows)

    (executor or SequentialExecutor()).map_parts(parts, done)
    return [row for part in parts for row in rows[part.key]]

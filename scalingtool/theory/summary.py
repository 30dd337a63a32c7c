"""Every exponent of one task, exactly: what ``scalingtool exponents`` prints (theory §3).

Two engines give the same numbers (a test checks they agree on random tasks):

* ``"sympy"`` runs the derivation with exact rationals in place of the symbols (every
  ``Min``/``Max`` evaluates at once) and solves the compute max-min exactly; it handles
  any compute convention ``C = N^p t^q``;
* ``"compiled"`` evaluates the formulas that the same derivation produced once for
  ``C = N t`` (:mod:`scalingtool.theory.compiled`), in exact Fraction arithmetic without
  importing SymPy -- the fast path of the command line.

``"auto"`` (the default) takes the compiled engine when ``p = q = 1``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..errors import UsageError
from ..params import Task, check
from .compiled import exponents_compiled
from .results import Crossovers, TaskExponents, TrainingExponents

__all__ = ["exponents", "ENGINES"]

ENGINES = ("auto", "compiled", "sympy")
_DYNAMICS = ("sgd", "gd")
_TRAININGS = ("lazy", "rich")


def _sympy_training(task: Task, training: str, dynamics: str, p: Fraction, q: Fraction) -> TrainingExponents:
    # deferred: SymPy modules; the compiled engine ('scalingtool exponents') never loads them
    from .compute import compute_optimum
    from .regimes import observed_time_decay
    from .symbols import to_fraction, to_sympy
    from .terms import data_decay, transient_decay, width_decay
    from .timechange import signal_time_decay, time_change

    a, b = to_sympy(task.alpha), to_sympy(task.beta)
    chi = signal_time_decay(training, a, b)
    best = compute_optimum(task.alpha, task.beta, training, dynamics, p, q)
    return TrainingExponents(
        training=training,
        time_change=to_fraction(time_change(training, a, b)),
        signal=to_fraction(chi),
        time=to_fraction(observed_time_decay(dynamics, chi, a)),
        width=to_fraction(width_decay(a, b)),
        data=to_fraction(data_decay(a, b)) if training == "lazy" else None,
        compute=best.exponent,
        t_star=best.t_star,
        n_star=best.n_star,
        balance=best.active,
        transient=to_fraction(time_change(training, a, b) * transient_decay(a, b)),
    )


def _sympy_exponents(task: Task, dynamics: str, p: Fraction, q: Fraction) -> TaskExponents:
    # deferred: SymPy modules; the compiled engine ('scalingtool exponents') never loads them
    from .crossover import noise_takeover_power, rich_onset_power, width_plateau_power
    from .regimes import classify
    from .symbols import to_fraction, to_sympy

    def opt(value: Any) -> Fraction | None:
        return None if value is None else to_fraction(value)

    regime, boundary = classify(task.alpha, task.beta, dynamics)
    a, b = to_sympy(task.alpha), to_sympy(task.beta)
    per_training = {tr: _sympy_training(task, tr, dynamics, p, q) for tr in _TRAININGS}
    crossovers = Crossovers(
        rich_onset=opt(rich_onset_power(a, b)),
        width_plateau=to_fraction(width_plateau_power(a, b)),
        noise_takeover={tr: (opt(noise_takeover_power(tr, a, b)) if dynamics == "sgd" else None)
                        for tr in _TRAININGS},
    )
    return TaskExponents(task.alpha, task.beta, dynamics, p, q, regime, boundary,
                         per_training["lazy"], per_training["rich"], crossovers)


def exponents(alpha: Any, beta: Any, dynamics: str = "sgd", p: Any = 1, q: Any = 1,
              engine: str = "auto") -> TaskExponents:
    """Every theory §3 exponent of the task ``(alpha, beta)``.

    ``alpha``, ``beta``, ``p`` and ``q`` may be text (``"3/2"``), ints, Fractions or floats;
    ``dynamics`` is ``"sgd"`` (the paper's table, with the SGD-noise term) or ``"gd"``
    (gradient flow: no noise term, no super-easy regime). Compute is ``C = N^p t^q``.

    >>> e = exponents("2", "1/2")
    >>> e.regime, str(e.lazy.time), str(e.rich.time), str(e.rich.compute)
    ('hard', '1/2', '2/3', '2/5')
    """
    task = Task.parse(alpha, beta)
    if dynamics not in _DYNAMICS:
        raise UsageError(f"dynamics: unknown value {dynamics!r}; choose sgd or gd")
    if engine not in ENGINES:
        raise UsageError(f"engine: unknown value {engine!r}; choose one of {', '.join(ENGINES)}")
    p_ = check("n_power", p, "n-power")
    q_ = check("t_power", q, "t-power")
    default_convention = p_ == 1 and q_ == 1
    if engine == "compiled" and not default_convention:
        raise UsageError("engine 'compiled' covers C = N t only; use engine 'sympy' for other conventions")
    if engine == "compiled" or (engine == "auto" and default_convention):
        return exponents_compiled(task.alpha, task.beta, dynamics)
    return _sympy_exponents(task, dynamics, p_, q_)

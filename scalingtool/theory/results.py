"""Result types of the theory layer and regime placement; no SymPy needed here."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

__all__ = ["TrainingExponents", "Crossovers", "TaskExponents", "place"]


def place(beta: Fraction, first: Fraction, second: Fraction | None) -> tuple[str, str | None]:
    """``(regime, boundary)`` of ``beta`` given the boundaries ``first`` (hard|easy) and
    ``second`` (easy|super-easy; ``None`` under gradient flow, which has no super-easy regime).

    On a boundary the regime above it is returned, with the boundary's name: the exponents
    are continuous there (theory §3).
    """
    if beta < first:
        return "hard", None
    if beta == first:
        return "easy", "hard|easy"
    if second is None or beta < second:
        return "easy", None
    return "super-easy", ("easy|super-easy" if beta == second else None)


@dataclass(frozen=True)
class TrainingExponents:
    """The exponents of one training (lazy or rich); each means ``L ~ var^-exponent``
    except the allocations ``t* ~ C^t_star``, ``N* ~ C^n_star`` and ``tau ~ t^time_change``.
    ``transient`` is the time decay of the finite-width transient ``N^-1 t^-transient``
    (theory §3), the law a finite network shows once it overtakes the signal.
    ``balance`` names the terms that balance at the compute optimum."""

    training: str
    time_change: Fraction
    signal: Fraction
    time: Fraction
    width: Fraction
    data: Fraction | None
    compute: Fraction
    t_star: Fraction | None
    n_star: Fraction | None
    balance: tuple[str, ...]
    transient: Fraction


@dataclass(frozen=True)
class Crossovers:
    """Exponents of the crossover scales (theory §3), constants dropped:
    ``tau_rich ~ gamma0^rich_onset``, ``tau_N ~ N^width_plateau``,
    ``t_noise ~ (eta/Bsz)^noise_takeover`` (per training). ``None`` means never."""

    rich_onset: Fraction | None
    width_plateau: Fraction
    noise_takeover: dict[str, Fraction | None]


@dataclass(frozen=True)
class TaskExponents:
    """All exponents of a task under one dynamics and compute convention ``C = N^p t^q``."""

    alpha: Fraction
    beta: Fraction
    dynamics: str
    p: Fraction
    q: Fraction
    regime: str
    boundary: str | None
    lazy: TrainingExponents
    rich: TrainingExponents
    crossovers: Crossovers

    def training(self, name: str) -> TrainingExponents:
        """The exponents of ``"lazy"`` or ``"rich"`` training."""
        return {"lazy": self.lazy, "rich": self.rich}[name]

    def transient_takeover(self, training: str) -> Fraction | None:
        """``w`` in ``t_x ~ N^w``: when the finite-width transient ``N^-1 t^-d`` overtakes the
        signal ``t^-chi`` (``chi > d``, tasks with ``beta > 1``; ``None`` otherwise: for hard
        tasks the transient only ties, theory §3). From ``t^-chi = N^-1 t^-d``."""
        tr = self.training(training)
        if self.beta <= 1 or tr.signal <= tr.transient:
            return None
        return 1 / (tr.signal - tr.transient)

    @property
    def gain(self) -> dict[str, Fraction]:
        """Rich over lazy: the improvement factors of the time and compute exponents."""
        return {"time": self.rich.time / self.lazy.time,
                "compute": self.rich.compute / self.lazy.compute}

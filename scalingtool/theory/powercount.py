"""The power-counting rule behind every loss term (theory §3, "Power counting").

For a mode sum ``S(X) = sum_k k^(-q) G(k/X)`` whose window ``G`` behaves as ``u^m`` for
``u -> 0`` and stays bounded (or decays fast enough that the tail converges) for
``u -> inf``, splitting the sum at ``k ~ X`` gives

* ``k << X``: ``X^(-m) sum_{k<X} k^(m-q) ~ X^(-m) max(1, X^(m-q+1))``,
* ``k ~ X`` and above: ``X^(1-q)``,

so ``S(X) ~ X^(-min(q - 1, m))`` (a logarithm at equality). A window that vanishes faster
than any power at 0 (an exponential) has ``m = oo``. The rule holds for any ``q``
(``q < 1`` gives a sum that grows with ``X``, e.g. a mode count). This is the one place
where ``Min`` enters the theory: ``min(beta, 1)``, ``min(beta, 2)`` and ``max(0, 1 - beta)``
all come out of :meth:`ModeSum.growth`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["ModeSum"]


@dataclass(frozen=True)
class ModeSum:
    """``S(X) = sum_k k^(-q) G(k/X)`` with ``G(u) ~ u^m`` as ``u -> 0``.

    ``description`` says which sum of theory §3 this is; it is shown by ``scalingtool derive``.
    """

    q: sp.Expr
    m: sp.Expr
    description: str = ""

    def growth(self, per: sp.Expr = sp.Integer(1)) -> sp.Expr:
        """The exponent ``g`` in ``S ~ Y^g`` when ``X = Y^(1/per)`` (``per > 0``).

        ``g = -min(q - 1, m) / per``; the division is taken inside the ``Min`` (valid for
        ``per > 0``) so that e.g. ``min(alpha beta, alpha)/alpha`` reads ``min(beta, 1)``.
        """
        parts = [sp.expand(sp.cancel(part / per)) if part is not sp.oo else sp.oo
                 for part in (self.q - 1, self.m)]
        return -sp.Min(*parts)

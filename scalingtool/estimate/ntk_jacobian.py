"""The tangent kernel from chunked per-sample Jacobians (theory §6).

For the parameters the dense-layer identity of :mod:`.ntk_dense` does not cover (convolutions,
normalisations, anything else), ``J(x_i)`` (C x n_J) is computed for a chunk of samples at a
time by ``vmap(jacrev)`` over those parameters only (the others held fixed) and the Gram is
accumulated chunk pair by chunk pair: ``sum_c J_c(x_i) . J_c(x_j)`` is the inner product of the
flattened ``C n_J`` rows, so one matrix product per pair of chunks. When all ``P`` rows fit the
memory limit they are computed once; otherwise each pair recomputes its second chunk (time
for memory: two chunks are held). :func:`jacobian_parameter_gram` accumulates ``A^T A`` instead,
``A`` the ``P x C n_J`` matrix of those rows, whose non-zero eigenvalues are those of ``A A^T``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..echo import first_line
from ..errors import UsageError

__all__ = ["jacobian_rows", "add_jacobian_gram", "jacobian_parameter_gram"]


def jacobian_rows(torch: Any, model: Any, params: dict, buffers: dict, x_all: Any,
                  names: list[str], outputs: int) -> Callable[[int, int], Any]:
    """``rows(lo, hi)``: the Jacobians of samples ``lo..hi`` in ``names``, shape (m, C, n_J)."""
    from torch.func import functional_call, jacrev, vmap  # optional extra: torch

    fixed = {n: p for n, p in params.items() if n not in names}
    free = {n: params[n] for n in names}

    def f(p: dict[str, Any], x: Any) -> Any:
        return functional_call(model, ({**fixed, **p}, buffers), (x.unsqueeze(0),)).reshape(-1)

    jac_fn = vmap(jacrev(f), in_dims=(None, 0))

    def rows(lo: int, hi: int) -> Any:
        try:
            jac = jac_fn(free, x_all[lo:hi])
        except Exception as exc:  # the user's network failed under vmap/jacrev
            raise UsageError(f"model: evaluating its Jacobian raised {exc.__class__.__name__}: "
                             f"{first_line(exc, 160) if str(exc) else ''}") from None
        return torch.cat([jac[n].reshape(hi - lo, outputs, -1) for n in names], dim=2)

    return rows


def _product(torch: Any, a: Any, b: Any, blocks: bool) -> np.ndarray:
    if blocks:
        return torch.einsum("icn,jdn->ijcd", a, b).double().cpu().numpy()
    return (a.reshape(a.shape[0], -1) @ b.reshape(b.shape[0], -1).T).double().cpu().numpy()


def add_jacobian_gram(torch: Any, gram: np.ndarray, rows: Callable[[int, int], Any], chunk: int,
                      keep_all: bool, blocks: bool) -> None:
    """Add ``sum_c J_c J_c^T`` (or the blocks ``J_c J_c'^T``) to ``gram``, lower block triangle
    computed, mirrored (module docstring)."""
    samples = gram.shape[0]
    starts = list(range(0, samples, chunk))
    kept = None
    if keep_all:  # filled in place: a list of chunks and their concatenation would hold them twice
        for s in starts:
            block = rows(s, min(s + chunk, samples))
            if kept is None:
                kept = block.new_empty((samples,) + tuple(block.shape[1:]))
            kept[s:s + block.shape[0]] = block
            del block

    def get(lo: int, hi: int) -> Any:
        return kept[lo:hi] if kept is not None else rows(lo, hi)

    for i, s in enumerate(starts):
        e = min(s + chunk, samples)
        ji = get(s, e)
        for s2 in starts[: i + 1]:
            e2 = min(s2 + chunk, samples)
            block = _product(torch, ji, ji if s2 == s else get(s2, e2), blocks)
            gram[s:e, s2:e2] += block
            if s2 != s:
                mirrored = block.swapaxes(0, 1)
                gram[s2:e2, s:e] += mirrored.swapaxes(2, 3) if blocks else mirrored


def jacobian_parameter_gram(torch: Any, rows: Callable[[int, int], Any], samples: int, chunk: int,
                            width: int) -> np.ndarray:
    """``A^T A`` (``width`` = C n_J square, float64), accumulated a chunk of rows at a time."""
    out = np.zeros((width, width))
    for s in range(0, samples, chunk):
        a = rows(s, min(s + chunk, samples))
        a = a.reshape(a.shape[0], -1)
        out += (a.T @ a).double().cpu().numpy()
    return out

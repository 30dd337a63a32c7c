"""Memory model of the empirical NTK (theory §6), evaluated before anything P-sized is allocated.

Bytes, with ``s`` the compute dtype's size, ``P`` samples, ``C`` outputs per sample, a chunk of
``m`` samples, ``a`` the activation entries of one sample's forward pass (every module's output,
counted on a one-sample probe), ``n_J`` the parameters taken by per-sample Jacobians and, per
dense layer ``l``, its input width ``d_l`` and output width ``e_l``:

* the result: ``8 P^2`` (float64), ``8 P^2 C^2`` for the per-output blocks;
* the dense factors, kept for all samples: ``s P sum_l (d_l + C e_l)``;
* their products, a row block at a time: ``3 x 8 m P`` (``H H^T``, ``D D^T`` and their product);
* a chunk's forward and C backward passes: ``3 s m a``;
* a chunk's Jacobians: ``s m C n_J``; ``jacrev`` under ``vmap`` holds about twice that again
  and ``C`` backward passes of the chunk: ``s m C (3 n_J + 2 a)``; two chunks are held when the
  Gram is accumulated chunk pair by chunk pair (the Jacobians recomputed for each pair), all
  ``P`` rows when they fit (``s P C n_J``, computed once);
* ``TORCH_WORKSPACE``, whatever the size: what torch itself holds once it has run a forward,
  a backward and a ``vmap`` (thread pools, allocator caches, compiled kernels).

:func:`plan` picks the largest chunk (at most ``MAX_CHUNK``) whose total fits the limit, and
refuses with one line naming the limit and the most samples that would fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..resources import memory_allowance

__all__ = ["Footprint", "Plan", "plan", "ntk_bytes", "most_samples", "MAX_CHUNK", "TORCH_WORKSPACE"]

#: most samples per chunk: beyond this the BLAS calls are already large and the time flat
MAX_CHUNK = 256
#: bytes torch holds after its first forward, backward and vmap calls, at any size (on CPU
#: a process's resident size grows by about 100 MiB for a 64-sample kernel of a small CNN)
TORCH_WORKSPACE = 128 * 2**20


@dataclass(frozen=True)
class Footprint:
    """What the memory model needs to know of a network (counted on a one-sample probe)."""

    outputs: int
    activations: int
    jacobian_params: int
    dense_widths: tuple[tuple[int, int], ...]  # (d_in, d_out) per dense layer
    itemsize: int


@dataclass(frozen=True)
class Plan:
    chunk: int
    keep_all: bool
    nbytes: float


def ntk_bytes(f: Footprint, samples: int, chunk: int, keep_all: bool, blocks: bool = False,
              result: float | None = None) -> float:
    """Peak bytes of :func:`~.ntk.empirical_ntk` under the model of the module docstring
    (``result``: the bytes of another result than the P x P kernel, e.g. a parameter-side one)."""
    s, c, m = f.itemsize, f.outputs, min(chunk, samples)
    if result is None:
        result = 8.0 * samples * samples * (c * c if blocks else 1)
    dense = s * samples * sum(d + c * e for d, e in f.dense_widths)
    products = 3 * 8.0 * m * samples * (c * c if blocks else 1) if f.dense_widths else 0.0
    forward = 3.0 * s * m * f.activations if f.dense_widths else 0.0
    jac = 0.0
    if f.jacobian_params:
        per_chunk = s * m * c * (3 * f.jacobian_params + 2 * f.activations)
        kept = s * samples * c * f.jacobian_params if keep_all else s * m * c * f.jacobian_params
        jac = per_chunk + kept + 8.0 * m * m * (c * c if blocks else 1)
    return TORCH_WORKSPACE + result + dense + max(products + forward, jac)


def _limit(limit_bytes: float | None) -> tuple[float, str]:
    if limit_bytes is not None:
        return float(limit_bytes), f"the memory limit of {limit_bytes / 2**30:.3g} GiB"
    allowance = memory_allowance()
    return allowance.nbytes, f"the {allowance.nbytes / 2**30:.3g} GiB allowed (set by {allowance.source})"


def most_samples(f: Footprint, limit: float, blocks: bool = False, result: float | None = None) -> int:
    """The most samples whose smallest plan (chunk 1, Jacobians recomputed) fits ``limit``."""
    lo, hi = 0, 1
    while ntk_bytes(f, hi, 1, False, blocks, result) <= limit and hi < 2**40:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if ntk_bytes(f, mid, 1, False, blocks, result) <= limit else (lo, mid)
    return lo


def plan(f: Footprint, samples: int, limit_bytes: float | None, chunk: int | None = None,
         blocks: bool = False, result: float | None = None) -> Plan:
    """The chunk (the given one, or the largest up to ``MAX_CHUNK`` that fits) and whether all
    Jacobians are kept; :class:`UsageError` when even one sample at a time does not fit."""
    limit, named = _limit(limit_bytes)
    sizes = [chunk] if chunk is not None else [m for m in (MAX_CHUNK, 128, 64, 32, 16, 8, 4, 2, 1) if m <= samples]
    for m in sizes or [1]:
        for keep_all in (True, False):
            need = ntk_bytes(f, samples, m, keep_all, blocks, result)
            if need <= limit:
                return Plan(m, keep_all, need)
    need = ntk_bytes(f, samples, sizes[-1] if sizes else 1, False, blocks, result)
    most = most_samples(f, limit, blocks, result)
    raise UsageError(f"the tangent kernel of {samples} samples ({f.outputs} output{'s' if f.outputs > 1 else ''} "
                     f"each) needs about {need / 2**30:.3g} GiB, more than {named}: at most {most} samples fit"
                     f"{'' if chunk is None or most < samples else f' (with a chunk smaller than {chunk})'}")

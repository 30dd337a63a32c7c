"""Array libraries for the simulators: NumPy (always) and PyTorch (optional extra).

The training step of :mod:`scalingtool.simulate.linear` is written once, against the small
:class:`ArrayLib` interface below (as ``pyhf`` does with its ``tensorlib``): the arrays
themselves are ``numpy.ndarray`` or ``torch.Tensor``, which share the operators the step needs
(``+ - * / @``, slicing, ``[..., None]``); the array library only supplies what differs --
creating arrays, batched products written in place, random draws and the trip back to
NumPy. Everything is float64. The user picks one by name, the ``backend`` option
(``"numpy"`` or ``"torch"``).

Random numbers come from one of two sources, named by ``rng``:

* ``"numpy"``: the NumPy generator of each seed's stream (:mod:`scalingtool.spectral.streams`);
  the draws are handed to the array library, so NumPy and torch runs of the same seed see
  *the same* data (this is how the two are tested against each other);
* ``"native"``: the library's own generator (``torch.Generator`` on the device for torch),
  seeded from the same stream's seed sequence: fast on a GPU, reproducible per seed but not
  equal to NumPy's draws.

``torch`` is imported lazily, only when the torch library is requested.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from contextlib import nullcontext
from typing import Any, Callable, ContextManager, Sequence

import numpy as np

from ..config import BACKENDS, DEVICES, RNG_SOURCES
from ..errors import UsageError
from ..spectral.streams import generators, stream_seed

__all__ = ["ArrayLib", "NumpyLib", "TorchLib", "get_arraylib",
           "TORCH_MISSING"]

TORCH_MISSING = "the torch backend needs PyTorch: pip install 'scalingtool[torch]'"

Array = Any  # numpy.ndarray or torch.Tensor


class ArrayLib(ABC):
    """What the training loops need from an array library (see the module docstring)."""

    name: str = ""
    device: str = "cpu"

    @abstractmethod
    def asarray(self, x: np.ndarray | float) -> Array:
        """A float64 array of this library holding ``x`` (NumPy may share ``x``'s memory)."""

    @abstractmethod
    def to_numpy(self, x: Array) -> np.ndarray:
        """``x`` as a NumPy array (copied off the device if needed)."""

    def zeros(self, shape: tuple[int, ...]) -> Array:
        """A float64 array of zeros."""
        return self.asarray(np.zeros(shape))

    def eye(self, batch: int, n: int) -> Array:
        """``batch`` stacked ``n x n`` identity matrices."""
        return self.asarray(np.broadcast_to(np.eye(n), (batch, n, n)).copy())

    @abstractmethod
    def add_outer_(self, m: Array, u: Array, v: Array, scale: float) -> None:
        """``m[s] += scale * outer(u[s], v[s])`` in place, for every leading index ``s``."""

    def no_autograd(self) -> ContextManager[Any]:
        """A context for arithmetic that no gradient will be taken of (nothing for NumPy)."""
        return nullcontext()

    def normal_source(self, seeds: Sequence[int], stream: int,
                      rng: str) -> Callable[[tuple[int, ...]], Array]:
        """A function ``draw(shape)`` returning standard normals of shape ``(len(seeds), *shape)``.

        Member ``s`` of every draw comes from seed ``seeds[s]``'s own stream, so an ensemble
        member's data do not depend on which other seeds run with it.
        """
        if rng not in RNG_SOURCES:
            raise UsageError(f"rng = {rng!r} is not supported: expected one of {', '.join(RNG_SOURCES)}")
        gens = generators(seeds, stream)

        def draw(shape: tuple[int, ...]) -> Array:
            return self.asarray(np.stack([g.standard_normal(shape) for g in gens]))

        return draw


class NumpyLib(ArrayLib):
    """NumPy on the CPU; ``rng="native"`` and ``"numpy"`` are the same source."""

    name = "numpy"
    device = "cpu"

    def asarray(self, x: np.ndarray | float) -> np.ndarray:
        return np.asarray(x, dtype=np.float64)

    def to_numpy(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x)

    def add_outer_(self, m: np.ndarray, u: np.ndarray, v: np.ndarray, scale: float) -> None:
        m += (scale * u)[..., :, None] * v[..., None, :]


class TorchLib(ArrayLib):
    """PyTorch, float64, on ``device`` (``"cpu"`` or ``"cuda"``)."""

    name = "torch"

    def __init__(self, device: str = "auto") -> None:
        torch = _import_torch()
        self._torch = torch
        if device not in DEVICES:
            raise UsageError(f"device = {device!r} is not supported: expected one of {', '.join(DEVICES)}")
        cuda = bool(torch.cuda.is_available())
        if device == "cuda" and not cuda:
            raise UsageError("device = 'cuda' was requested but no CUDA device is available: use 'cpu' or 'auto'")
        self.device = "cuda" if (device == "cuda" or (device == "auto" and cuda)) else "cpu"

    def asarray(self, x: np.ndarray | float) -> Any:
        return self._torch.as_tensor(np.asarray(x, dtype=np.float64), device=self.device)

    def to_numpy(self, x: Any) -> np.ndarray:
        return x.detach().cpu().numpy()

    def add_outer_(self, m: Any, u: Any, v: Any, scale: float) -> None:
        m.baddbmm_(u[..., :, None], v[..., None, :], alpha=scale)

    def no_autograd(self) -> ContextManager[Any]:
        """``torch.inference_mode()``: each operation skips autograd's bookkeeping."""
        return self._torch.inference_mode()

    def normal_source(self, seeds: Sequence[int], stream: int,
                      rng: str) -> Callable[[tuple[int, ...]], Any]:
        if rng != "native":
            return super().normal_source(seeds, stream, rng)
        torch = self._torch
        gens = []
        for s in seeds:
            g = torch.Generator(device=self.device)
            g.manual_seed(int(stream_seed(s, stream).generate_state(1, np.uint64)[0] >> np.uint64(1)))
            gens.append(g)

        if self.device != "cpu":
            def draw(shape: tuple[int, ...]) -> Any:
                return torch.stack([torch.randn(shape, generator=g, dtype=torch.float64, device=self.device)
                                    for g in gens])

            return draw

        fill = _cpu_normal_fill(torch)

        def draw_cpu(shape: tuple[int, ...]) -> Any:
            out = torch.empty((len(gens), *shape), dtype=torch.float64)
            for member, g in zip(out, gens):  # each member written in place: no stacking copy
                fill(member, g)
            return out

        return draw_cpu


def _box_muller_fill(torch: Any, out: Any, generator: Any) -> None:
    """``out.normal_(generator=generator)`` of torch's CPU float64 kernel, vectorised.

    For a contiguous float64 tensor of 16 or more elements torch draws ``n`` uniforms, turns
    each block of 16 into normals by Box-Muller (``u1 = 1 - u[j]``, ``u2 = u[j + 8]``,
    ``r = sqrt(-2 log u1)``, ``r cos(2 pi u2)`` and ``r sin(2 pi u2)``), and when 16 does not
    divide ``n`` draws 16 more uniforms for the last 16 elements -- one element at a time,
    about twice the time NumPy's generator takes. The same uniforms and formulas as tensor
    operations give the same normals to rounding (torch's vectorised log, cos and sin may
    differ from the scalar ones in the last bit) and leave the generator in the same state.
    """
    n = out.numel()
    tail = n % 16
    uniform = torch.rand(n + (16 if tail else 0), generator=generator, dtype=torch.float64)
    flat = out.view(-1)
    full = n - tail

    def transform(u: Any, dst: Any) -> None:  # contiguous temporaries: vector loops stay long
        pairs = u.view(-1, 2, 8)
        radius = torch.rsub(pairs[:, 0], 1.0).log_().mul_(-2.0).sqrt_()
        theta = pairs[:, 1].mul(2.0 * math.pi)
        cos = torch.cos(theta).mul_(radius)
        torch.stack((cos, theta.sin_().mul_(radius)), dim=1, out=dst.view(-1, 2, 8))

    if full:
        transform(uniform[:full], flat[:full])
    if tail:
        last = torch.empty(16, dtype=torch.float64)
        transform(uniform[n:], last)
        flat[n - 16:] = last


_FILL: dict[int, Callable[[Any, Any], None]] = {}
#: draws of at least this many normals are vectorised (below it torch's own kernel is faster)
_VECTORISED_FROM = 4096


def _cpu_normal_fill(torch: Any) -> Callable[[Any, Any], None]:
    """``fill(out, generator)``: standard normals in the contiguous float64 CPU tensor ``out``,
    those of ``out.normal_(generator=generator)``; vectorised (:func:`_box_muller_fill`) when
    this torch gives the same numbers that way (checked once per process), else torch's own."""
    key = id(torch)
    if key not in _FILL:
        def own(out: Any, generator: Any) -> None:
            out.normal_(generator=generator)

        def fast(out: Any, generator: Any) -> None:
            if out.numel() < _VECTORISED_FROM:  # a few tensor operations cost more than they save
                out.normal_(generator=generator)
            else:
                _box_muller_fill(torch, out, generator)

        _FILL[key] = fast if _same_normals(torch) else own
    return _FILL[key]


def _same_normals(torch: Any) -> bool:
    """Whether :func:`_box_muller_fill` gives this torch's normals (to rounding) and leaves the
    generator as torch's own kernel does (with and without the last 16 redrawn)."""
    try:
        for size in (16, 39, _VECTORISED_FROM + 39):
            mine, theirs = torch.Generator().manual_seed(size), torch.Generator().manual_seed(size)
            got = torch.empty(size, dtype=torch.float64)
            _box_muller_fill(torch, got, mine)
            want = torch.empty(size, dtype=torch.float64).normal_(generator=theirs)
            if not torch.allclose(got, want, rtol=1e-12, atol=1e-14):
                return False
            if not torch.equal(torch.rand(2, generator=mine, dtype=torch.float64),
                               torch.rand(2, generator=theirs, dtype=torch.float64)):
                return False
    except Exception:  # an unexpected torch: use its own kernel
        return False
    return True


def _import_torch() -> Any:
    """``import torch``, or a :class:`UsageError` saying how to install it."""
    try:
        import torch  # optional extra: torch
    except ImportError:
        raise UsageError(TORCH_MISSING) from None
    return torch


def get_arraylib(backend: str | ArrayLib = "numpy", device: str = "auto") -> ArrayLib:
    """The array library named ``backend`` (``"numpy"`` or ``"torch"``) on ``device``.

    NumPy runs on the CPU: ``device="cuda"`` with NumPy is a :class:`UsageError`.
    """
    if isinstance(backend, ArrayLib):
        return backend
    if device not in DEVICES:
        raise UsageError(f"device = {device!r} is not supported: expected one of {', '.join(DEVICES)}")
    if backend == "numpy":
        if device == "cuda":
            raise UsageError("device = 'cuda' needs backend = 'torch' (the numpy backend runs on the CPU)")
        return NumpyLib()
    if backend == "torch":
        return TorchLib(device)
    raise UsageError(f"backend = {backend!r} is not supported: expected one of {', '.join(BACKENDS)}")

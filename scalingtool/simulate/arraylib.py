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

from abc import ABC, abstractmethod
from typing import Any, Callable, Sequence

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

        def draw(shape: tuple[int, ...]) -> Any:
            return torch.stack([torch.randn(shape, generator=g, dtype=torch.float64, device=self.device)
                                for g in gens])

        return draw


def _import_torch() -> Any:
    """``import torch``, or a :class:`UsageError` saying how to install it."""
    try:
        import torch
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

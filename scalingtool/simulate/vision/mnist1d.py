"""MNIST-1D (Greydanus 2020): a generated 1-D analogue of MNIST, drawn once and cached.

``mnist1d.data.make_dataset`` makes about three thousand 40-sample signals a second, so a pool
of ``pool_samples`` training signals and ``test_samples`` held-out ones is drawn once, in one
call (one standardisation for both), with the package's default arguments and seed 0 for the
pool, and cached as an ``.npz`` named by a hash of those arguments in the user's cache folder
(:func:`cache_folder`); later runs read it back. The package's own ``get_dataset`` is never
called (it downloads without a time limit and writes a pickle into the working folder), and
``make_dataset`` seeds Python's and NumPy's global generators: their states are saved and
restored around it, so a caller's random streams are untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import UsageError
from ...files import atomic_open
from ...resources import require_memory
from .data import VISION_MISSING, VisionData

__all__ = ["load_mnist1d", "cache_folder", "CACHE_ENV", "mnist1d_arguments"]

#: environment variable naming the cache folder (else XDG_CACHE_HOME/scalingtool or ~/.cache/scalingtool)
CACHE_ENV = "SCALINGTOOL_CACHE"
#: bytes of one signal: 40 float32 values and its label
_SIGNAL_BYTES = 40 * 4 + 8


def cache_folder() -> Path:
    """Where generated data are cached: ``$SCALINGTOOL_CACHE``, else ``$XDG_CACHE_HOME/scalingtool``,
    else ``~/.cache/scalingtool``."""
    if os.environ.get(CACHE_ENV, "").strip():
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "scalingtool"


def _module() -> Any:
    try:
        import mnist1d.data  # optional extra: vision
    except ImportError:
        raise UsageError(VISION_MISSING) from None
    return mnist1d.data


def mnist1d_arguments(pool_samples: int, test_samples: int) -> dict[str, Any]:
    """The package's default arguments with the sizes set (whole classes: a multiple of 10) and
    seed 0; ``url`` dropped (nothing is downloaded)."""
    defaults = vars(_module().get_dataset_args())
    total = -(-(pool_samples + test_samples) // 10) * 10
    args = {k: v for k, v in defaults.items() if k != "url"}
    args.update(num_samples=total, train_split=(total - test_samples) / total, seed=0)
    return args


def _key(args: dict[str, Any]) -> str:
    text = json.dumps(args, sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _generate(args: dict[str, Any]) -> dict[str, np.ndarray]:
    """``make_dataset`` with the global generators' states kept (module docstring)."""
    module = _module()
    from mnist1d.utils import ObjectView  # optional extra: vision (the package's argument holder)

    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        made = module.make_dataset(ObjectView(dict(args, url="")))
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    return {"x": np.asarray(made["x"], np.float32), "y": np.asarray(made["y"], np.int64),
            "x_test": np.asarray(made["x_test"], np.float32), "y_test": np.asarray(made["y_test"], np.int64)}


def _read(path: Path) -> dict[str, np.ndarray] | None:
    """The cached arrays, or None when the file is missing or unreadable (then drawn again)."""
    try:
        with np.load(path, allow_pickle=False) as held:
            return {name: held[name] for name in ("x", "y", "x_test", "y_test")}
    except (OSError, ValueError, KeyError):
        return None


def load_mnist1d(pool_samples: int, test_samples: int) -> VisionData:
    """MNIST-1D as a :class:`VisionData` of (n, 1, 1, 40) signals (read from the cache or drawn)."""
    require_memory(3 * (pool_samples + test_samples) * _SIGNAL_BYTES,
                   f"MNIST-1D with {pool_samples} + {test_samples} signals", "pool_samples or test_samples")
    args = mnist1d_arguments(pool_samples, test_samples)
    path = cache_folder() / f"mnist1d-{_key(args)}.npz"
    arrays = _read(path) if path.is_file() else None
    if arrays is None:
        arrays = _generate(args)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_open(path, "wb") as handle:
                np.savez(handle, **arrays)
        except (OSError, UsageError):
            pass  # a read-only cache: the data were drawn and are used; the next run draws them again
    x, x_test = arrays["x"][:, None, None, :], arrays["x_test"][:, None, None, :]
    return VisionData("mnist1d", x[:pool_samples], arrays["y"][:pool_samples], x_test[:test_samples],
                      arrays["y_test"][:test_samples], 10, f"MNIST-1D, generated (cache {path.name})",
                      {"cache": str(path)})

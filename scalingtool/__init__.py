"""scalingtool: neural scaling laws beyond the kernel limit.

A symbolic-plus-numeric toolkit for the two-layer linear model of Bordelon, Atanasov &
Pehlevan, "How Feature Learning Can Improve Neural Scaling Laws" (ICLR 2025,
arXiv:2409.17858). The layers, each importable on its own:

* :mod:`scalingtool.theory` -- SymPy derivation of every exponent (theory §3);
* :mod:`scalingtool.reduced` -- exact reduced dynamics in float64 and mpmath (theory §2);
* :mod:`scalingtool.measure` -- exponents measured from curves (theory §4);
* :mod:`scalingtool.simulate` -- the real networks (theory §1, §5);
* :mod:`scalingtool.verify` -- theory, numerics and simulation side by side;
* :mod:`scalingtool.cli` -- the ``scalingtool`` command, a thin skin over the above.

Submodules are imported on first use, so ``import scalingtool`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

#: the package version: the one place it is written (pyproject.toml reads it; `scalingtool --version`)
__version__ = "0.2.0"

_SUBMODULES = {"theory", "reduced", "measure", "simulate", "verify", "params", "formats",
               "files", "errors"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'scalingtool' has no attribute {name!r}")


__all__ = sorted(_SUBMODULES) + ["__version__"]

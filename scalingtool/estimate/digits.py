"""scikit-learn's bundled ``digits`` (1797 images of 8 x 8 pixels; nothing is downloaded) as an
estimation task: a two-layer ReLU MLP whose NTK we measure, a Laplace kernel, and targets.

Usable as ``scalingtool estimate --model scalingtool.estimate.digits:mlp``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UsageError
from .deps import require_torch

__all__ = ["load_digits", "digits_target", "two_layer_mlp", "mlp", "TARGETS"]

TARGETS = ("regression", "one-vs-rest")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """``(X, labels)``: standardised pixels (1797 x 64) and the digit of each image."""
    try:
        from sklearn.datasets import load_digits as sk_load  # optional extra: scikit-learn
    except ImportError:
        raise UsageError("the digits data ship with scikit-learn: pip install scikit-learn") from None
    data = sk_load()
    x = np.asarray(data.data, dtype=np.float64)
    x = (x - x.mean(axis=0)) / np.maximum(x.std(axis=0), 1e-12)
    return x, np.asarray(data.target)


def digits_target(labels: np.ndarray, target: str, digit: int = 0) -> np.ndarray:
    """``regression``: the digit's value; ``one-vs-rest``: 1 for ``digit``, else 0 (both centred)."""
    if target == "regression":
        y = labels.astype(float)
    elif target == "one-vs-rest":
        y = (labels == digit).astype(float)
    else:
        raise UsageError(f"target: expected one of {', '.join(TARGETS)}, got {target!r}")
    return y - y.mean()


def two_layer_mlp(inputs: int, width: int, seed: int = 0) -> Any:
    """``f(x) = a . relu(W x / sqrt(d) + b) / sqrt(N)`` in NTK parametrisation (torch)."""
    torch = require_torch()
    torch.manual_seed(seed)

    class TwoLayer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = torch.nn.Linear(inputs, width)
            self.out = torch.nn.Linear(width, 1, bias=False)
            torch.nn.init.normal_(self.hidden.weight)
            torch.nn.init.normal_(self.hidden.bias)
            torch.nn.init.normal_(self.out.weight)

        def forward(self, x: Any) -> Any:
            h = torch.relu(self.hidden(x / inputs ** 0.5))
            return self.out(h) / width ** 0.5

    return TwoLayer()


def mlp(width: int = 256, target: str = "regression", seed: int = 0) -> tuple[Any, Any, np.ndarray]:
    """``(model, inputs, labels)``: the width-256 MLP on all 1797 digits (the digits recipe's network)."""
    torch = require_torch()
    x, labels = load_digits()
    return two_layer_mlp(x.shape[1], width, seed), torch.as_tensor(x, dtype=torch.float32), \
        digits_target(labels, target)

"""Empirical neural tangent kernel at initialisation, with ``torch.func`` (theory §6).

``K_ij = sum_theta df(x_i)/dtheta df(x_j)/dtheta`` for a model with one output per input.
Jacobians are computed for chunks of inputs (``vmap(jacrev)``); when the whole P x n_params
Jacobian fits the memory limit it is computed once and ``K = J J^T`` taken blockwise,
otherwise every pair of chunks recomputes its Jacobians (more time, memory bounded by two
chunks). Memory is estimated before anything is allocated.

A user's model comes from ``module:function`` (a module on the Python path or a ``.py``
file), a function of no arguments returning ``(model, inputs, labels)``.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..echo import first_line
from ..errors import UsageError
from .deps import require_torch
from .sources import MIN_SAMPLES, check_finite, check_memory, gram_bytes

__all__ = ["load_model_function", "call_model_function", "ntk_gram"]


def load_model_function(spec: str) -> Callable[[], Any]:
    """The function named by ``module:function`` (or ``path/to/file.py:function``)."""
    if spec.count(":") != 1:
        raise UsageError(f"model: expected module:function, got {spec!r}")
    module_name, func_name = spec.split(":")
    if not module_name or not func_name.isidentifier():
        raise UsageError(f"model: expected module:function, got {spec!r}")
    try:
        if module_name.endswith(".py"):
            path = Path(module_name)
            if not path.is_file():
                raise UsageError(f"model: no such file {module_name!r}")
            mod_spec = importlib.util.spec_from_file_location(path.stem, path)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
    except UsageError:
        raise
    except ModuleNotFoundError as exc:
        raise UsageError(f"model: cannot import {module_name!r} ({exc})") from None
    except Exception as exc:  # the user's module failed while importing
        raise UsageError(f"model: importing {module_name!r} raised {exc.__class__.__name__}: {exc}") from None
    func = getattr(module, func_name, None)
    if func is None or not callable(func):
        raise UsageError(f"model: {module_name!r} has no function {func_name!r}")
    return func


def call_model_function(func: Callable[[], Any], name: str) -> tuple[Any, Any, np.ndarray]:
    """Call the user's function and check it returned ``(torch module, inputs tensor, labels)``."""
    torch = require_torch()
    try:
        result = func()
    except Exception as exc:
        raise UsageError(f"model: {name} raised {exc.__class__.__name__}: {exc}") from None
    if not isinstance(result, tuple) or len(result) != 3:
        raise UsageError(f"model: {name} must return (model, inputs, labels), got {type(result).__name__}")
    model, inputs, labels = result
    if not isinstance(model, torch.nn.Module):
        raise UsageError(f"model: {name} returned {type(model).__name__} as the model, not a torch.nn.Module")
    if not isinstance(inputs, torch.Tensor) or inputs.ndim < 1:
        raise UsageError(f"model: {name} must return the inputs as a tensor with one row per sample")
    try:
        labels = np.asarray(labels.detach().cpu() if isinstance(labels, torch.Tensor) else labels, dtype=float)
    except (TypeError, ValueError, RuntimeError):
        raise UsageError(f"model: {name} must return the labels as numbers (a tensor or array of floats), "
                         f"got {type(labels).__name__}") from None
    if labels.ndim != 1 or labels.shape[0] != inputs.shape[0]:
        raise UsageError(f"model: {name} returned {inputs.shape[0]} inputs but labels of shape {labels.shape} "
                         "(expected one label per input)")
    check_finite(labels, f"model: {name} labels")
    if not torch.isfinite(inputs).all():
        raise UsageError(f"model: {name} inputs contain NaN or inf entries")
    if inputs.shape[0] < MIN_SAMPLES:
        raise UsageError(f"model: {name} returned {inputs.shape[0]} inputs; at least {MIN_SAMPLES} are needed")
    return model, inputs, labels


def _count(model: Any) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def ntk_gram(model: Any, inputs: Any, max_memory: float, device: str = "cpu", float64: bool = False,
             chunk: int | None = None) -> np.ndarray:
    """The empirical NTK Gram matrix (float64 NumPy, P x P) of ``model`` on ``inputs``."""
    torch = require_torch()
    from torch.func import functional_call, jacrev, vmap  # optional extra: torch

    if device == "cuda" and not torch.cuda.is_available():
        raise UsageError("device: cuda was asked for but no CUDA device is available")
    dtype = torch.float64 if float64 else torch.float32
    itemsize = 8 if float64 else 4
    samples = int(inputs.shape[0])
    params_count = _count(model)
    if params_count == 0:
        raise UsageError("model: it has no trainable parameters, so no tangent kernel")
    check_memory(gram_bytes(samples), max_memory, f"the {samples} x {samples} NTK Gram matrix")
    budget = max_memory - gram_bytes(samples)
    per_row = params_count * itemsize * 3  # Jacobian row + vmap/jacrev workspace
    if chunk is None:
        chunk = int(max(1, min(samples, budget // (4 * per_row), 256)))
    if 2 * chunk * per_row > budget:
        check_memory(2 * per_row + gram_bytes(samples), max_memory,
                     f"the Jacobian of a model with {params_count} parameters")
    keep_all = samples * params_count * itemsize + 2 * chunk * per_row <= budget
    model = model.to(device=device, dtype=dtype)
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    params = {n: p.detach() for n, p in model.named_parameters() if p.requires_grad}
    buffers = {n: b for n, b in model.named_buffers()}
    x_all = inputs.to(device=device, dtype=dtype)

    def f(p: dict[str, Any], x: Any) -> Any:
        out = functional_call(model, (p, buffers), (x.unsqueeze(0),))
        return out.reshape(-1)

    jac_fn = vmap(jacrev(f), in_dims=(None, 0))

    def jacobian(lo: int, hi: int) -> Any:
        try:
            jac = jac_fn(params, x_all[lo:hi])
        except Exception as exc:
            raise UsageError(f"model: evaluating its Jacobian raised {exc.__class__.__name__}: "
                             f"{first_line(exc, 160) if str(exc) else ''}") from None
        first = jac[names[0]]
        if first.shape[1] != 1:
            raise UsageError(f"model: it must return one output per input (a scalar), got {first.shape[1]}")
        return torch.cat([jac[n].reshape(hi - lo, -1) for n in names], dim=1)

    starts = list(range(0, samples, chunk))
    gram = np.empty((samples, samples), dtype=np.float64)
    if keep_all:
        jac_all = torch.cat([jacobian(s, min(s + chunk, samples)) for s in starts], dim=0)
        for s in starts:  # the blocks on and below the diagonal (half the products), mirrored
            e = min(s + chunk, samples)
            gram[s:e, :e] = (jac_all[s:e] @ jac_all[:e].T).double().cpu().numpy()
            gram[:s, s:e] = gram[s:e, :s].T
        del jac_all
    else:
        for i, s in enumerate(starts):
            e = min(s + chunk, samples)
            ji = jacobian(s, e)
            for s2 in starts[: i + 1]:
                e2 = min(s2 + chunk, samples)
                block = (ji @ (ji if s2 == s else jacobian(s2, e2)).T).double().cpu().numpy()
                gram[s:e, s2:e2] = block
                gram[s2:e2, s:e] = block.T
    check_finite(gram, "model: the tangent kernel")
    return 0.5 * (gram + gram.T)

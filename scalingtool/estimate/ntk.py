"""Empirical neural tangent kernel of a torch network on P samples (theory §6).

:func:`empirical_ntk` returns the P x P kernel, traced over the network's outputs (its
docstring says why), or the P x P x C x C blocks; :func:`ntk_parameter_gram` the parameter-side
matrix with the same non-zero spectrum, smaller when there are fewer parameters than samples.
Dense layers are added without per-sample Jacobians (:mod:`.ntk_dense`), the other parameters
from chunked per-sample Jacobians (:mod:`.ntk_jacobian`), within a memory model checked before
anything P-sized is allocated (:mod:`.ntk_memory`).

A user's model comes from ``module:function`` (a module on the Python path or a ``.py``
file), a function of no arguments returning ``(model, inputs, labels)``; labels are a float per
sample, a P x C float target, or integer classes (made a centred one-hot target).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import UsageError
from .deps import require_torch
from .ntk_dense import add_dense_gram, dense_factors, probe
from .ntk_jacobian import add_jacobian_gram, jacobian_parameter_gram, jacobian_rows
from .ntk_memory import Footprint, plan
from .sources import MIN_SAMPLES, check_finite, check_memory, gram_bytes

__all__ = ["load_model_function", "call_model_function", "empirical_ntk", "ntk_parameter_gram", "ntk_gram"]


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



def _target(labels: Any, samples: int, name: str) -> np.ndarray:
    """Labels as a target: integer classes (1-D, an integer dtype) -> the centred one-hot
    ``P x C`` matrix (a column per class present, each column's mean removed); floats, one per
    sample (1-D) or ``P x C``, as given."""
    torch = require_torch()
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    try:
        raw = np.asarray(labels)
        integer = raw.dtype.kind in "iub"
        y = raw.astype(float)
    except (TypeError, ValueError):
        raise UsageError(f"model: {name} must return the labels as numbers (a tensor or array of floats), "
                         f"got {type(labels).__name__}") from None
    if y.ndim not in (1, 2) or y.shape[0] != samples:
        raise UsageError(f"model: {name} returned {samples} inputs but labels of shape {y.shape} "
                         "(expected one label per input, or a P x C target)")
    check_finite(y, f"model: {name} labels")
    if integer and y.ndim == 1:
        classes, index = np.unique(raw, return_inverse=True)
        if classes.shape[0] < 2:
            raise UsageError(f"model: {name} labels are all of one class; a constant target has no power law")
        y = np.eye(classes.shape[0])[index.reshape(-1)]
        y -= y.mean(axis=0)
    return y


def call_model_function(func: Callable[[], Any], name: str) -> tuple[Any, Any, np.ndarray]:
    """Call the user's function and check it returned ``(torch module, inputs tensor, labels)``;
    the labels become a target (:func:`_target`: integer classes -> centred one-hot)."""
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
    labels = _target(labels, int(inputs.shape[0]), name)
    if not torch.isfinite(inputs).all():
        raise UsageError(f"model: {name} inputs contain NaN or inf entries")
    if inputs.shape[0] < MIN_SAMPLES:
        raise UsageError(f"model: {name} returned {inputs.shape[0]} inputs; at least {MIN_SAMPLES} are needed")
    if labels.ndim == 2:  # one target column per output
        try:
            with torch.no_grad():
                first = next(iter(model.parameters()), None)
                one = inputs[:1].to(first.dtype) if first is not None and inputs.is_floating_point() else inputs[:1]
                outputs = int(model(one).numel())
        except Exception as exc:  # the user's network failed on its inputs
            raise UsageError(f"model: evaluating it raised {exc.__class__.__name__}: {exc}") from None
        if outputs != labels.shape[1]:
            raise UsageError(f"model: {name} gives a target of {labels.shape[1]} columns (classes) for a model "
                             f"with {outputs} output{'s' if outputs > 1 else ''}: expected one column per output")
    return model, inputs, labels


def _setup(model: Any, dtype: Any, device: str) -> tuple[Any, Any, dict, dict]:
    """torch, the compute dtype and the model's parameters and buffers on ``device`` in it
    (copies: the user's module is left as it was)."""
    torch = require_torch()
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError("device: cuda was asked for but no CUDA device is available")
    named = {"float32": torch.float32, "float64": torch.float64, None: torch.float32}
    dtype = named.get(dtype, dtype) if isinstance(dtype, (str, type(None))) else dtype
    if dtype not in (torch.float32, torch.float64):
        raise UsageError(f"dtype: expected float32 or float64, got {dtype}")
    params = {n: p.detach().to(device=device, dtype=dtype) for n, p in model.named_parameters() if p.requires_grad}
    if not params:
        raise UsageError("model: it has no trainable parameters, so no tangent kernel")
    buffers = {n: (b.to(device=device, dtype=dtype) if b.is_floating_point() else b.to(device))
               for n, b in model.named_buffers()}
    return torch, dtype, params, buffers


def empirical_ntk(model: Any, inputs: Any, *, chunk: int | None = None, limit_bytes: float | None = None,
                  dtype: Any = None, device: str = "cpu", blocks: bool = False, route: str = "auto") -> np.ndarray:
    """The empirical tangent kernel of ``model`` at its parameters on ``inputs`` (float64 NumPy).

    With ``C`` outputs per sample the tangent kernel is a ``P x P x C x C`` object,
    ``K^{cc'}_ij = <df_c(x_i)/dtheta, df_c'(x_j)/dtheta>``; the kernel returned is its trace
    over outputs, ``K_ij = (1/C) sum_c K^{cc}_ij`` (``blocks=True``: all four indices). The
    estimates of theory §6 need one P x P kernel: gradient flow on the squared loss
    ``sum_c (f_c - y_c)^2`` moves the residual by the full kernel, and for the networks studied
    (independent readout units, centred outputs) the cross-output blocks vanish on average at
    initialisation and the diagonal blocks are alike, so each output learns its target column
    through the same kernel ``K``; the trace is that kernel's unbiased estimate from one draw,
    and ``1/C`` keeps its scale that of one output (alpha and beta do not depend on it). The
    target power of a ``P x C`` target is then summed over its columns (:mod:`.spectrum`).

    Dense layers are added by the identity of :mod:`.ntk_dense` (``route="jacobian"`` sends them
    to the Jacobians too), every other parameter by the chunked Jacobians of :mod:`.ntk_jacobian`.
    Peak memory is estimated before anything P-sized is allocated (:mod:`.ntk_memory`) against
    ``limit_bytes`` (default: the memory allowance, :func:`scalingtool.resources.memory_allowance`);
    ``chunk`` samples at a time (default: the largest that fits, at most 256). ``dtype``:
    ``torch.float32`` (default) or ``torch.float64``; ``device``: ``cpu`` or ``cuda``.
    """
    torch, dtype, params, buffers = _setup(model, dtype, device)
    if route not in ("auto", "jacobian"):
        raise UsageError(f"route: expected auto or jacobian, got {route!r}")
    samples = int(inputs.shape[0])
    pr = probe(torch, model, params, buffers, inputs[:1].detach().to(device=device, dtype=dtype), route == "auto")
    modules = dict(model.named_modules())
    dense_params = {f"{m}.{p}" if m else p for m in pr.dense for p, _ in modules[m].named_parameters(recurse=False)}
    jac_names = [n for n in params if n not in dense_params]
    footprint = Footprint(pr.outputs, pr.activations, sum(params[n].numel() for n in jac_names),
                          tuple((d, e) for d, e, _ in pr.dense.values()), torch.finfo(dtype).bits // 8)
    chosen = plan(footprint, samples, limit_bytes, chunk, blocks)
    x_all = inputs.detach().to(device=device, dtype=dtype)
    c = pr.outputs
    gram = np.zeros((samples, samples, c, c) if blocks else (samples, samples))
    starts = range(0, samples, chosen.chunk)
    if pr.dense:
        parts = [dense_factors(torch, model, params, buffers, x_all[s:s + chosen.chunk], pr.dense, c) for s in starts]
        factors = {n: (torch.cat([p[n][0] for p in parts]), torch.cat([p[n][1] for p in parts])) for n in pr.dense}
        del parts
        add_dense_gram(torch, gram, factors, pr.dense, chosen.chunk, blocks)
        del factors
    if jac_names:
        rows = jacobian_rows(torch, model, params, buffers, x_all, jac_names, c)
        add_jacobian_gram(torch, gram, rows, chosen.chunk, chosen.keep_all, blocks)
    for s in starts:  # the diagonal blocks, symmetric up to round-off, made exactly so
        e = min(s + chosen.chunk, samples)
        diag = gram[s:e, s:e]
        gram[s:e, s:e] = 0.5 * (diag + (diag.transpose(1, 0, 3, 2) if blocks else diag.T))
    if not blocks:
        gram /= c
    check_finite(gram, "model: the tangent kernel")
    return gram


def ntk_parameter_gram(model: Any, inputs: Any, *, chunk: int | None = None, limit_bytes: float | None = None,
                       dtype: Any = None, device: str = "cpu") -> np.ndarray:
    """``A^T A / C`` (float64, ``C n`` square), ``A`` the ``P x C n`` matrix whose row i holds the
    C x n Jacobian of sample i (all n parameters): its non-zero eigenvalues are those of
    :func:`empirical_ntk` ``= A A^T / C``. Smaller than the P x P kernel when ``C n < P``
    (a network with fewer parameters than samples), and accumulated a chunk of samples at a time.
    """
    torch, dtype, params, buffers = _setup(model, dtype, device)
    samples = int(inputs.shape[0])
    pr = probe(torch, model, params, buffers, inputs[:1].detach().to(device=device, dtype=dtype), False)
    names = list(params)
    n = sum(p.numel() for p in params.values())
    width = pr.outputs * n
    footprint = Footprint(pr.outputs, pr.activations, n, (), torch.finfo(dtype).bits // 8)
    chosen = plan(footprint, samples, limit_bytes, chunk, result=8.0 * width * width)
    rows = jacobian_rows(torch, model, params, buffers, inputs.to(device=device, dtype=dtype), names, pr.outputs)
    out = jacobian_parameter_gram(torch, rows, samples, chosen.chunk, width) / pr.outputs
    check_finite(out, "model: the tangent kernel")
    return 0.5 * (out + out.T)


def ntk_gram(model: Any, inputs: Any, max_memory: float, device: str = "cpu", float64: bool = False,
             chunk: int | None = None) -> np.ndarray:
    """:func:`empirical_ntk` under ``max_memory``, leaving room for its decomposition
    (:func:`~.sources.gram_bytes`, three P x P copies, of which the kernel is one)."""
    samples = int(inputs.shape[0])
    check_memory(gram_bytes(samples), max_memory, f"the {samples} x {samples} NTK Gram matrix")
    room = max_memory - gram_bytes(samples) + 8.0 * samples * samples
    return empirical_ntk(model, inputs, chunk=chunk, limit_bytes=room, device=device,
                         dtype="float64" if float64 else "float32")

"""The tangent kernel's dense-layer blocks without per-sample Jacobians (theory §6).

A dense layer ``z = W h + b`` applied once to each sample's vector ``h`` has per-sample
gradients ``df_c(x_i)/dW = D_c(x_i) h(x_i)^T`` and ``df_c(x_i)/db = D_c(x_i)``, with
``D_c(x) = df_c(x)/dz`` the backpropagated gradient at the layer's pre-activation. So

    sum_c <df_c(x_i)/dW, df_c(x_j)/dW> = (h_i . h_j) sum_c (D_c(x_i) . D_c(x_j)),

that is ``(H H^T) o (sum_c D_c D_c^T)`` (elementwise), and the bias adds ``sum_c D_c D_c^T``:
``O(P^2 (d_in + C d_out))`` work and ``P (d_in + C d_out)`` memory instead of a ``P x d_in
d_out C`` Jacobian. ``H`` and ``D`` come from forward hooks and one backward pass per output:
each hook records the layer's input and output, and the gradient of ``sum_i f_c(x_i)`` with
respect to the output is ``D_c`` row by row (parameters are constants of this pass; the first
such layer's output is made the graph's leaf, so nothing upstream of it is recorded). The
per-output blocks ``K^{cc'}_ij = (H H^T)_ij (D_c(x_i) . D_c'(x_j))`` come the same way.

A layer qualifies when it is an ``nn.Linear`` called exactly once per forward pass on a
``samples x features`` input and its parameters belong to no other module; the batch must be
evaluated sample by sample independently (no batch statistics: batch norm in eval mode).
Every other parameter goes to the per-sample Jacobians of :mod:`.ntk_jacobian`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..echo import first_line
from ..errors import UsageError

__all__ = ["Probe", "probe", "dense_factors", "add_dense_gram"]


class Probe:
    """One sample's forward pass: outputs per sample, activation entries, qualifying layers."""

    def __init__(self, outputs: int, activations: int, dense: dict[str, tuple[int, int, bool]]) -> None:
        self.outputs = outputs
        self.activations = activations
        self.dense = dense  # module name -> (d_in, d_out, has bias)


def _call(torch: Any, model: Any, params: dict, buffers: dict, x: Any) -> Any:
    from torch.func import functional_call  # optional extra: torch

    try:
        return functional_call(model, (params, buffers), (x,))
    except Exception as exc:  # the user's network failed on its inputs
        raise UsageError(f"model: evaluating it raised {exc.__class__.__name__}: {first_line(exc, 160)}") from None


def probe(torch: Any, model: Any, params: dict, buffers: dict, x1: Any, dense_route: bool) -> Probe:
    """Run one sample (``x1``: a batch of one) with hooks counting what :class:`Probe` holds."""
    calls: dict[str, list[int]] = {}
    sizes = [0]
    shared = _shared_parameters(model)

    def hook(name: str) -> Any:
        def record(module: Any, inputs: tuple, output: Any) -> None:
            if isinstance(output, torch.Tensor):
                sizes[0] += output.numel()
            if isinstance(module, torch.nn.Linear):
                calls.setdefault(name, []).append(inputs[0].ndim if inputs and isinstance(inputs[0], torch.Tensor) else 0)
        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules()]
    try:
        with torch.no_grad():
            out = _call(torch, model, params, buffers, x1)
    finally:
        for h in handles:
            h.remove()
    if not isinstance(out, torch.Tensor) or out.shape[:1] != (1,):
        raise UsageError("model: it must return a tensor with one row per input")
    dense = {}
    if dense_route:
        for name, module in model.named_modules():
            own = [f"{name}.{p}" if name else p for p, _ in module.named_parameters(recurse=False)]
            if (isinstance(module, torch.nn.Linear) and calls.get(name) == [2] and own
                    and all(q in params for q in own) and not shared.intersection(own)):
                dense[name] = (module.in_features, module.out_features, module.bias is not None)
    return Probe(int(out[0].numel()), max(sizes[0], int(x1.numel())), dense)


def _shared_parameters(model: Any) -> set[str]:
    """Names of parameters that one tensor holds under several names (tied weights)."""
    seen: dict[int, list[str]] = {}
    for name, p in model.named_parameters(remove_duplicate=False):
        seen.setdefault(id(p), []).append(name)
    return {n for names in seen.values() if len(names) > 1 for n in names}


def dense_factors(torch: Any, model: Any, params: dict, buffers: dict, x: Any,
                  layers: dict[str, tuple[int, int, bool]], outputs: int) -> dict[str, tuple[Any, Any]]:
    """Per qualifying layer: ``H`` (m x d_in) and ``D`` (m x C x d_out) for the chunk ``x``."""
    store: dict[str, list[Any]] = {}
    modules = dict(model.named_modules())

    def hook(name: str) -> Any:
        def record(module: Any, inputs: tuple, output: Any) -> None:
            if not output.requires_grad:  # the first such layer: a leaf of the graph from here on
                output.requires_grad_()
            store[name] = [inputs[0].detach(), output]
        return record

    handles = [modules[n].register_forward_hook(hook(n)) for n in layers]
    try:
        out = _call(torch, model, params, buffers, x).reshape(x.shape[0], -1)
    finally:
        for h in handles:
            h.remove()
    names = list(layers)
    zs = [store[n][1] for n in names]
    grads = {n: torch.zeros(x.shape[0], outputs, layers[n][1], dtype=x.dtype, device=x.device) for n in names}
    for c in range(outputs):
        got = torch.autograd.grad(out[:, c].sum(), zs, retain_graph=c < outputs - 1, allow_unused=True)
        for n, g in zip(names, got):
            if g is not None:
                grads[n][:, c] = g
    return {n: (store[n][0], grads[n]) for n in names}


def add_dense_gram(torch: Any, gram: np.ndarray, factors: dict[str, tuple[Any, Any]],
                   layers: dict[str, tuple[int, int, bool]], chunk: int, blocks: bool) -> None:
    """Add every dense layer's block to ``gram`` (P x P, or P x P x C x C with ``blocks``),
    a row block at a time, the lower block triangle computed and mirrored."""
    samples = gram.shape[0]
    for s in range(0, samples, chunk):
        e = min(s + chunk, samples)
        block = None
        for name, (h, d) in factors.items():
            hh = h[s:e] @ h[:e].T
            if layers[name][2]:
                hh = hh + 1.0
            if blocks:
                part = hh[:, :, None, None] * torch.einsum("icd,jed->ijce", d[s:e], d[:e])
            else:
                dd = d[s:e].reshape(e - s, -1) @ d[:e].reshape(e, -1).T
                part = hh * dd
            block = part if block is None else block + part
        if block is None:
            return
        values = block.double().cpu().numpy()
        gram[s:e, :e] += values
        mirrored = values[:, :s].swapaxes(0, 1)
        gram[:s, s:e] += mirrored.swapaxes(2, 3) if blocks else mirrored

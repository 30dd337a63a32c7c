"""Training the centred CNN on a vision task, lazy and rich, in PyTorch (theory §5).

The network, its parametrisation and its centring are in :mod:`.cnn_net`; the tasks and their
batches in :mod:`.vision`. S seeds train together (grouped convolutions), each on its own
batches: ``data="online"``, ``batch`` samples a step from the task's stream; ``"finite"``, the
member's own P training images in shuffled epochs. The loss is ``L = 1/2 mean_i |y_i - f_i|^2``
with centred one-hot targets; the test loss and the accuracy (``argmax f`` against the label)
are recorded on the held-out set at log-spaced steps.

Equal time (theory §2-§3, as the ReLU MLP study): every recorded step advances gradient-flow
time by the same ``eta`` for lazy and rich runs, so curves are compared at ``t = eta * steps``.
A rich network's kernel grows; :class:`~.substeps.SubstepClock` splits a unit of time into
sub-steps ``eta / n`` with ``eta / n <= safety * 2 / (factor lambda_max)`` of the current kernel
``K = H J J^T / G`` on a probe of G test images (power iteration, warm-started). The default
``eta`` is ``safety * 2 / (lambda_max (1 + tr K / (B lambda_max)))`` of the initial kernel (the
trace term, a Hutchinson estimate, only for minibatches).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import numpy as np

from ..config import CnnRun, fit_window_steps
from ..errors import UsageError
from ..resources import require_memory
from .arraylib import _import_torch
from .cnn_net import CnnNet, build_cnn, cnn_feature_size
from .loop import BlowUpGuard, run_loop
from .relu_mlp import _resolve_device
from .result import SimulationResult, log_spaced_steps
from .substeps import SubstepClock
from .threads import STEP_SMALL, fitted_threads
from .vision import TrainStream, VisionData, centred_onehot, load_task

__all__ = ["simulate_cnn", "run_cnn", "PROBE"]

#: test images of the kernel probe (power iteration for lambda_max, Hutchinson for the trace)
PROBE = 32
_POWER_FIRST, _POWER_WARM, _HUTCHINSON = 30, 6, 8
_CHUNK = 512  # images per evaluation pass


def check_cnn_memory(c: CnnRun, shape: tuple[int, ...], classes: int, images: int) -> None:
    """Parameters (theta_0, theta, gradient, a tangent: 4 copies), activations of a step (about 6
    copies of each layer, for ``max(batch, chunk)`` images), cached outputs and the data set."""
    size = 8 if c.dtype == "float64" else 4
    members, n = len(c.seeds), c.width
    features, _ = cnn_feature_size(shape, n, c.kernel_size, c.padding)
    k = c.kernel_size ** (1 if shape[1] == 1 else 2)
    params = members * (n * shape[0] * k + 2 * n * n * k + 8 * n * features + 8 * n * classes)
    pixels = int(np.prod(shape[1:]))
    acts = members * max(c.batch, _CHUNK) * (3 * n * pixels + 8 * n + features + classes) * 6
    require_memory(size * (4 * params + acts) + 4 * members * images * classes,
                   f"{members} seeds of a CNN of width {n} on {shape} images (batch {c.batch})",
                   "seeds, width or batch")


def simulate_cnn(*, progress: Callable[[int, int], object] | None = None, **options: Any) -> SimulationResult:
    """Train the centred CNN (module docstring); ``options`` are the fields of
    :class:`~scalingtool.config.CnnRun`, checked once by ``CnnRun.from_user``."""
    return run_cnn(CnnRun.from_user(**options), progress)


def run_cnn(config: CnnRun, progress: Callable[[int, int], object] | None = None,
            data: VisionData | None = None,
            observe_at: tuple[Sequence[int], Callable[[int, CnnNet], object]] | None = None) -> SimulationResult:
    """Train the network ``config`` describes on its task (or on ``data`` when given).

    ``observe_at = (steps, callback)``: ``callback(step, net)`` after each of those steps (0:
    before the first), with the network as it then is (e.g. its tangent kernel at
    ``net.point()``); the callback must not change it.

    Returns a :class:`SimulationResult` (``kind="cnn"``): ``loss`` the test loss,
    ``extra["accuracy"]`` the test accuracy, ``extra["kernel_top"]`` the kernel's top eigenvalue
    at the last estimate, and for finite data ``extra["train"]`` the loss on the member's P images.
    """
    started = time.perf_counter()
    torch = _import_torch()
    dev = _resolve_device(torch, config.device)
    data = load_task(config) if data is None else data
    features, after = cnn_feature_size(data.shape, config.width, config.kernel_size, config.padding)
    if features == 0:
        raise UsageError(f"images of {data.shape[1]} x {data.shape[2]} are too small for two pooled "
                         f"convolutions of kernel {config.kernel_size} with padding '{config.padding}': "
                         "use padding 'same' or a smaller kernel_size", field="padding")
    check_cnn_memory(config, data.shape, data.classes, len(data.y_train) + len(data.y_test))
    work = float(len(config.seeds) * config.batch * config.width * 3 * int(np.prod(data.shape[1:])))
    with fitted_threads(work, STEP_SMALL, torch):
        run = _Training(config, data, torch, dev)
        clock = run.clock()
        stepper = clock if observe_at is None else _Observed(clock, run.net, *observe_at)
        guard = BlowUpGuard(run.eta, label="kernel lambda_max", key="kernel_top",
                            advice=f" (default rule: lr = {run.eta_default:.3g})")
        rec = run_loop(stepper, run.observe, config.steps, log_spaced_steps(config.steps, config.record_per_decade),
                       guard, check_every=max(64, config.check_every), progress=progress)
    curves = rec.curves()
    empty = np.zeros((len(config.seeds), 0))
    window = fit_window_steps(None, config.steps)
    metadata = {**run.metadata(rec, clock), "fit_window": list(window), "elapsed_s": time.perf_counter() - started}
    extra = {name: curves.get(name, empty) for name in ("accuracy", "kernel_top", "train") if name in curves}
    return SimulationResult(kind="cnn", seeds=config.seeds, steps=np.array(rec.steps, dtype=np.int64),
                            loss=curves.get("loss", empty), floor=np.zeros(len(config.seeds)), lr=run.eta,
                            fit_window=window, measure="loss", extra=extra, metadata=metadata,
                            interrupted=rec.interrupted)


class _Observed:
    """The clock's step, calling ``callback(step, net)`` after each step of ``steps`` (and at 0 now)."""

    def __init__(self, clock: Callable[[], None], net: CnnNet, steps: Sequence[int],
                 callback: Callable[[int, CnnNet], object]) -> None:
        self.clock, self.net, self.wanted, self.callback, self.done = clock, net, set(int(s) for s in steps), callback, 0
        if 0 in self.wanted:
            callback(0, net)

    def __call__(self) -> None:
        self.clock()
        self.done += 1
        if self.done in self.wanted:
            self.callback(self.done, self.net)


class _Training:
    """One run: the network, the data on the device, the step size and the sub-step clock."""

    def __init__(self, config: CnnRun, data: VisionData, torch: Any, dev: str) -> None:
        c = self.c = config
        self.torch, self.dev, self.data = torch, dev, data
        self.net: CnnNet = build_cnn(c, data.shape, data.classes, device=dev)
        kw = self.kw = {"dtype": self.net.dtype, "device": dev}
        self.x_train = torch.as_tensor(data.x_train, **kw)
        self.y_train = torch.as_tensor(centred_onehot(data.y_train, data.classes), **kw)
        self.x_test = torch.as_tensor(data.x_test, **kw)
        self.y_test = torch.as_tensor(centred_onehot(data.y_test, data.classes), **kw)
        self.labels_test = torch.as_tensor(data.y_test, device=dev)
        self.stream = TrainStream(len(data.y_train), c.seeds, c.batch, c.samples if c.data == "finite" else None)
        self.g0_test = self._chunked(self.net.initial, self.x_test)
        self.g0_train = self._initial_train()
        self.x_probe = self.x_test[:PROBE]
        self.u = torch.randn((len(c.seeds), len(self.x_probe), data.classes),
                             generator=torch.Generator().manual_seed(0), dtype=self.net.dtype).to(dev)
        self._step_size()

    def _chunked(self, fn: Callable[[Any], Any], x: Any) -> Any:
        """``fn`` over shared inputs in chunks, joined along the batch: (S, n, classes)."""
        return self.torch.cat([fn(x[i: i + _CHUNK]) for i in range(0, len(x), _CHUNK)], dim=1)

    def _initial_train(self) -> Any | None:
        """``g(theta_0)`` on every training image when the run will see each at least once (else
        computed per batch): one forward pass over the set instead of one per step."""
        c = self.c
        if c.steps * c.batch < self.stream.size or self.net.lazy:
            return None
        if c.data == "online":
            return self._chunked(self.net.initial, self.x_train)
        out = self.torch.zeros((len(c.seeds), len(self.x_train), self.data.classes), **self.kw)
        for s, chosen in enumerate(self.stream.sets):
            index = self.torch.as_tensor(chosen, device=self.dev)
            out[s, index] = self._chunked(self.net.initial, self.x_train[index])[s]
        return out

    def top(self, iterations: int) -> np.ndarray:
        """``lambda_max(K / G)`` per member by power iteration on the probe, warm-started at ``u``."""
        torch = self.torch
        for _ in range(iterations):
            ku = self.net.kernel_apply(self.x_probe, self.u)
            norm = ku.flatten(1).norm(dim=1).clamp_min(1e-30)
            self.u = ku / norm[:, None, None]
        lam = (self.net.kernel_apply(self.x_probe, self.u) * self.u).flatten(1).sum(1)
        self.tops = lam.detach().cpu().numpy()
        return self.tops

    def _step_size(self) -> None:
        """``eta``: the user's, or ``safety * 2 / (lambda_max factor)`` of the initial kernel."""
        c, torch = self.c, self.torch
        top0 = self.top(_POWER_FIRST)
        gen = torch.Generator().manual_seed(1)
        samples = [self.net.pulled_norms(self.x_probe, (torch.randint(0, 2, self.u.shape, generator=gen) * 2 - 1)
                                         .to(**self.kw)) for _ in range(_HUTCHINSON)]
        trace = torch.stack(samples).mean(0).detach().cpu().numpy()
        self.trace_ratio = float(np.max(trace / top0))
        full_batch = c.data == "finite" and c.batch == c.samples
        self.factor = 1.0 if full_batch else 1.0 + self.trace_ratio / c.batch
        self.top0 = top0
        self.eta_default = float(c.safety) * 2.0 / (float(np.max(top0)) * self.factor)
        self.eta = self.eta_default if c.lr is None else float(c.lr)

    def clock(self) -> SubstepClock:
        c = self.c
        top = None if self.net.lazy else (lambda: float(np.max(self.top(_POWER_WARM))))
        self.calls = SubstepClock(self.eta, float(c.safety), c.max_substeps, self.substep, top,
                                  every=c.check_every, factor=self.factor)
        return self.calls

    def substep(self, step_lr: float) -> None:
        idx = self.torch.as_tensor(self.stream.next(), device=self.dev)  # (S, B)
        x = self.x_train[idx.T]  # (B, S, C, H, W): member s's batch in column s
        y = self.y_train[idx]
        g0 = None
        if self.g0_train is not None:
            g0 = self.g0_train.gather(1, idx[..., None].expand(-1, -1, self.data.classes))
        self.net.step(x, y, step_lr, g0)

    def _loss_accuracy(self, x: Any, y: Any, g0: Any, labels: Any | None) -> tuple[np.ndarray, np.ndarray]:
        with self.torch.no_grad():
            f = self.net.output(x, g0) if x.dim() == 5 else self._chunked_output(x, g0)
            loss = 0.5 * ((y - f) ** 2).sum(-1).mean(1)
            acc = (f.argmax(-1) == labels).to(f.dtype).mean(1) if labels is not None else loss * np.nan
        return loss.cpu().numpy(), acc.cpu().numpy()

    def _chunked_output(self, x: Any, g0: Any) -> Any:
        parts = [self.net.output(x[i: i + _CHUNK], g0[:, i: i + _CHUNK]) for i in range(0, len(x), _CHUNK)]
        return self.torch.cat(parts, dim=1)

    def observe(self) -> dict[str, np.ndarray]:
        """Test loss and accuracy (and, for finite data, the loss on each member's P images)."""
        loss, acc = self._loss_accuracy(self.x_test, self.y_test, self.g0_test, self.labels_test)
        obs = {"loss": loss, "accuracy": acc, "kernel_top": np.asarray(self.tops)}
        if self.c.data == "finite":
            idx = self.torch.as_tensor(np.stack(self.stream.sets), device=self.dev)
            train = []
            for i in range(0, idx.shape[1], _CHUNK):
                part = idx[:, i: i + _CHUNK]
                g0 = None if self.g0_train is None else self.g0_train.gather(
                    1, part[..., None].expand(-1, -1, self.data.classes))
                train.append(self._loss_accuracy(self.x_train[part.T], self.y_train[part], g0, None)[0]
                             * part.shape[1])
            obs["train"] = np.sum(train, axis=0) / idx.shape[1]
        return obs

    def metadata(self, rec: Any, clock: SubstepClock) -> dict[str, Any]:
        c, net = self.c, self.net
        return {
            "model": "centred CNN (conv-pool-conv-pool-dense-readout, theory §5)", "task": c.task,
            "source": self.data.source, "shape": list(self.data.shape), "classes": self.data.classes,
            "train_images": self.stream.size, "test_images": len(self.data.y_test), "data": c.data,
            "batch": c.batch, "samples": c.samples, "epochs": self.stream.epochs(), "width": c.width,
            "hidden": net.hidden, "kernel_size": c.kernel_size, "pooling": c.pooling, "padding": c.padding,
            "dims": net.dims, "param": c.param, "gamma0": float(c.gamma0), "gamma": net.gamma,
            "training": "lazy" if net.lazy else "rich", "steps": c.steps,
            "steps_done": rec.steps[-1] if rec.steps else 0, "lr": self.eta,
            "lr_source": "user" if c.lr is not None else "default", "lr_default": self.eta_default,
            "ntk_top_eigenvalue": float(np.max(self.top0)), "trace_ratio": self.trace_ratio, "sgd_factor": self.factor,
            "substeps_total": clock.substeps_total, "substeps_max": clock.substeps_max,
            "time_unit": "each step advances gradient-flow time by lr (rich: split into sub-steps)",
            "seeds": list(c.seeds), "backend": "torch", "device": self.dev, "dtype": c.dtype, "measure": "loss",
        }

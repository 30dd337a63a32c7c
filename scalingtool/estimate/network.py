"""alpha and beta of the CNN on a vision task from its own tangent kernel (theory §5, §6).

For a :class:`~scalingtool.config.CnnRun` (task, width, kernel, pooling, padding, seed),
:func:`network_kernel` builds member 0 of the centred CNN at initialisation as a plain module
(:func:`~scalingtool.simulate.cnn_member.member_module`) and takes its empirical tangent kernel
on the first P training images, on the simulator's scale ``K = H J J^T`` traced over the C
outputs (:func:`~.ntk.empirical_ntk`: ``K_ij = (H/C) sum_c <dg_c(x_i), dg_c(x_j)>``). The
target is the centred one-hot matrix ``y_ic = 1[label_i = c] - 1/C`` (P x C), its power per
eigenmode summed over columns. :func:`estimate_network` reads ``alpha`` (eigenvalue decay
``lambda_k ~ k^-alpha``) and ``beta`` (target power ``p_k ~ k^-(alpha beta + 1)``) off them
with bootstrap intervals and the theory §3 lazy and rich exponents they predict
(:func:`~.estimator.estimate_gram`). :func:`spectrum_alignment` gives the kernel's spectrum and
the target's cumulative power on its top eigenvectors ``A(k) = sum_{m<=k} |v_m . y|^2 / |y|^2``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..config import CnnRun
from ..errors import UsageError
from ..resources import memory_budget
from .deps import require_torch
from .estimator import Estimate, estimate_gram
from .ntk import empirical_ntk, ntk_gram
from .sources import MIN_SAMPLES

#: the vision tasks' extra (the message of :mod:`scalingtool.simulate.vision`, which needs torch to import)
VISION_MISSING = "the CNN's NTK on a vision task needs the vision extra: pip install 'scalingtool[vision]'"

#: the held-out images of a user's data set when it has enough (CnnRun's default test set)
_HELD_OUT = 1000

__all__ = ["network_task", "network_kernel", "estimate_network", "spectrum_alignment", "cnn_config"]


def cnn_config(task: str, samples: int, *, path: str | None = None, width: int = 16, kernel_size: int = 3,
               seed: int = 0, float64: bool = False) -> CnnRun:
    """The CnnRun of one network on ``task`` whose first ``samples`` training images are used
    (online for a generated task, else a finite set of that size), checked once.

    The kernel needs no held-out images: a user's images (``npz``, ``folder``) hold out the
    default 1000 where they have ``samples + 1000``, else those beyond ``samples`` (at least
    one). The training images are a fixed permutation's first ones
    (:func:`~scalingtool.simulate.vision.data.split_test`), so the first ``samples`` are the
    same images whatever is held out."""
    data = "online" if task == "mnist1d" else "finite"
    test = {}
    if task in ("npz", "folder") and path is not None:
        # deferred: the image readers load only when a network is estimated on a user's images
        from ..simulate.vision import check_folder, check_npz

        images = check_npz(path)[1][0] if task == "npz" else check_folder(path)
        test["test_samples"] = max(1, min(_HELD_OUT, images - samples))
    return CnnRun.from_user(task=task, path=path, width=width, kernel_size=kernel_size, seeds=(seed,), data=data,
                            samples=None if data == "online" else samples, batch=min(64, samples),
                            dtype="float64" if float64 else "float32", **test)


def network_kernel(net: Any, x: Any, *, member: int = 0, limit_bytes: float | None = None,
                   blocks: bool = False) -> np.ndarray:
    """``H`` times :func:`~.ntk.empirical_ntk` of member ``member`` of ``net`` at ``net.point()``
    on the images ``x`` (a tensor (P, C, H, W)): the simulator's kernel scale."""
    k = empirical_ntk(_member(net, member), x, limit_bytes=limit_bytes, dtype=net.dtype, device=str(net.device), blocks=blocks)
    return k * net.hidden


def network_task(config: CnnRun, samples: int, max_memory: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(K, y)``: the initial kernel of the config's first seed on the first ``samples``
    training images of its task, and their centred one-hot target (P x C)."""
    torch = _torch()
    # deferred: the simulator and the vision tasks (torch) load only when a network is estimated
    from ..simulate.cnn_net import build_cnn, cnn_feature_size
    from ..simulate.vision import centred_onehot, load_task

    if samples < MIN_SAMPLES:
        raise UsageError(f"samples = {samples}: at least {MIN_SAMPLES} images are needed", field="samples")
    data = load_task(config)
    if samples > len(data.y_train):
        raise UsageError(f"samples = {samples} is out of range: task '{config.task}' has {len(data.y_train)} "
                         f"training images; expected at most {len(data.y_train)}", field="samples")
    if cnn_feature_size(data.shape, config.width, config.kernel_size, config.padding)[0] == 0:
        raise UsageError(f"images of {data.shape[1]} x {data.shape[2]} are too small for two pooled convolutions "
                         f"of kernel {config.kernel_size} with padding '{config.padding}'", field="kernel_size")
    net = build_cnn(config, data.shape, data.classes, seeds=config.seeds[:1])
    x = torch.as_tensor(data.x_train[:samples], dtype=net.dtype)
    limit = memory_budget() if max_memory is None else max_memory
    k = ntk_gram(_member(net, 0), x, limit, float64=config.dtype == "float64") * net.hidden
    return k, centred_onehot(data.y_train[:samples], data.classes).astype(float)


def _member(net: Any, member: int) -> Any:
    """Member ``member`` of ``net`` as a module (:func:`~scalingtool.simulate.cnn_member.member_module`)."""
    # deferred: the simulator (torch) loads only when a network's kernel is taken
    from ..simulate.cnn_member import member_module

    return member_module(net, member)


def _torch() -> Any:
    """torch, or one line naming the extra that brings the vision tasks and their network."""
    try:
        return require_torch()
    except UsageError:
        raise UsageError(VISION_MISSING) from None


def estimate_network(config: CnnRun, samples: int, *, window: str = "auto", replicates: int = 200, seed: int = 0,
                     dynamics: str = "sgd", max_memory: float | None = None,
                     progress: Callable[[int, int], object] | None = None) -> Estimate:
    """alpha, beta (bootstrap intervals), the regime and the predicted lazy and rich exponents
    of the network ``config`` describes, from its initial kernel on ``samples`` images."""
    k, y = network_task(config, samples, max_memory)
    eps = float(np.finfo(np.float64 if config.dtype == "float64" else np.float32).eps)
    source = (f"CNN (width {config.width}, kernel {config.kernel_size}, seed {config.seeds[0]}) on "
              f"{config.task} (NTK)")
    return estimate_gram(k, y, source, window, replicates, seed, dynamics, eps, progress)


def spectrum_alignment(k: np.ndarray, y: np.ndarray, ks: Sequence[int]) -> tuple[np.ndarray, list[float]]:
    """The eigenvalues of ``k`` (descending) and the target's cumulative power fraction on the
    top ``k`` eigenvectors for each ``k`` of ``ks`` (columns of ``y`` summed)."""
    lam, vec = np.linalg.eigh(0.5 * (k + k.T))
    lam, vec = lam[::-1], vec[:, ::-1]
    y2 = np.asarray(y, float).reshape(len(y), -1)
    power = np.sum((vec.T @ y2) ** 2, axis=1)
    total = float(np.sum(y2 * y2))
    cumulative = np.cumsum(power) / total if total > 0 else np.zeros_like(power)
    return lam, [float(cumulative[min(int(m), len(lam)) - 1]) for m in ks]

"""Speed of ``scalingtool estimate`` against what a user would otherwise write.

1. Features, P = 4000 samples, M = 8000 (theory §1 Gaussian task, alpha 1.5, beta 0.5),
   200 bootstrap replicates: scalingtool, as ``scalingtool estimate --features`` runs it (the
   kernel ``X X^T / M``, one decomposition, replicates in the top 2 P/10 modes, one per core
   side by side) against the textbook bootstrap (resample the samples, ``numpy.linalg.eigh`` of
   the P x P resampled kernel, NumPy's default threads), timed on a few replicates and scaled
   to 200.
2. Empirical NTK Gram of a width-1024 two-layer ReLU MLP on 2000 digits inputs (the 1797
   digits and 203 of them again, slightly shifted): scalingtool's ``ntk_gram``
   (``torch.func`` ``vmap(jacrev)`` per chunk, ``K = J J^T``) against a per-sample
   ``torch.autograd.grad`` loop, timed on 100 samples and scaled.

Run: ``PYTHONPATH=. python benchmarks/bench_estimate.py [--replicates 200] [--naive-replicates 2]
[--threads T] [--skip-ntk]`` (fewer ``--replicates`` are timed and scaled to 200).
"""

from __future__ import annotations

import argparse
import os
import time


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def bench_features(naive_replicates: int, replicates: int) -> None:
    import numpy as np

    from scalingtool.estimate.bootstrap import default_threads
    from scalingtool.estimate.estimator import estimate_spectrum, keep_modes
    from scalingtool.estimate.kernels import feature_gram
    from scalingtool.estimate.spectrum import decompose
    from scalingtool.estimate.synthetic import gaussian_task

    x, y = gaussian_task(1.5, 0.5, 4000, 4000, seed=0, tail=True)  # 4000 + 4000 tail features
    start = time.perf_counter()
    k = feature_gram(x, 1e12)
    kernel = time.perf_counter() - start
    start = time.perf_counter()
    spec = decompose(k.copy(), y, *keep_modes(4000, None))
    decomposition = time.perf_counter() - start
    print(f"features P=4000 M=8000 set-up: kernel {kernel:.1f} s, decomposition "
          f"(top {spec.size} modes kept, {spec.phi.shape[1]} with sample coordinates) {decomposition:.1f} s ({_load()})", flush=True)
    start = time.perf_counter()
    estimate_spectrum(spec, "bench", replicates=0)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    e = estimate_spectrum(spec, "bench", replicates=replicates, seed=0)
    per_rep = max(time.perf_counter() - start - fit, 0.0) / max(replicates, 1)
    ours = kernel + decomposition + fit + 200 * per_rep
    print(f"features P=4000 M=8000: {per_rep:.3f} s per replicate (from {replicates}, {default_threads()} "
          f"threads side by side; {_load()})", flush=True)
    rng = np.random.default_rng(0)
    k /= 4000
    start = time.perf_counter()
    for _ in range(naive_replicates):
        idx = rng.integers(0, 4000, 4000)
        np.linalg.eigh(k[np.ix_(idx, idx)])
    per = (time.perf_counter() - start) / naive_replicates
    naive = per * 200
    print(f"features P=4000 M=8000, 200 replicates: scalingtool {ours:.1f} s (alpha {e.alpha[0]:.3f} "
          f"[{e.alpha[1][0]:.3f}, {e.alpha[1][1]:.3f}], beta {e.beta[0]:.3f} [{e.beta[1][0]:.3f}, "
          f"{e.beta[1][1]:.3f}]); textbook full-eigh bootstrap {naive:.0f} s ({per:.1f} s per replicate, "
          f"from {naive_replicates}); ratio {naive / ours:.1f}x ({_load()})", flush=True)


def bench_ntk() -> None:
    import torch

    from scalingtool.estimate.digits import load_digits, two_layer_mlp
    from scalingtool.estimate.ntk import ntk_gram

    x, _ = load_digits()
    x = torch.as_tensor(x, dtype=torch.float32)
    x = torch.cat([x, x[:203] + 0.01 * torch.randn(203, x.shape[1])])[:2000]
    model = two_layer_mlp(64, 1024)
    start = time.perf_counter()
    gram = ntk_gram(model, x, 16 * 2**30)
    ours = time.perf_counter() - start
    params = list(model.parameters())
    start = time.perf_counter()  # the textbook way: one backward pass per sample, then J J^T
    rows = []
    for i in range(x.shape[0]):
        grads = torch.autograd.grad(model(x[i:i + 1]).sum(), params)
        rows.append(torch.cat([g.reshape(-1) for g in grads]))
    jac = torch.stack(rows)
    naive_gram = (jac @ jac.T).double()
    naive = time.perf_counter() - start
    check = float((naive_gram - torch.as_tensor(gram)).abs().max() / naive_gram.abs().max())
    print(f"NTK Gram, width-1024 MLP on 2000 digits: scalingtool {ours:.1f} s; naive per-sample autograd "
          f"and J J^T {naive:.1f} s; ratio {naive / ours:.1f}x; max relative difference {check:.1e}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-replicates", type=int, default=2)
    parser.add_argument("--replicates", type=int, default=200,
                        help="replicates timed (the total is scaled to 200)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-ntk", action="store_true", help="time the features part only")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    print(f"cores: os.cpu_count() = {os.cpu_count()}; {_load()}", flush=True)
    bench_features(args.naive_replicates, args.replicates)
    if not args.skip_ntk:
        bench_ntk()


if __name__ == "__main__":
    main()

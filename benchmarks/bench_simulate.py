"""Steps per second of the linear simulator against a naive PyTorch implementation.

Same network (theory §1: f = a^T B A psi / N, A frozen, rates eta N for a and eta gamma0^2
for B), same task (alpha = 2, beta = 1/2), online SGD with batch 64, N = 512, M = 8192,
float64, in the same run:

* scalingtool: ``simulate_linear(..., batch=64, path="fast")`` -- (h, y) drawn jointly in
  R^(N+1) from one Cholesky factor, O(N^2) per sample (NumPy, and torch on the CPU);
* naive: an ``nn.Module`` holding A (N x M), drawing psi in R^M each step, autograd and
  ``torch.optim.SGD`` with one parameter group per learning rate -- O(N M) per sample.

The loop rate is timed from the progress callback (set-up, i.e. drawing A and factoring
the covariance, is reported separately), in wall-clock and in CPU seconds (on a shared,
busy machine the CPU-time rate of a one-thread run is the steadier figure). The two
scalingtool backends run interleaved (numpy, torch, numpy, ...) and their ratio is printed:
the goal is torch at least as fast as NumPy on the CPU. With CUDA present the GPU figures
are added. Run: ``python benchmarks/bench_simulate.py [--steps 200] [--repeats 3]
[--threads T] [--no-naive]``; ``--threads`` pins the BLAS and torch thread counts for both
sides (on a busy machine multi-threaded BLAS can be 10x slower on these small products:
compare like with like); ``--no-naive`` times only the two backends.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time

ALPHA, BETA, GAMMA0 = 2.0, 0.5, 1.0
WIDTH, MODES, BATCH, LR = 512, 8192, 64, 0.01


def time_scalingtool(steps: int, backend: str, device: str) -> tuple[float, float, float]:
    """(loop steps per second, set-up seconds, loop steps per CPU second) of one run."""
    stamps: dict[int, tuple[float, float]] = {}

    def progress(done: int, total: int) -> None:
        stamps.setdefault(done, (time.perf_counter(), time.process_time()))

    from scalingtool.simulate import simulate_linear

    start = time.perf_counter()
    simulate_linear(ALPHA, BETA, GAMMA0, width=WIDTH, steps=steps, batch=BATCH, lr=LR, seeds=1,
                    backend=backend, device=device, path="fast", M=MODES, tail="truncated",
                    progress=progress)
    end = (time.perf_counter(), time.process_time())  # the final observation ends the loop
    first = stamps[0]
    return steps / (end[0] - first[0]), first[0] - start, steps / (end[1] - first[1])


def time_naive(steps: int, device: str, dtype_name: str = "float64") -> float:
    """Steps per second of the textbook PyTorch version on explicit M-dimensional features."""
    import torch
    from torch import nn

    dtype = getattr(torch, dtype_name)
    k = torch.arange(1, MODES + 1, dtype=dtype, device=device)
    sqrt_lam = k ** (-ALPHA / 2)
    w_star = torch.sqrt(k ** (ALPHA - ALPHA * BETA - 1.0))

    class Projected(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("A", torch.randn(WIDTH, MODES, dtype=dtype, device=device))
            self.B = nn.Parameter(torch.eye(WIDTH, dtype=dtype, device=device))
            self.a = nn.Parameter(torch.zeros(WIDTH, dtype=dtype, device=device))

        def forward(self, psi: torch.Tensor) -> torch.Tensor:
            return (psi @ self.A.T) @ self.B.T @ self.a / WIDTH

    model = Projected()
    opt = torch.optim.SGD([{"params": [model.a], "lr": LR * WIDTH},
                           {"params": [model.B], "lr": LR * GAMMA0**2}])

    def step() -> None:
        psi = torch.randn(BATCH, MODES, dtype=dtype, device=device) * sqrt_lam
        loss = 0.5 * ((psi @ w_star - model(psi)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - start)


def best(values: list[float]) -> float:
    """Report the median of the repeats (a busy neighbour process only ever slows a run down)."""
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS/OpenMP/torch threads for both sides (default: the libraries' own)")
    parser.add_argument("--no-naive", action="store_true", help="time only scalingtool's two backends")
    args = parser.parse_args()
    if args.threads is not None:
        if "numpy" in sys.modules:
            raise SystemExit("--threads must be set before NumPy is imported")
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    try:
        import torch
    except ImportError:
        raise SystemExit("this benchmark compares against PyTorch: pip install 'scalingtool[torch]'")
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    print(f"online SGD, N={WIDTH}, M={MODES}, batch={BATCH}, float64, {args.steps} steps, "
          f"median of {args.repeats}; torch {torch.__version__}, {torch.get_num_threads()} CPU threads; "
          f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    ours_np, ours_t = [], []
    for _ in range(args.repeats):  # interleaved: a busy neighbour slows both alike
        ours_np.append(time_scalingtool(args.steps, "numpy", "cpu"))
        ours_t.append(time_scalingtool(args.steps, "torch", "cpu"))
    rows = [("scalingtool numpy (fast path)", best([r[0] for r in ours_np]), best([r[1] for r in ours_np]),
             best([r[2] for r in ours_np])),
            ("scalingtool torch cpu (fast path)", best([r[0] for r in ours_t]), best([r[1] for r in ours_t]),
             best([r[2] for r in ours_t]))]
    naive = naive32 = math.nan
    if not args.no_naive:
        naive = best([time_naive(args.steps, "cpu") for _ in range(args.repeats)])
        rows.append(("naive torch cpu (nn.Module + SGD)", naive, math.nan, math.nan))
        naive32 = best([time_naive(args.steps, "cpu", "float32") for _ in range(args.repeats)])
        rows.append(("naive torch cpu, float32", naive32, math.nan, math.nan))
    if torch.cuda.is_available():
        ours_g = [time_scalingtool(args.steps, "torch", "cuda") for _ in range(args.repeats)]
        rows.append(("scalingtool torch cuda (fast path)", best([r[0] for r in ours_g]),
                     best([r[1] for r in ours_g]), math.nan))
        if not args.no_naive:
            rows.append(("naive torch cuda", best([time_naive(args.steps, "cuda") for _ in range(args.repeats)]),
                         math.nan, math.nan))
    for name, rate, setup, cpu_rate in rows:
        extra = f"   ({cpu_rate:.1f} per CPU second)" if math.isfinite(cpu_rate) else ""
        extra += f"   (set-up {setup:.2f} s)" if math.isfinite(setup) else ""
        print(f"  {name:38s} {rate:9.1f} steps/s{extra}")
    wall = rows[1][1] / rows[0][1]
    cpu = rows[1][3] / rows[0][3]
    paired = statistics.median(t[0] / n[0] for t, n in zip(ours_t, ours_np))
    print(f"ratio torch / numpy (CPU, float64): {wall:.2f}x wall-clock (median of paired runs {paired:.2f}x), "
          f"{cpu:.2f}x per CPU second; goal >= 1: {'met' if min(wall, cpu) >= 1.0 else 'NOT met'}")
    if not args.no_naive:
        ours = max(rows[0][1], rows[1][1])
        print(f"ratio scalingtool / naive (CPU, float64): {ours / naive:.1f}x  "
              f"(numpy {rows[0][1] / naive:.1f}x, torch {rows[1][1] / naive:.1f}x; "
              f"vs naive float32: {ours / naive32:.1f}x)")
        if torch.cuda.is_available():
            print(f"ratio scalingtool / naive (CUDA, float64): {rows[-2][1] / rows[-1][1]:.1f}x")


if __name__ == "__main__":
    main()

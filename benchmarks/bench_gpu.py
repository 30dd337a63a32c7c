"""The GPU figures, in one run: the simulators' steps per second and the NTK Gram on CUDA.

Prepared for a machine with a CUDA device; without one it says so and exits 0. It records:

1. the ReLU MLP on the circle (theory §5, ``CircleMLP.step``: full-batch GD on 512 grid
   angles, 3 seeds batched), depth 1 and 3, widths 1024-8192, float64 and float32, on CUDA,
   with the CPU figure at width 1024 beside it;
2. the linear simulator (online SGD, N = 512, M = 8192, batch 64: ``bench_simulate``'s
   set-up) on CUDA against the naive ``nn.Module`` loop on CUDA;
3. the empirical NTK Gram of a width-1024 two-layer MLP on 2000 digits inputs on CUDA
   (``ntk_gram``, float32 and float64);
4. with ``--study``, one lazy/rich pair of the ReLU study beyond what the CPU reaches (online
   SGD, gamma0 = 0 and 1): by default the depth-3 network on the beta = 1/4 target at width
   1024 (the CPU measured it at width 256 to t ~ 8e2: rich ahead by 0.09, 60% of the theory's
   gain; does the gain grow with width?); ``--study-depth 1 --study-beta 1/2`` for the
   two-layer network. The late time exponents, their paired difference and the sub-steps.

Every figure goes to ``--out`` as JSON (default ``$OUT/gpu_figures.json`` when ``OUT`` is
set) and is printed as it is measured. Run:
``python benchmarks/bench_gpu.py [--widths 1024 2048 4096 8192] [--study] [--device cuda]``
(``--device cpu`` with small ``--widths`` checks the script itself on a machine without a GPU).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _sync(torch, device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def mlp_steps_per_second(torch, device: str, depth: int, width: int, dtype: str, seconds: float = 2.0) -> float:
    """Full-batch steps per second of ``CircleMLP.step`` (timed for about ``seconds``)."""
    from scalingtool.simulate.circle_mlp import CircleMLP, draw_initial

    seeds, points = [0, 1, 2], 512
    weights, _ = draw_initial(seeds, depth, width, 8)
    net = CircleMLP(weights, 1.0, device=device, dtype=dtype)
    theta = 2 * math.pi * torch.arange(points, dtype=net.dtype, device=device) / points
    x = torch.stack([torch.cos(theta), torch.sin(theta)], -1).expand(len(seeds), points, 2).contiguous()
    y = torch.stack([torch.cos(3 * theta + s) for s in seeds])
    g0 = net.initial(x)
    net.step(x, y, 0.01, g0)
    _sync(torch, device)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or steps < 3:
        net.step(x, y, 0.01, g0)
        steps += 1
        if steps % 10 == 0:
            _sync(torch, device)
    _sync(torch, device)
    return steps / (time.perf_counter() - start)


def ntk_seconds(torch, device: str, float64: bool) -> float:
    from scalingtool.estimate.digits import load_digits, two_layer_mlp
    from scalingtool.estimate.ntk import ntk_gram

    x, _ = load_digits()
    x = torch.as_tensor(x, dtype=torch.float32)
    x = torch.cat([x, x[:203] + 0.01 * torch.randn(203, x.shape[1])])[:2000]
    model = two_layer_mlp(64, 1024)
    start = time.perf_counter()
    ntk_gram(model, x, 64 * 2**30, device=device, float64=float64)
    return time.perf_counter() - start


def study_pair(device: str, depth: int, beta: str, width: int, steps: int) -> dict:
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp
    from scalingtool.simulate.slope import late_exponents, paired_difference

    out: dict = {"depth": depth, "beta": beta, "width": width, "steps": steps}
    for gamma0 in (0.0, 1.0):
        start = time.perf_counter()
        r = simulate_relu_mlp(beta, gamma0, depth=depth, width=width, data="online", batch=64, steps=steps,
                              modes=256, seeds=3, kernel_points=512, max_substeps=4096, device=device).completed()
        t = np.asarray(r.time, float)
        late, early = late_exponents(t, r.loss, float(t[-1]))
        out["rich" if gamma0 else "lazy"] = {"late": late.tolist(), "earlier": early.tolist(),
                                            "t_end": float(t[-1]), "loss_end": float(np.mean(r.loss[:, -1])),
                                            "substeps_max": r.metadata["substeps_max"],
                                            "seconds": time.perf_counter() - start}
    out["rich_minus_lazy"], out["rich_minus_lazy_se"] = paired_difference(out["rich"]["late"], out["lazy"]["late"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[1024, 2048, 4096, 8192])
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--study", action="store_true", help="also run one lazy/rich pair of the ReLU study")
    parser.add_argument("--study-depth", type=int, default=3)
    parser.add_argument("--study-beta", default="1/4")
    parser.add_argument("--study-width", type=int, default=1024)
    parser.add_argument("--study-steps", type=int, default=2000)
    parser.add_argument("--out", default=None, help="JSON file (default $OUT/gpu_figures.json)")
    args = parser.parse_args()
    import torch

    device = args.device
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to measure (use --device cpu to check the script)")
        return
    out_path = args.out or (os.path.join(os.environ["OUT"], "gpu_figures.json") if os.environ.get("OUT") else None)
    figures: dict = {"device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
                     "torch": torch.__version__, "cpu_count": os.cpu_count(), "mlp": [], "linear": {}, "ntk": {}}

    def save() -> None:
        if out_path:
            Path(out_path).write_text(json.dumps(figures, indent=2))

    print(f"device {figures['device']}; torch {torch.__version__}; cpu_count {os.cpu_count()}", flush=True)
    cpu_ref = {depth: mlp_steps_per_second(torch, "cpu", depth, min(args.widths), "float64", 1.0) for depth in (1, 3)}
    for depth in (1, 3):
        for width in args.widths:
            for dtype in ("float64", "float32"):
                rate = mlp_steps_per_second(torch, device, depth, width, dtype)
                row = {"depth": depth, "width": width, "dtype": dtype, "steps_per_s": rate}
                if width == min(args.widths) and dtype == "float64":
                    row["cpu_steps_per_s"] = cpu_ref[depth]
                figures["mlp"].append(row)
                print(f"ReLU MLP depth {depth} width {width} {dtype}: {rate:.1f} steps/s"
                      + (f" (CPU {cpu_ref[depth]:.1f})" if "cpu_steps_per_s" in row else ""), flush=True)
                save()
    from bench_simulate import time_naive, time_scalingtool

    ours, setup = time_scalingtool(200, "torch", device)
    naive = time_naive(200, device)
    figures["linear"] = {"steps_per_s": ours, "setup_s": setup, "naive_steps_per_s": naive, "ratio": ours / naive}
    print(f"linear simulator: {ours:.1f} steps/s against the naive loop's {naive:.1f} ({ours / naive:.1f}x)", flush=True)
    save()
    for float64 in (False, True):
        seconds = ntk_seconds(torch, device, float64)
        figures["ntk"]["float64" if float64 else "float32"] = seconds
        print(f"NTK Gram, width-1024 MLP on 2000 digits, {'float64' if float64 else 'float32'}: {seconds:.2f} s",
              flush=True)
        save()
    if args.study:
        study = study_pair(device, args.study_depth, args.study_beta, args.study_width, args.study_steps)
        figures["study"] = study
        for training in ("lazy", "rich"):
            row = study[training]
            print(f"study depth {args.study_depth} beta {args.study_beta} width {args.study_width}, {training}: "
                  f"late exponents {np.round(row['late'], 3).tolist()} over t to {row['t_end']:.3g} "
                  f"(up to {row['substeps_max']} sub-steps a unit, {row['seconds']:.0f} s)", flush=True)
        print(f"study: rich - lazy {study['rich_minus_lazy']:+.3f} +- {study['rich_minus_lazy_se']:.3f} (paired)",
              flush=True)
        save()


if __name__ == "__main__":
    main()

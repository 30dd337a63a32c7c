"""The empirical NTK of the CNN (theory §6) two ways, side by side: time and peak memory.

The network: conv3x3 (N) -> ReLU -> avgpool2 -> conv3x3 (2N) -> ReLU -> avgpool2 -> dense (8N)
-> ReLU -> readout (C) on 8 x 8 images, float32. Two ways to its P x P kernel (traced over the
C outputs):

* scalingtool's ``empirical_ntk``: the dense layers by ``(H H^T) o (D D^T)`` (no per-sample
  Jacobian), the convolutions by per-sample Jacobians a chunk at a time;
* stacking every per-sample Jacobian (``vmap(jacrev)`` over all P samples and all parameters,
  a P x C n matrix J) and ``J J^T / C``: what one writes first.

Each (way, P) runs in a fresh process; peak memory is that process's peak resident size less
its size just before the kernel (``ru_maxrss``). Also printed: the largest P whose kernel fits
4 GiB by each way's memory model (the chunked one: :mod:`scalingtool.estimate.ntk_memory`; the
stacked one: ``4 P C n + 8 P^2``, J and the result alone), and the chunked model's prediction
next to the measured peak. Example:

    python benchmarks/bench_ntk.py --width 8 --outputs 10 --samples 250 500 1000 --threads 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

LIMIT = 4 * 2**30


def network(torch, width: int, outputs: int):
    nn, F = torch.nn, torch.nn.functional

    class CNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, width, 3, padding=1)
            self.conv2 = nn.Conv2d(width, 2 * width, 3, padding=1)
            self.dense = nn.Linear(8 * width, 8 * width)
            self.readout = nn.Linear(8 * width, outputs)

        def forward(self, x):
            h = F.avg_pool2d(torch.relu(self.conv1(x)), 2)
            h = F.avg_pool2d(torch.relu(self.conv2(h)), 2)
            return self.readout(torch.relu(self.dense(h.flatten(1)))) / width

    torch.manual_seed(0)
    return CNN()


def stacked(torch, model, x):
    from torch.func import functional_call, jacrev, vmap

    params = {n: p.detach() for n, p in model.named_parameters()}
    jac = vmap(jacrev(lambda p, xi: functional_call(model, p, (xi[None],)).reshape(-1)), in_dims=(None, 0))(params, x)
    j = torch.cat([jac[n].reshape(x.shape[0], -1) for n in params], dim=1)
    return (j @ j.T).double().numpy() / jac[next(iter(params))].shape[1]


def child(way: str, width: int, outputs: int, samples: int, threads: int) -> None:
    import resource

    import torch

    from scalingtool.estimate.ntk import empirical_ntk

    torch.set_num_threads(threads)
    model = network(torch, width, outputs)
    x = torch.randn(samples, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    k = empirical_ntk(model, x, limit_bytes=LIMIT) if way == "chunked" else stacked(torch, model, x)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(json.dumps({"seconds": seconds, "peak": peak, "trace": float(k.trace())}))


def models(width: int, outputs: int) -> tuple:
    import torch

    from scalingtool.estimate import ntk_memory
    from scalingtool.estimate.ntk_dense import probe

    model = network(torch, width, outputs)
    params = {n: p.detach() for n, p in model.named_parameters()}
    pr = probe(torch, model, params, {}, torch.zeros(1, 1, 8, 8), True)
    n = sum(p.numel() for p in params.values())
    conv = sum(p.numel() for k, p in params.items() if k.startswith("conv"))
    f = ntk_memory.Footprint(pr.outputs, pr.activations, conv, tuple((d, e) for d, e, _ in pr.dense.values()), 4)
    return f, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--outputs", type=int, default=10)
    ap.add_argument("--samples", type=int, nargs="+", default=[250, 500, 1000])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--child", nargs=5)
    args = ap.parse_args()
    if args.child:
        way, *rest = args.child
        child(way, *map(int, rest))
        return
    from scalingtool.estimate import ntk_memory

    f, n = models(args.width, args.outputs)
    c = args.outputs
    print(f"CNN N = {args.width}, C = {c}, {n} parameters ({f.jacobian_params} in convolutions), float32; "
          f"{args.threads} thread(s), {os.cpu_count()} cores on this machine")
    stacked_most = max(p for p in range(1, 10**6, 50) if 4.0 * p * c * n + 8.0 * p * p <= LIMIT)
    print(f"largest P in 4 GiB (memory models): chunked {ntk_memory.most_samples(f, LIMIT)}, stacked {stacked_most}")
    print(f"{'P':>6} {'chunked s':>10} {'stacked s':>10} {'ratio':>6} {'chunked MiB':>12} {'model MiB':>10} "
          f"{'stacked MiB':>12} {'same':>5}")
    for p in args.samples:
        out = {}
        for way in ("chunked", "stacked"):
            done = subprocess.run([sys.executable, __file__, "--child", way, str(args.width), str(c), str(p),
                                   str(args.threads)], capture_output=True, text=True, check=True)
            out[way] = json.loads(done.stdout)
        plan = ntk_memory.plan(f, p, LIMIT)
        same = abs(out["chunked"]["trace"] / out["stacked"]["trace"] - 1) < 1e-4
        print(f"{p:6d} {out['chunked']['seconds']:10.3f} {out['stacked']['seconds']:10.3f} "
              f"{out['stacked']['seconds'] / out['chunked']['seconds']:6.1f} {out['chunked']['peak'] / 2**20:12.1f} "
              f"{plan.nbytes / 2**20:10.1f} {out['stacked']['peak'] / 2**20:12.1f} {str(same):>5}")


if __name__ == "__main__":
    main()

"""Speed of one training step of the ReLU MLP on the circle (theory §5), side by side.

Three implementations of the same centred mean-field network (hidden bias, float64, S seeds),
full-batch GD on G angles:

* scalingtool's torch simulator (``CircleMLP.step``: batched weights, one autograd pass for
  all seeds);
* an independent NumPy implementation of the depth-1 network (the tests' reference,
  ``tests/simulate/numpy_mlp.py``; depth 1 only);
* a naive loop a user would write: one ``nn.Module`` per seed plus a frozen copy for the
  centring, ``torch.optim.SGD``, the seeds one after another.

Prints milliseconds per step and the ratios, with the core count. Example:

    python benchmarks/bench_mlp.py --width 512 --depth 1 --threads 1
"""

from __future__ import annotations

import argparse
import copy
import math
import os

import numpy as np

from timing import best_per_call  # benchmarks/timing.py: this folder is on the path of a script run


def _naive(torch, weights: dict, gamma: float, x, y, lr: float):
    """One nn.Module per seed, centred by a frozen copy, trained with torch.optim.SGD."""
    nn = torch.nn
    depth, width = len(weights["W"]), weights["a"][0].shape[1]

    class Net(nn.Module):
        def __init__(self, s: int) -> None:
            super().__init__()
            dims = [2] + [width] * depth
            self.hidden = nn.ModuleList(nn.Linear(dims[i], width).double() for i in range(depth))
            self.out = nn.Linear(width, 1, bias=False).double()
            with torch.no_grad():
                for i, layer in enumerate(self.hidden):
                    layer.weight.copy_(torch.as_tensor(weights["W"][i][s]) / (1.0 if i == 0 else math.sqrt(width)))
                    layer.bias.copy_(torch.as_tensor(weights["b"][i][s]))
                self.out.weight.copy_(torch.as_tensor(weights["a"][0][s])[None, :])

        def forward(self, inp):
            h = inp
            for layer in self.hidden:
                h = torch.relu(layer(h))
            return self.out(h)[:, 0] / (gamma * width)

    models = [Net(s) for s in range(weights["a"][0].shape[0])]
    frozen = [copy.deepcopy(m).requires_grad_(False) for m in models]
    # muP: rate eta gamma^2 N on every parameter; the hidden nn.Linear weights store W / sqrt(N),
    # whose gradient is sqrt(N) times W's, so they take rate eta gamma^2 to move W at eta gamma^2 N
    def groups(m):
        scaled = [layer.weight for layer in m.hidden[1:]]
        rest = [p for p in m.parameters() if all(p is not q for q in scaled)]
        return [{"params": rest, "lr": lr * gamma**2 * width}, {"params": scaled, "lr": lr * gamma**2}]
    opts = [torch.optim.SGD(groups(m), lr=lr) for m in models]

    def step() -> None:
        for m, f0, opt, ys in zip(models, frozen, opts, y):
            opt.zero_grad()
            loss = 0.5 * ((m(x[0]) - f0(x[0]) - ys) ** 2).mean()
            loss.backward()
            opt.step()
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--depth", type=int, default=1)
    parser.add_argument("--points", type=int, default=512, help="full-batch size G")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--gamma0", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: default)")
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: tests/
    from scalingtool.simulate.circle_mlp import CircleMLP, draw_initial
    from tests.simulate.numpy_mlp import NumpyCircleNetwork, grid

    seeds = list(range(args.seeds))
    weights, _ = draw_initial(seeds, args.depth, args.width, 8)
    theta, xg = grid(args.points)
    y_np = np.stack([np.cos(3 * theta + s) for s in seeds])
    lr = 0.1
    net = CircleMLP(weights, args.gamma0)
    x = torch.as_tensor(xg)[None].expand(len(seeds), args.points, 2).contiguous()
    y = torch.as_tensor(y_np)
    g0 = net.initial(x)
    results = {"scalingtool torch": best_per_call(lambda: net.step(x, y, lr, g0), args.repeat)}
    if args.depth == 1:
        ref = NumpyCircleNetwork(seeds, args.width, args.gamma0)
        results["numpy reference"] = best_per_call(lambda: ref.step(xg, y_np, lr), args.repeat)
    results["naive nn.Module + SGD"] = best_per_call(_naive(torch, weights, args.gamma0, x, y, lr), args.repeat)

    base = results["scalingtool torch"]
    print(f"ReLU MLP step: depth {args.depth}, width {args.width}, {args.points} points, {len(seeds)} seeds, "
          f"float64; cpu_count = {os.cpu_count()}, torch threads = {torch.get_num_threads()}")
    for name, sec in results.items():
        print(f"  {name:24s} {1e3 * sec:9.2f} ms/step   {sec / base:6.2f}x the torch simulator's time")


if __name__ == "__main__":
    main()

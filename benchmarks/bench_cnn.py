"""Speed of the CNN's training step (theory §5), side by side with a naive PyTorch loop.

Two implementations of the same centred CNN (conv-pool-conv-pool-dense-readout, muP,
``gamma0``), S seeds, online SGD on MNIST-1D batches:

* scalingtool's simulator (``_Training.substep``: the S seeds as grouped convolutions, one
  autograd pass for all of them, the centring outputs ``g(theta_0)`` cached per image when the
  run will see every image);
* a naive loop a user would write: one ``nn.Module`` per seed plus a frozen copy for the
  centring (as the companion code's ``CenteredModel``), ``torch.optim.SGD``, seeds one after
  another, on the same batches.

Prints milliseconds per step, steps per second, the ratio and the core count. Example:

    python benchmarks/bench_cnn.py --width 32 --batch 128 --seeds 4 --threads 1
"""

from __future__ import annotations

import argparse
import copy
import os

from timing import best_per_call  # benchmarks/timing.py: this folder is on the path of a script run


def _naive(torch, net, run, lr: float):
    """One nn.Module per seed (weights N(0, 1), the scalings in the forward pass, as the
    companion code's StdConv2d / FinalLinear), centred by a frozen copy, torch.optim.SGD."""
    nn, F = torch.nn, torch.nn.functional
    s1, s2, s3, s4 = net.scales
    conv, pool = (F.conv1d, F.avg_pool1d) if net.dims == 1 else (F.conv2d, F.avg_pool2d)

    class Net(nn.Module):
        def __init__(self, s: int) -> None:
            super().__init__()
            self.p = nn.ParameterList(nn.Parameter(p[s].clone()) for p in net.theta0)

        def forward(self, x):
            w1, b1, w2, b2, w3, b3, a = self.p
            x = x[:, :, 0] if net.dims == 1 else x
            z = pool(torch.relu(conv(x, w1 * s1, b1, padding=net.padding)), 2)
            z = pool(torch.relu(conv(z, w2 * s2, b2, padding=net.padding)), 2).flatten(1)
            return torch.relu(z @ (w3 * s3).T + b3) @ a.T * s4

    members = len(net.theta0[0])
    models = [Net(s) for s in range(members)]
    frozen = [copy.deepcopy(m).requires_grad_(False) for m in models]
    opts = [torch.optim.SGD(m.parameters(), lr=lr * net.gamma**2 * net.hidden) for m in models]

    def step() -> None:
        idx = torch.as_tensor(run.stream.next())
        for s in range(members):
            x, y = run.x_train[idx[s]], run.y_train[idx[s]]
            opts[s].zero_grad()
            resid = (models[s](x) - frozen[s](x)) / net.gamma - y
            (0.5 * (resid**2).sum(-1).mean()).backward()
            opts[s].step()
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--gamma0", type=float, default=1.0)
    parser.add_argument("--pool", type=int, default=4000, help="MNIST-1D training signals")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: default)")
    args = parser.parse_args()

    import torch

    from scalingtool.config import CnnRun
    from scalingtool.simulate.cnn import _Training
    from scalingtool.simulate.vision import load_task

    if args.threads:
        torch.set_num_threads(args.threads)
    config = CnnRun.from_user(width=args.width, batch=args.batch, seeds=args.seeds, gamma0=args.gamma0,
                              pool_samples=args.pool, test_samples=200, steps=10**6, lr="0.1")
    run = _Training(config, load_task(config), torch, "cpu")
    ours = best_per_call(lambda: run.substep(0.1), args.repeat)
    naive = best_per_call(_naive(torch, run.net, run, 0.1), args.repeat)
    print(f"CNN step on MNIST-1D: width {args.width}, batch {args.batch}, {args.seeds} seeds, float32; "
          f"cpu_count = {os.cpu_count()}, torch threads = {torch.get_num_threads()}")
    for name, sec in (("scalingtool simulator", ours), ("naive nn.Module + SGD", naive)):
        print(f"  {name:24s} {1e3 * sec:9.2f} ms/step  {1 / sec:8.1f} steps/s")
    print(f"  ratio naive / scalingtool: {naive / ours:.2f}x")


if __name__ == "__main__":
    main()

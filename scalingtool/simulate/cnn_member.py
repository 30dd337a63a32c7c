"""One member of the CNN ensemble as a plain ``nn.Module``, for its empirical NTK (theory §5, §6).

:class:`~.cnn_net.CnnNet` runs S seeds as grouped convolutions on stacked parameters;
:func:`member_module` copies member s's parameters at :meth:`~.cnn_net.CnnNet.point` into a
module of ``Conv1d/Conv2d``, ``Linear`` layers whose weights are the network's own (unscaled,
N(0, 1) at initialisation) and whose fan-in scalings multiply the layers' inputs instead of their
weights: ``conv(x, s W) + b = conv(s x, W) + b`` and ``W (s z) + b = s W z + b``, so the output
and the gradient with respect to every parameter are those of ``net.function`` for member s:

    g(theta; x) = a . relu(W_3 (s_3 flat(z_2)) + b_3) s_4,   s_4 = 1/H.

The dense and readout layers are ``nn.Linear`` modules called once on a ``samples x features``
input, so :func:`scalingtool.estimate.ntk.empirical_ntk` adds them by the dense-layer identity.
The simulator's kernel is ``K = H J J^T`` (``H = net.hidden``); ``empirical_ntk`` returns the
per-output blocks ``J_c J_c'^T`` (``blocks=True``) or their trace over outputs divided by C.
"""

from __future__ import annotations

from typing import Any

from .arraylib import _import_torch
from .cnn_net import CnnNet

__all__ = ["member_module"]


def member_module(net: CnnNet, member: int = 0) -> Any:
    """Member ``member`` of ``net`` at ``net.point()`` as an ``nn.Module``: inputs (B, C, H, W)
    images, outputs (B, classes), equal to ``net.function(net.point(), x)[member]``."""
    torch = _import_torch()
    nn = torch.nn
    theta = [p.detach()[member].clone() for p in net.point()]
    w1, b1, w2, b2, w3, b3, a = theta
    conv = nn.Conv1d if net.dims == 1 else nn.Conv2d

    class Member(nn.Module):
        """conv -> relu -> pool -> conv -> relu -> pool -> dense -> relu -> readout (module docstring)."""

        def __init__(self) -> None:
            super().__init__()
            self.conv1 = conv(w1.shape[1], w1.shape[0], w1.shape[2:], padding=net.padding)
            self.conv2 = conv(w2.shape[1], w2.shape[0], w2.shape[2:], padding=net.padding)
            self.dense = nn.Linear(w3.shape[1], w3.shape[0])
            self.readout = nn.Linear(a.shape[1], a.shape[0], bias=False)
            with torch.no_grad():
                for layer, (w, b) in ((self.conv1, (w1, b1)), (self.conv2, (w2, b2)), (self.dense, (w3, b3))):
                    layer.weight = nn.Parameter(w.clone())
                    layer.bias = nn.Parameter(b.clone())
                self.readout.weight = nn.Parameter(a.clone())

        def _pool(self, z: Any) -> Any:
            F = torch.nn.functional
            if net.pooling == "avg":
                return (F.avg_pool1d if net.dims == 1 else F.avg_pool2d)(z, 2)
            return (F.max_pool1d if net.dims == 1 else F.max_pool2d)(z, 2)

        def forward(self, x: Any) -> Any:
            s1, s2, s3, s4 = net.scales
            x = x[:, :, 0] if net.dims == 1 else x
            z1 = self._pool(torch.relu(self.conv1(x * s1)))
            z2 = self._pool(torch.relu(self.conv2(z1 * s2)))
            z3 = torch.relu(self.dense(z2.flatten(1) * s3))
            return self.readout(z3 * s4)

    return Member().to(device=theta[0].device, dtype=theta[0].dtype)

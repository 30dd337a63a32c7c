"""The CNN's member as a plain module: the same function and the same tangent kernel (theory §5, §6)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from scalingtool.config import CnnRun  # noqa: E402
from scalingtool.estimate.network import network_kernel  # noqa: E402
from scalingtool.simulate.cnn_member import member_module  # noqa: E402
from scalingtool.simulate.cnn_net import build_cnn  # noqa: E402

CASES = [((1, 8, 8), "avg", "same", 3), ((1, 1, 40), "max", "same", 5), ((2, 12, 12), "max", "valid", 3)]


def _net(shape, pooling, padding, kernel, gamma0=1.0, trained=False):
    config = CnnRun.from_user(task="digits", data="finite", samples=64, batch=16, width=3, kernel_size=kernel,
                              pooling=pooling, padding=padding, gamma0=gamma0, seeds=(3, 4), dtype="float64")
    net = build_cnn(config, shape, 4, seeds=(3, 4))
    gen = torch.Generator().manual_seed(0)
    if trained:  # a rich step moves the point the kernel is taken at away from theta_0
        x = torch.randn((8, 2, *shape), generator=gen, dtype=torch.float64)
        net.step(x, torch.randn((2, 8, 4), generator=gen, dtype=torch.float64), 0.5)
    return net, torch.randn((6, *shape), generator=gen, dtype=torch.float64)


@pytest.mark.parametrize("shape,pooling,padding,kernel", CASES)
@pytest.mark.parametrize("trained", [False, True])
def test_member_reproduces_the_ensemble_function_and_its_kernel(shape, pooling, padding, kernel, trained):
    net, x = _net(shape, pooling, padding, kernel, trained=trained)
    for s in range(2):
        module = member_module(net, s)
        with torch.no_grad():
            # the same arithmetic up to where the scale multiplies: float64 round-off
            assert torch.allclose(module(x), net.function(net.point(), x)[s], rtol=1e-12, atol=1e-14)
        blocks = network_kernel(net, x, member=s, blocks=True)  # H J_c J_c'^T, (P, P, C, C)
        u = torch.randn((2, x.shape[0], 4), generator=torch.Generator().manual_seed(s), dtype=torch.float64)
        # kernel_apply is K u / G with K = H J J^T over samples and outputs (one vjp and one jvp):
        # an independent computation of the same product, equal to float64 round-off
        mine = np.einsum("ijcd,jd->ic", blocks, u[s].numpy()) / x.shape[0]
        theirs = net.kernel_apply(x, u)[s].detach().numpy()
        assert np.allclose(mine, theirs, rtol=1e-10, atol=1e-12 * np.abs(theirs).max())
        traced = network_kernel(net, x, member=s)
        assert np.allclose(traced, np.einsum("ijcc->ij", blocks) / 4, rtol=1e-12)


def test_lazy_network_kernel_is_taken_at_initialisation():
    net, x = _net((1, 8, 8), "avg", "same", 3, gamma0=0.0)
    fresh, _ = _net((1, 8, 8), "avg", "same", 3, gamma0=1.0)
    assert np.allclose(network_kernel(net, x), network_kernel(fresh, x), rtol=1e-12)


def test_observe_at_calls_back_at_the_asked_steps_and_changes_nothing():
    pytest.importorskip("sklearn")
    from scalingtool.simulate.cnn import run_cnn

    config = CnnRun.from_user(task="digits", data="finite", samples=64, batch=16, width=4, steps=8, seeds=(0, 1),
                              test_samples=100, gamma0=1.0)
    seen = []
    hooked = run_cnn(config, observe_at=([0, 2, 8], lambda step, net: seen.append((step, net.point()[0].sum().item()))))
    plain = run_cnn(config)
    assert [s for s, _ in seen] == [0, 2, 8]
    assert seen[0][1] != seen[-1][1]  # the network as it then is: the rich point moved
    assert np.array_equal(hooked.loss, plain.loss)  # the same training, bit for bit

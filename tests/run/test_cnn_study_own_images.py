"""The cnn-study kind on a user's own images (theory §5): ``task = "npz"`` or ``"folder"`` with
``path``, resolved against the recipe's folder, checked once before anything runs, and named
in each part by the SHA-256 of the data, so that changed images recompute the parts."""

import hashlib
import json
import math

import numpy as np
import pytest

from tests.conftest import assert_usage_error

RECIPE = """
name = "mine"
title = "A tiny study of my images"
layer = "simulation"
kind = "cnn-study"

[params]
task = "{task}"
path = "{path}"
data = "finite"
samples = 24
width = [2]
gamma0 = [0]
seeds = 1
steps = 8
batch = 8
test_samples = 20
kernel_points = 16
"""


def _images(path, seed=0, n=60):
    """``n`` 6x6 images in 2 classes (bright or dark), uint8 as a camera writes them."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.integers(0, 128, (n, 6, 6)) + 100 * y[:, None, None]
    np.savez(path, x=x.astype(np.uint8), y=y)
    return path


def _recipe(folder, path="images.npz", task="npz"):
    folder.mkdir(parents=True, exist_ok=True)
    recipe = folder / "mine.toml"
    recipe.write_text(RECIPE.format(task=task, path=path))
    return recipe


def _stored(out):
    (part,) = (out / "parts").glob("*.json")
    return json.loads(part.read_text())


def test_a_recipe_on_a_users_npz_runs_and_recomputes_when_the_data_change(tmp_path, monkeypatch, cli):
    pytest.importorskip("torch")
    pytest.importorskip("scipy")
    recipe = _recipe(tmp_path / "study")
    data = _images(tmp_path / "study" / "images.npz")
    monkeypatch.chdir(tmp_path)  # elsewhere than the recipe: its path is relative to the recipe
    first = cli("run", str(recipe), "--out", "run", "--format", "json")
    assert first.code == 0, first.err
    doc = json.loads(first.out)
    assert doc["computed"] == ["npz_finite_N2_g0"] and doc["reused"] == []
    row = doc["rows"][0] if "rows" in doc else None
    stored = _stored(tmp_path / "run")
    # the part names its data by the SHA-256 of the file's bytes (computed here independently)
    assert stored["params"]["data_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert "path" not in stored["params"]
    assert all(math.isfinite(v) for v in stored["data"]["loss"])
    assert row is None or math.isfinite(row["measured"])

    again = json.loads(cli("run", str(recipe), "--out", "run", "--format", "json").out)
    assert again["reused"] == ["npz_finite_N2_g0"] and again["computed"] == []

    _images(data, seed=1)  # other images under the same name: the stored part is stale
    changed = json.loads(cli("run", str(recipe), "--out", "run", "--format", "json").out)
    assert changed["computed"] == ["npz_finite_N2_g0"] and changed["reused"] == []
    assert _stored(tmp_path / "run")["params"]["data_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()


def test_the_folder_form_is_fingerprinted_by_names_and_bytes(tmp_path):
    PIL = pytest.importorskip("PIL.Image")
    from scalingtool.simulate.vision import check_folder, fingerprint

    for label, value in (("cat", 20), ("dog", 200)):
        (tmp_path / label).mkdir()
        for i in range(3):
            PIL.fromarray(np.full((4, 4), value + i, np.uint8)).save(tmp_path / label / f"{i}.png")
    assert check_folder(str(tmp_path)) == 6
    before = fingerprint("folder", str(tmp_path))
    (tmp_path / "dog" / "2.png").rename(tmp_path / "dog" / "9.png")  # same bytes, another name
    renamed = fingerprint("folder", str(tmp_path))
    PIL.fromarray(np.full((4, 4), 7, np.uint8)).save(tmp_path / "cat" / "0.png")  # same name, other pixels
    assert len({before, renamed, fingerprint("folder", str(tmp_path))}) == 3


def _not_an_archive(folder):
    (folder / "images.npz").write_text("x,y\n1,2\n")


def _no_labels(folder):
    np.savez(folder / "images.npz", x=np.zeros((4, 3, 3)))


def _a_folder(folder):
    (folder / "images.npz").mkdir()


@pytest.mark.parametrize("make,fragment", [
    (lambda folder: None, "no such .npz file"),
    (_a_folder, "is a folder, not a .npz file"),
    (_not_an_archive, "not a readable .npz archive"),
    (_no_labels, "expected arrays 'x' and 'y'"),
])
def test_a_bad_npz_is_one_line_before_anything_runs(tmp_path, monkeypatch, cli, make, fragment):
    _recipe(tmp_path / "study")
    make(tmp_path / "study")
    monkeypatch.chdir(tmp_path)
    result = cli("run", "study/mine.toml", "--out", "run")
    assert_usage_error(result, "study/mine.toml: [params] key 'path': 'study/images.npz", fragment)
    assert not (tmp_path / "run").exists()  # refused at the edge: no run folder was made


@pytest.mark.parametrize("task,path,fragment", [
    ("folder", "images.npz", "expected an image folder"),
    ("folder", ".", "expected at least 2 class folders"),
    ("digits", "images.npz", "path is only for task 'npz' or 'folder'"),
])
def test_a_path_of_the_wrong_kind_is_one_line(tmp_path, cli, task, path, fragment):
    recipe = _recipe(tmp_path / "study", path, task)
    _images(tmp_path / "study" / "images.npz")
    assert_usage_error(cli("run", str(recipe), "--out", str(tmp_path / "run")), fragment)


@pytest.mark.parametrize("change,fragment", [
    ("test_samples = 20", "test_samples = 60 is out of range: path holds 60 images and needs some for training; "
                          "expected at most 59"),
    ("samples = 24", "samples = 41 is out of range: path holds 60 images, 20 of them held out (test_samples); "
                     "expected at most 40"),
])
def test_a_set_larger_than_the_users_images_is_one_line(tmp_path, cli, change, fragment):
    recipe = _recipe(tmp_path / "study")
    _images(tmp_path / "study" / "images.npz")
    value = {"test_samples": "60", "samples": "41"}[change.split()[0]]
    recipe.write_text(recipe.read_text().replace(change, change.split("=")[0] + "= " + value))
    assert_usage_error(cli("run", str(recipe), "--out", str(tmp_path / "run")), fragment)


def test_a_users_task_needs_a_path_and_a_fixed_set(tmp_path, cli):
    recipe = _recipe(tmp_path / "study")
    _images(tmp_path / "study" / "images.npz")
    text = recipe.read_text()
    recipe.write_text(text.replace('path = "images.npz"\n', ""))
    assert_usage_error(cli("run", str(recipe)), "task = 'npz' needs path")
    recipe.write_text(text.replace('data = "finite"\nsamples = 24', 'data = "online"'))
    assert_usage_error(cli("run", str(recipe)), "data = 'online' needs task 'mnist1d'")

"""Every error class of ``scalingtool estimate``: one line, exit 2 (exit 1: no power law)."""

import numpy as np
import pytest

pytest.importorskip("scipy")

from tests.conftest import assert_usage_error


@pytest.fixture
def data(tmp_path):
    from scalingtool.estimate.synthetic import gaussian_task

    x, y = gaussian_task(2.0, 0.5, 100, 200, seed=0)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    return tmp_path, x, y


def test_nan_and_inf(cli, data):
    folder, x, y = data
    x = x.copy()
    x[3, 4] = np.nan
    np.save(folder / "bad.npy", x)
    assert_usage_error(cli("estimate", "--features", str(folder / "bad.npy"), "--labels", str(folder / "y.npy")),
                       "NaN or inf")
    y = y.copy()
    y[0] = np.inf
    np.save(folder / "ybad.npy", y)
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--labels", str(folder / "ybad.npy")),
                       "NaN or inf")


def test_shapes_and_labels(cli, data):
    folder, x, y = data
    np.save(folder / "x1.npy", x[:, 0])
    assert_usage_error(cli("estimate", "--features", str(folder / "x1.npy"), "--labels", str(folder / "y.npy")),
                       "P x M")
    np.save(folder / "y5.npy", y[:5])
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--labels", str(folder / "y5.npy")),
                       "labels of shape (5,) for 100 samples")
    np.save(folder / "rect.npy", x[:, :50])
    assert_usage_error(cli("estimate", "--gram", str(folder / "rect.npy"), "--labels", str(folder / "y.npy")),
                       "square")


def test_gram_symmetry_and_definiteness(cli, data):
    folder, x, y = data
    k = x @ x.T / x.shape[1]
    bad = k.copy()
    bad[0, 1] += 0.1 * np.abs(k).max()
    np.save(folder / "asym.npy", bad)
    assert_usage_error(cli("estimate", "--gram", str(folder / "asym.npy"), "--labels", str(folder / "y.npy")),
                       "not symmetric")
    indefinite = k - 0.5 * np.linalg.eigvalsh(k).max() * np.eye(100)
    np.save(folder / "indef.npy", indefinite)
    assert_usage_error(cli("estimate", "--gram", str(folder / "indef.npy"), "--labels", str(folder / "y.npy")),
                       "indefinite")


def test_too_few_samples(cli, data):
    folder, x, y = data
    np.save(folder / "small.npy", x[:40])
    np.save(folder / "ysmall.npy", y[:40])
    assert_usage_error(cli("estimate", "--features", str(folder / "small.npy"), "--labels",
                           str(folder / "ysmall.npy")), "at least 64")


def test_unreadable_missing_and_folder(cli, data):
    folder, _, _ = data
    (folder / "junk.npy").write_bytes(b"not an npy file")
    assert_usage_error(cli("estimate", "--features", str(folder / "junk.npy"), "--labels", str(folder / "y.npy")),
                       "cannot read")
    assert_usage_error(cli("estimate", "--features", str(folder / "none.npy"), "--labels", str(folder / "y.npy")),
                       "no such")
    assert_usage_error(cli("estimate", "--features", str(folder), "--labels", str(folder / "y.npy")), "folder")
    (folder / "words.txt").write_text("1\ntwo\n3\n")
    assert_usage_error(cli("estimate", "--spectrum", str(folder / "words.txt")), "cannot read")


def test_sources_exactly_one(cli, data):
    folder, _, _ = data
    assert_usage_error(cli("estimate"), "exactly one source")
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--gram", str(folder / "x.npy")),
                       "exactly one source")


def test_memory_refused_naming_the_option(cli, data):
    folder, _, _ = data
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--labels", str(folder / "y.npy"),
                           "--max-memory", "10K"), "--max-memory")
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--labels", str(folder / "y.npy"),
                           "--max-memory", "lots"), "--max-memory")


def test_file_size_cap(monkeypatch, cli, data):
    from scalingtool.estimate import sources

    folder, _, _ = data
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--labels", str(folder / "y.npy")),
                       "read at most")


def test_no_power_law_exits_1(cli, tmp_path):
    k = np.arange(1, 501, dtype=float)
    np.savetxt(tmp_path / "lam.txt", np.exp(-k / 20))
    r = cli("estimate", "--spectrum", str(tmp_path / "lam.txt"))
    assert r.code == 1 and "no power law in this data" in r.err and len(r.err.strip().splitlines()) == 1
    np.savetxt(tmp_path / "short.txt", k[:80] ** -2.0)
    r = cli("estimate", "--spectrum", str(tmp_path / "short.txt"))
    assert r.code == 1 and "less than one" in r.err


def test_model_errors(cli, tmp_path):
    pytest.importorskip("torch")
    mod = tmp_path / "usermodel.py"
    mod.write_text(
        "import torch\n"
        "def raises():\n    raise RuntimeError('boom')\n"
        "def wrong():\n    return 3\n"
        "def two_outputs():\n"
        "    torch.manual_seed(0)\n"
        "    return torch.nn.Linear(4, 2), torch.randn(80, 4), torch.arange(80) % 3\n"
        "def bad_labels():\n"
        "    return torch.nn.Linear(4, 1), torch.randn(80, 4), torch.randn(70)\n"
        "def not_module():\n    return 'model', torch.randn(80, 4), torch.randn(80)\n"
        "def text_labels():\n    return torch.nn.Linear(4, 1), torch.randn(80, 4), ['cat'] * 80\n")
    assert_usage_error(cli("estimate", "--model", f"{mod}:text_labels"), "labels as numbers")
    assert_usage_error(cli("estimate", "--model", f"{mod}:raises"), "raised RuntimeError: boom")
    assert_usage_error(cli("estimate", "--model", f"{mod}:wrong"), "must return (model, inputs, labels)")
    assert_usage_error(cli("estimate", "--model", f"{mod}:two_outputs"), "3 columns (classes) for a model with 2 outputs")
    assert_usage_error(cli("estimate", "--model", f"{mod}:bad_labels"), "one label per input, or a P x C target")
    assert_usage_error(cli("estimate", "--model", f"{mod}:not_module"), "not a torch.nn.Module")
    assert_usage_error(cli("estimate", "--model", f"{mod}:missing"), "no function 'missing'")
    assert_usage_error(cli("estimate", "--model", "no_such_module_xyz:f"), "cannot import")
    assert_usage_error(cli("estimate", "--model", "nocolon"), "module:function")


def test_help_has_example(cli):
    r = cli("estimate", "--help")
    assert r.code == 0 and "Example: scalingtool estimate" in r.out


def test_missing_scipy_names_the_extra(monkeypatch, cli, data):
    import sys

    folder, _, _ = data
    for name in ("scipy", "scipy.linalg", "scipy.optimize"):
        monkeypatch.setitem(sys.modules, name, None)
    assert_usage_error(cli("estimate", "--features", str(folder / "x.npy"), "--labels", str(folder / "y.npy")),
                       "scalingtool[estimate]")


def test_missing_threadpoolctl_names_the_extra(monkeypatch, cli, tmp_path):
    import sys

    from scalingtool.estimate.synthetic import gaussian_task

    x, y = gaussian_task(2.0, 1.2, 600, 1200, seed=2)  # a power law: the bootstrap is reached
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    assert_usage_error(cli("estimate", "--features", str(tmp_path / "x.npy"), "--labels", str(tmp_path / "y.npy"),
                           "--bootstrap", "5"), "threadpoolctl")


def test_devices_are_refused_unread(cli, data):
    """/dev/zero reports size 0: refused as not a regular file, never handed to numpy."""
    folder, _, _ = data
    assert_usage_error(cli("estimate", "--spectrum", "/dev/zero"), "not a regular file")
    assert_usage_error(cli("estimate", "--features", "/dev/zero", "--labels", str(folder / "y.npy")),
                       "not a regular file")


@pytest.mark.parametrize("text, fragment", [
    ("t,loss\n1," + "9" * 200_000 + "\n", "not a readable CSV file"),
    ("t,loss,width\n" + "".join(f"{i},{1 / i},abc\n" for i in range(1, 20)), "row 2: width must be a number"),
    ("t,loss\n" + "".join(f"{t},{t ** -0.5}\n" for t in [1, 2, 3, 4, 5, 6, 7, 1000]), "hold 1 time(s); at least 3"),
], ids=["field-over-128k", "width-not-a-number", "one-point-in-the-window"])
def test_a_bad_loss_curve_is_one_line(cli, tmp_path, text, fragment):
    path = tmp_path / "curve.csv"
    path.write_text(text)
    assert_usage_error(cli("estimate", "--loss-curve", str(path)), fragment)


def test_a_rising_loss_curve_implies_no_beta_and_says_so(cli, tmp_path):
    import json

    path = tmp_path / "rising.csv"
    path.write_text("t,loss\n" + "".join(f"{t},{t ** 0.5}\n" for t in range(1, 40)))
    result = cli("estimate", "--loss-curve", str(path), "-f", "json")
    doc = json.loads(result.out)
    assert result.code == 0 and doc["time_exponent"]["value"] == pytest.approx(-0.5, abs=1e-9)
    assert doc["implied_beta"]["lazy"] == {"value": None, "ci": None}
    assert any("does not fall" in note for note in doc["notes"])


def test_a_correction_that_moves_alpha_is_stated_with_the_value_before_it(cli, tmp_path):
    import json

    path = tmp_path / "spec.txt"
    path.write_text("\n".join(repr(k ** -1.5) for k in range(1, 4001)))  # exact: alpha = 3/2
    doc = json.loads(cli("estimate", "--spectrum", str(path), "-f", "json").out)
    (note,) = [n for n in doc["notes"] if n.startswith("alpha: corrected")]
    assert "at P = 4000 (1.5 before the correction" in note
    far = json.loads(cli("estimate", "--spectrum", str(path), "--samples", "1000000000", "-f", "json").out)
    assert not [n for n in far["notes"] if "corrected" in n]  # no correction at P far above k: none said


def test_a_gram_matrix_alone_gives_alpha(cli, tmp_path):
    import json

    import numpy as np

    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((600, 600)))
    gram = (q * np.arange(1, 601) ** -2.0) @ q.T  # eigenvalues k^-2 exactly (P = 600: a decade of modes)
    np.save(tmp_path / "k.npy", gram)
    result = cli("estimate", "--gram", str(tmp_path / "k.npy"), "-f", "json")
    doc = json.loads(result.out)
    assert result.code == 0 and doc["beta"] is None
    # the population spectrum itself (measured 2.000): the sample-bias correction at alpha = 2 and
    # k <= P/10 moves it by under 5e-4; 0.01 still refuses a fit off by one mode in the window
    assert abs(doc["alpha"]["value"] - 2.0) < 0.01

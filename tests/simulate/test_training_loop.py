"""Blow-up detection with s, progress callbacks, Ctrl-C, the result object and input checks."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from scalingtool.errors import NumericalError, UsageError
from scalingtool.simulate import simulate_linear

from .helpers import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_lazy_divergence_raises_with_s(backend):
    # twice the largest stable lazy step: the top mode grows by |1 - eta d_max| = 3 per step
    probe = simulate_linear(2, 0.5, 0, width=16, steps=1, seeds=1, M=128)
    lr = 2 * probe.metadata["lr_lazy_max"]
    with pytest.raises(NumericalError) as info:
        simulate_linear(2, 0.5, 0, width=16, steps=200, seeds=1, M=128, lr=lr, backend=backend)
    message = str(info.value)
    assert "diverged" in message and "s = gamma0^2 |a|^2/N = 0 at step" in message
    assert "smaller learning rate" in message


def test_rich_run_that_outgrows_its_step_reports_feature_growth():
    # lr = 0.4 / d_max is stable for the lazy model (its limit is 2 / d_max) but not once the
    # features have grown (1 + 2 s > 5): the rich run diverges after some steps and the
    # message must show the grown s (> 1), i.e. feature growth, not a bad input.
    probe = simulate_linear(2, 0.5, 0, width=128, steps=1, seeds=1, M=2048)
    lr = 0.2 * probe.metadata["lr_lazy_max"]
    lazy = simulate_linear(2, 0.5, 0, width=128, steps=300, seeds=1, M=2048, lr=lr)
    assert np.all(np.isfinite(lazy.loss))
    with pytest.raises(NumericalError) as info:
        simulate_linear(2, 0.5, 4, width=128, steps=300, seeds=1, M=2048, lr=lr)
    text = str(info.value)
    s_before = float(text.split("s = gamma0^2 |a|^2/N = ")[1].split()[0])
    assert s_before > 1.0
    assert "default rule" in text  # it also names the step the default rule would take


def test_default_step_is_stable_for_a_long_rich_run():
    res = simulate_linear(2, 0.5, 3, width=64, steps=3000, seeds=2, M=1024)
    assert np.all(np.isfinite(res.loss)) and np.all(np.diff(res.loss, axis=1) <= 1e-12)
    # the predicted s at the end is what the run reaches (within 30%: the prediction uses the
    # lazy mode solution for |beta|^2, theory §1 only asks for a safe step)
    assert res.metadata["s_end_predicted"] == pytest.approx(res.extra["s"][:, -1].mean(), rel=0.3)


def test_progress_and_keyboard_interrupt_return_partial_results():
    calls = []

    def progress(done, total):
        calls.append((done, total))
        if done >= 100:
            raise KeyboardInterrupt

    res = simulate_linear(2, 0.5, 1, width=16, steps=1000, seeds=2, M=128, progress=progress)
    assert res.interrupted
    assert calls[0] == (0, 1000) and all(t == 1000 for _, t in calls)
    assert res.steps[-1] <= 100 and res.loss.shape == (2, len(res.steps))
    assert res.metadata["steps_done"] == res.steps[-1]
    # a caller that must not keep a partial run as finished gets the interrupt back
    with pytest.raises(KeyboardInterrupt):
        res.completed()
    whole = simulate_linear(2, 0.5, 1, width=16, steps=50, seeds=1, M=128)
    assert whole.completed() is whole


def test_result_rows_dict_and_refit():
    res = simulate_linear(Fraction(2), Fraction(1, 2), 1, width=16, steps=300, seeds=[2, 5], M=128)
    rows = res.to_rows()
    assert len(rows) == 2 * len(res.steps)
    assert set(rows[0]) == {"seed", "step", "time", "loss", "excess", "s"}
    assert rows[0]["seed"] == 2 and rows[-1]["seed"] == 5
    doc = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert doc["schema"] == "scalingtool/simulate-linear/v1"
    assert doc["metadata"]["alpha"] == "2" and doc["metadata"]["beta"] == "1/2"
    for key in ("backend", "device", "path", "lr", "M", "tail", "mode", "seeds", "width_floor"):
        assert key in doc["metadata"]
    assert len(doc["summary"]["exponents"]) == 2
    assert res.exponent_mean == pytest.approx(np.mean(res.exponents))
    assert res.exponent_spread == pytest.approx(np.std(res.exponents, ddof=1))
    other = res.refit((10, 100), measure="loss")
    assert other.fit_window == (10.0, 100.0) and other.measure == "loss"
    assert not np.allclose(other.exponents, res.exponents)
    with pytest.raises(UsageError):
        res.refit((100, 10))


def test_exponent_of_an_exact_power_law_is_recovered():
    from scalingtool.simulate.slope import loglog_decay_fit

    x = np.logspace(0, 4, 50)
    p, err = loglog_decay_fit(x, 3 * x**-0.7, 10, 1e4)
    assert p == pytest.approx(0.7, abs=1e-12) and err < 1e-10
    assert math.isnan(loglog_decay_fit(x, x, 2e4, 3e4)[0])  # empty window: NaN, no exception


@pytest.mark.parametrize("kwargs,fragment", [
    ({"alpha": 1}, "alpha = 1 is out of range"),
    ({"beta": 0}, "beta = 0 is out of range"),
    ({"gamma0": -1}, "gamma0 = -1 is out of range"),
    ({"width": 0}, "width = 0 is out of range"),
    ({"steps": 2.5}, "steps: expected a whole number"),
    ({"batch": 0}, "batch = 0 is out of range"),
    ({"batch": 4, "data": 10}, "batch and data are exclusive"),
    ({"lr": 0}, "lr = 0 is out of range"),
    ({"seeds": 0}, "seeds = 0 is out of range"),
    ({"seeds": [1, 1]}, "distinct seeds"),
    ({"path": "slow"}, "path = 'slow' is not supported"),
    ({"tail": "drop"}, "tail = 'drop' is not supported"),
    ({"measure": "both"}, "measure = 'both' is not supported"),
    ({"fit_window": (5, 2)}, "fit_window = (5, 2) is out of range"),
    ({"M": 0}, "M = 0 is out of range"),
    ({"device": "cuda"}, "needs backend = 'torch'"),
])
def test_bad_input_is_a_one_line_usage_error(kwargs, fragment):
    args = {"alpha": 2, "beta": 0.5, "gamma0": 0, "width": 8, "steps": 10}
    args.update(kwargs)
    with pytest.raises(UsageError) as info:
        simulate_linear(**args)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_numpy_scalars_and_text_are_accepted():
    res = simulate_linear("2", "1/2", np.float64(0.5), width=np.int64(8), steps=10, lr=np.float64(0.1))
    assert res.metadata["gamma0"] == 0.5 and res.lr == 0.1


def test_written_runs_are_valid_json_with_non_finite_numbers_as_text(tmp_path):
    """A stored run spells NaN and infinities out ("nan", "inf"): JSON has no bare NaN."""
    from scalingtool.simulate.result import SimulationResult, write_runs

    result = SimulationResult(kind="linear", seeds=(0,), steps=np.array([0, 1, 10, 100]),
                              loss=np.array([[1.0, 0.5, 0.1, 0.01]]), floor=np.zeros(1), lr=0.1,
                              fit_window=(1.0, 100.0),
                              metadata={"s_max_seen": math.nan, "stability_ratio": math.inf,
                                        "alpha": Fraction(3, 2), "width_floor": np.array([0.25, -np.inf])})
    path = tmp_path / "runs.json"
    write_runs(str(path), [(0.0, result)])

    def reject(constant: str) -> None:
        raise AssertionError(f"invalid JSON literal {constant}")

    runs = json.loads(path.read_text(), parse_constant=reject)
    meta = runs[0]["metadata"]
    assert (meta["s_max_seen"], meta["stability_ratio"], meta["alpha"]) == ("nan", "inf", "3/2")
    assert meta["width_floor"] == [0.25, "-inf"]

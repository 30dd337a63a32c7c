"""Loss-curve path on curves made by ``solve`` and ``simulate`` (lazy and rich) and on seeded curves."""

import math

import numpy as np
import pytest

from scalingtool.estimate.loss_curve import fit_loss_curve, implied_beta, read_loss_curve
from scalingtool.solve import solve
from tests.conftest import assert_usage_error


def _write(path, t, loss, seeds=None):
    lines = ["t,loss" + (",seed" if seeds is not None else "")]
    if seeds is None:
        lines += [f"{float(a)!r},{float(b)!r}" for a, b in zip(t, loss)]
    else:
        for s, row in enumerate(loss):
            lines += [f"{float(a)!r},{float(b)!r},{s}" for a, b in zip(t, row)]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("gamma0, law", [(0, "lazy"), (1, "rich")])
def test_solve_curves_give_beta(tmp_path, gamma0, law):
    """Infinite-width gradient flow, alpha 2, beta 1/2: lazy chi = 1/2, rich chi = 2/3 (theory §3);
    the implied beta under the matching law is 1/2 (tolerance 0.02: the rich curve's
    pre-asymptotic drift over its last decade, theory §4)."""
    sol = solve("2", "1/2", gamma0, t_max=10**7)
    t, loss = np.asarray(sol.curve.x, float), np.asarray(sol.curve.loss, float)
    keep = t > 0
    _write(tmp_path / "c.csv", t[keep], loss[keep])
    fit = fit_loss_curve(read_loss_curve(str(tmp_path / "c.csv")), decades=1.0)
    assert fit.chi == pytest.approx(float(sol.predicted), abs=0.02)
    assert implied_beta(fit.chi)[law] == pytest.approx(0.5, abs=0.02)
    assert fit.ci[0] <= fit.chi <= fit.ci[1]


def test_seeded_curves_bootstrap(tmp_path, cli):
    rng = np.random.default_rng(0)
    t = np.logspace(0, 4, 60)
    loss = t ** -0.4 * np.exp(0.05 * rng.standard_normal((5, t.size)))
    _write(tmp_path / "s.csv", t, loss, seeds=True)
    fit = fit_loss_curve(read_loss_curve(str(tmp_path / "s.csv")), decades=2.0, replicates=200)
    assert fit.curves == 5 and fit.ci[0] < 0.4 < fit.ci[1] and fit.ci[1] - fit.ci[0] < 0.05
    r = cli("estimate", "--loss-curve", str(tmp_path / "s.csv"), "--decades", "2", "--format", "json")
    assert r.code == 0 and '"scalingtool/estimate/v1"' in r.out and "implied_beta" in r.out


def test_loss_curve_with_spectrum_says_which_law(tmp_path, cli):
    sol = solve("2", "1/2", 0, t_max=10**7)
    t, loss = np.asarray(sol.curve.x, float), np.asarray(sol.curve.loss, float)
    _write(tmp_path / "c.csv", t[t > 0], loss[t > 0])
    k = np.arange(1, 3001, dtype=float)
    np.savetxt(tmp_path / "lam.txt", k ** -2.0)
    np.savetxt(tmp_path / "p.txt", k ** -2.0 * np.random.default_rng(2).chisquare(1, k.size))
    r = cli("estimate", "--loss-curve", str(tmp_path / "c.csv"), "--with-spectrum", str(tmp_path / "lam.txt"),
            "--with-target-power", str(tmp_path / "p.txt"), "--dynamics", "gd", "--format", "json")
    import json

    doc = json.loads(r.out)
    assert doc["consistent_with"]["lazy"] is True


def test_loss_curve_errors(tmp_path, cli):
    (tmp_path / "a.csv").write_text("time,value\n1,2\n")
    assert_usage_error(cli("estimate", "--loss-curve", str(tmp_path / "a.csv")), "t,loss")
    (tmp_path / "b.csv").write_text("t,loss\n1,-1\n2,1\n")
    assert_usage_error(cli("estimate", "--loss-curve", str(tmp_path / "b.csv")), "positive")
    (tmp_path / "c.csv").write_text("t,loss\n1,x\n")
    assert_usage_error(cli("estimate", "--loss-curve", str(tmp_path / "c.csv")), "must be numbers")


def _simulated_csv(path, gamma0):
    """Loss curves of the projected linear network (theory §1), alpha 2, beta 1/2, width 256,
    300 population-GD steps, seeds 0-2, written as a user would: t, the excess loss over the
    width floor (theory §2.4), seed."""
    from scalingtool.simulate.linear import simulate_linear

    res = simulate_linear(2, "1/2", gamma0, width=256, steps=300, seeds=3)
    rows = [r for r in res.to_rows() if r["step"] > 0]
    path.write_text("t,loss,seed\n" + "".join(f"{r['time']!r},{r['excess']!r},{r['seed']}\n" for r in rows))
    return res


def test_simulated_curves_give_beta(tmp_path, cli):
    """Lazy and rich simulated curves through the file reader and the seed bootstrap.

    The fit over the simulator's own window (the last 30x in time) must agree with the
    simulator's per-seed exponents to 0.01 (the slope of the mean curve against the mean of the
    slopes: they differ only by the seeds' few-per-cent spread in amplitude). Against theory §3
    (lazy chi = beta = 1/2, rich chi = 2 beta / (1 + beta) = 2/3) the tolerances are 0.05 and
    0.06: measured over seeds 0-23 at this width the per-seed lazy slope is 0.52 +- 0.03 and the
    rich one 0.70 +- 0.04, and the means over the eight triples of seeds 0.50-0.56 and 0.65-0.74
    (finite width and the pre-asymptotic drift at gamma0 = 2, theory §4). These tolerances keep
    lazy and rich apart (0.167) but cannot tell 2/3 from the first-order time change's 5/8: at
    this size no tolerance can (the triples alone scatter over 0.09). The rich law is checked to
    0.02 on solver curves above (test_solve_curves_give_beta: 2/3 +- 0.02 excludes 5/8) and to
    2e-3 in tests/cli/test_solve_command.py. Feature learning must show: the rich slope lies
    above the lazy interval.
    """
    decades = math.log10(30.0)
    fits = {}
    for gamma0, law, theory in ((0, "lazy", 0.5), (2, "rich", 2.0 / 3.0)):
        res = _simulated_csv(tmp_path / f"{law}.csv", gamma0)
        fit = fit_loss_curve(read_loss_curve(str(tmp_path / f"{law}.csv")), decades=decades, replicates=200)
        assert fit.curves == 3 and fit.method.startswith("bootstrap over 3 seeds")
        assert fit.chi == pytest.approx(res.exponent_mean, abs=0.01)
        assert fit.ci[0] <= fit.chi <= fit.ci[1]
        assert fit.chi == pytest.approx(theory, abs=0.05 if law == "lazy" else 0.06)
        assert implied_beta(fit.chi)[law] == pytest.approx(0.5, abs=0.05 if law == "lazy" else 0.06)
        fits[law] = fit
    assert fits["rich"].chi > fits["lazy"].ci[1]
    r = cli("estimate", "--loss-curve", str(tmp_path / "rich.csv"), "--decades", f"{decades:.6f}", "--format", "json")
    assert r.code == 0
    import json

    doc = json.loads(r.out)
    assert doc["time_exponent"]["value"] == pytest.approx(fits["rich"].chi, abs=1e-9)

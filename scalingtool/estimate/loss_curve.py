"""The time exponent of a loss curve and what it implies for beta (theory §3, §4, §6).

A curve ``L(t) ~ t^-chi`` is fitted by least squares in log-log over its last ``decades``
(theory §4). Under the lazy law ``chi = beta``; under the rich law of a hard task
``chi = 2 beta / (1 + beta)``, so ``beta = chi / (2 - chi)`` (valid for ``chi < 1``).

Interval: with several curves (a ``seed`` column) the curves are resampled with replacement
(bootstrap over seeds) and the mean curve refitted; with one curve the interval spans the
slopes of the window shifted by half its length either way (the drift of theory §4, a
systematic, not a sampling, error). A ``width`` column selects the widest network's curves.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from ..echo import shown
from ..errors import UsageError
from ..files import read_user_text
from .bootstrap import interval
from .sources import _path

__all__ = ["LossCurve", "CurveFit", "read_loss_curve", "fit_loss_curve", "implied_beta", "MAX_ROWS"]

#: most rows read from a loss-curve file
MAX_ROWS = 1_000_000


@dataclass
class LossCurve:
    """Times (sorted) and loss curves, one row per seed."""

    t: np.ndarray
    loss: np.ndarray
    group: str


@dataclass
class CurveFit:
    chi: float
    ci: tuple[float, float]
    window: tuple[float, float]
    curves: int
    method: str


def read_loss_curve(path: str) -> LossCurve:
    """Columns ``t,loss`` and optionally ``seed`` or ``width`` (CSV with a header)."""
    p = _path(path, "loss-curve")
    text = read_user_text(p, "loss-curve file")
    try:
        return _parse_loss_curve(text, path)
    except csv.Error as exc:
        raise UsageError(f"{path}: not a readable CSV file ({str(exc)[:120]})") from None


def _parse_loss_curve(text: str, path: str) -> LossCurve:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    if "t" not in fields or "loss" not in fields:
        raise UsageError(f"{path}: expected a CSV header with columns t,loss (and optionally seed or width), "
                         f"got {shown(','.join(fields), 80) if fields else 'nothing'}")
    rows = []
    for i, row in enumerate(reader):
        if i >= MAX_ROWS:
            raise UsageError(f"{path}: more than {MAX_ROWS} rows")
        row = {k.strip(): v for k, v in row.items() if k is not None}
        try:
            rows.append((float(row["t"]), float(row["loss"]), row.get("seed") or "0", row.get("width") or ""))
        except (TypeError, ValueError):
            raise UsageError(f"{path}: row {i + 2}: t and loss must be numbers") from None
        if rows[-1][3] and not _is_number(rows[-1][3]):
            raise UsageError(f"{path}: row {i + 2}: width must be a number")
    if not rows:
        raise UsageError(f"{path}: no data rows")
    arr = np.array([(r[0], r[1]) for r in rows])
    if not np.all(np.isfinite(arr)):
        raise UsageError(f"{path}: NaN or inf in t or loss")
    if np.any(arr[:, 0] <= 0) or np.any(arr[:, 1] <= 0):
        raise UsageError(f"{path}: t and loss must be positive (the fit is in log-log)")
    widths = sorted({r[3] for r in rows if r[3]}, key=float)
    group = ""
    if widths:
        group = f"width {widths[-1]} (the widest)"
        rows = [r for r in rows if r[3] == widths[-1]]
    seeds = sorted({r[2] for r in rows})
    times = sorted({r[0] for r in rows})
    index = {t: i for i, t in enumerate(times)}
    loss = np.full((len(seeds), len(times)), np.nan)
    for r in rows:
        loss[seeds.index(r[2]), index[r[0]]] = r[1]
    if np.isnan(loss).any():
        raise UsageError(f"{path}: every seed must have a loss at every time")
    if len(times) < 8:
        raise UsageError(f"{path}: {len(times)} distinct times; at least 8 are needed for a slope")
    return LossCurve(np.array(times), loss, group)


#: fewest times a slope is fitted over
_MIN_POINTS = 3


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _slope(t: np.ndarray, loss: np.ndarray, lo: float, hi: float) -> float:
    keep = (t >= lo) & (t <= hi)
    if np.count_nonzero(keep) < _MIN_POINTS:
        return math.nan
    x = np.log(t[keep])
    x = x - x.mean()
    return float(-np.dot(x, np.log(loss[keep])) / np.dot(x, x))


def fit_loss_curve(curve: LossCurve, decades: float = 1.0, replicates: int = 200, seed: int = 0) -> CurveFit:
    """``chi`` over the last ``decades`` of the curve with its interval (module docstring)."""
    t = curve.t
    span = math.log10(t[-1] / t[0])
    if span < decades:
        raise UsageError(f"loss curve spans {span:.2f} decades of t; at least {decades:g} are needed")
    hi = float(t[-1])
    lo = hi / 10**decades
    inside = int(np.count_nonzero((t >= lo) & (t <= hi)))
    if inside < _MIN_POINTS:
        raise UsageError(f"the last {decades:g} decade(s) of t, [{lo:.4g}, {hi:.4g}], hold {inside} time(s); "
                         f"at least {_MIN_POINTS} are needed for a slope (record more times, or widen --decades)")
    mean = curve.loss.mean(axis=0)
    chi = _slope(t, mean, lo, hi)
    if curve.loss.shape[0] > 1 and replicates > 0:
        rng = np.random.default_rng(seed)
        n = curve.loss.shape[0]
        draws = np.array([_slope(t, curve.loss[rng.integers(0, n, n)].mean(axis=0), lo, hi)
                          for _ in range(replicates)])
        ci = interval(2.0 * chi - draws)
        method = f"bootstrap over {n} seeds"
    else:
        half = 10 ** (decades / 2)
        earlier = _slope(t, mean, lo / half, hi / half) if t[0] <= lo / half * (1 + 1e-9) else math.nan
        drift = abs(chi - earlier) if math.isfinite(earlier) else 0.0
        ci = (chi - drift, chi + drift)
        method = "one curve: drift of the slope between windows half a window apart"
    return CurveFit(chi, (float(ci[0]), float(ci[1])), (lo, hi), curve.loss.shape[0], method)


def implied_beta(chi: float) -> dict[str, float | None]:
    """``beta`` under the lazy law (``= chi``, ``chi > 0``) and the rich hard law (``chi / (2 - chi)``,
    ``0 < chi < 1``); None where the law cannot give the curve (a loss that does not fall)."""
    return {"lazy": chi if chi > 0 else None, "rich": chi / (2.0 - chi) if 0 < chi < 1 else None}

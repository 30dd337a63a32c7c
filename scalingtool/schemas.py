"""The registry of JSON output schemas: every JSON document a command prints or a run stores.

Each document carries a ``schema`` key naming one entry here (``scalingtool/<command>/vN``); the
commands take the names from this module, and the documentation's JSON reference is generated
from it. Within a schema version keys are only ever added, never renamed or removed.

:data:`SCHEMAS` maps an id (the schema name, or the name and a layout such as
``--loss-curve``) to a :class:`Schema`, whose ``keys`` map a key path to its meaning:
``a.b`` is key ``b`` of the object under ``a``, ``a[]`` an item of the list ``a``, ``a.*`` each
entry of an object keyed by a name (a training, a regime). A key with no keys listed under it
is documented whole (an exact number ``{"exact", "value"}``, a list of text, a nested document).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Schema", "SCHEMAS", "EXPONENTS", "PHASE", "DERIVE", "SOLVE", "VERIFY", "SIMULATE", "RECIPES",
           "ESTIMATE", "RUN", "RUN_SUMMARY", "REFERENCE"]

EXPONENTS = "scalingtool/exponents/v1"
PHASE = "scalingtool/phase/v1"
DERIVE = "scalingtool/derive/v1"
SOLVE = "scalingtool/solve/v1"
VERIFY = "scalingtool/verify/v2"
SIMULATE = "scalingtool/simulate/v1"
RECIPES = "scalingtool/recipes/v1"
ESTIMATE = "scalingtool/estimate/v1"
RUN = "scalingtool/run/v1"
RUN_SUMMARY = "scalingtool/run-summary/v1"
REFERENCE = "scalingtool/reference/v1"

EXACT = 'exact number `{"exact": "p/q", "value": float}`'
INTERVAL = '`{"value": v, "ci": [lo, hi]}` (`ci` is `null` without samples to resample)'


@dataclass(frozen=True)
class Schema:
    """One JSON document: its ``name`` (the ``schema`` key), the command that writes it
    (``source``), a one-line ``summary`` and its ``keys`` (path -> meaning)."""

    name: str
    source: str
    summary: str
    keys: dict[str, str] = field(default_factory=dict)


def _scale(name: str, symbol: str) -> dict[str, str]:
    return {f"crossovers.{name}": f"the scale `{symbol}` as a float, when asked for (`null` beyond the float range)",
            f"crossovers.{name}_log10": "its base-10 logarithm (the table prints the scale as `10^x`)"}


_CHECK = {
    "checks[].case": "the row's case (a claim's name)",
    "checks[].quantity": "the quantity checked",
    "checks[].predicted": f"the prediction: an {EXACT}, a float, a name such as a regime, or `null`",
    "checks[].measured": f"the measurement: an {EXACT}, a float, a name, or `null`",
    "checks[].tolerance": f"the tolerance: an {EXACT}, a float, or `null` for none",
    "checks[].status": "`pass`, `fail` or `skip`",
    "checks[].note": "what the row measured, in words",
}
_PREDICTED = {"predicted.*": "one training's predicted exponents"} | {f"predicted.*.{q}": f"the {q} exponent as {INTERVAL}" for q in ("time", "width", "compute", "n_star", "t_star")}

SCHEMAS: dict[str, Schema] = {s.name if not s.source.endswith("--loss-curve") else s.name + " --loss-curve": s for s in [
    Schema(EXPONENTS, "scalingtool exponents", "Regime and every scaling exponent of one task (theory §3).", {
        "schema": "the schema name", "alpha": f"capacity, {EXACT}", "beta": f"source exponent, {EXACT}",
        "dynamics": "`sgd` or `gd`",
        "compute_convention": "the compute convention `C = N^p t^q`",
        "compute_convention.n_power": f"`p`, {EXACT}", "compute_convention.t_power": f"`q`, {EXACT}",
        "regime": "`hard`, `easy` or `super-easy`",
        "boundary": '`null`, `"hard|easy"` or `"easy|super-easy"` on a regime boundary',
        "trainings": "one entry per training shown, `lazy` and/or `rich`",
        "trainings.*": "the exponents of one training",
        "trainings.*.time": "observed time exponent `x` of `L ~ t^-x`",
        "trainings.*.signal": "the signal exponent `chi`, before the SGD-noise clip",
        "trainings.*.time_change": "`x` of the time change `tau ~ t^x`",
        "trainings.*.transient": "the exponent of the finite-width transient",
        "trainings.*.width": "the width exponent", "trainings.*.data": "the data exponent (lazy only, else `null`)",
        "trainings.*.compute": "the compute-optimal exponent",
        "trainings.*.n_star": "the optimal width's power of compute (`null` if the allocation is not unique)",
        "trainings.*.t_star": "the optimal time's power of compute (`null` if the allocation is not unique)",
        "trainings.*.balance": "the terms that balance at the compute optimum",
        "gain": "rich/lazy, when both trainings are shown",
        "gain.time": f"the time exponents' ratio, {EXACT}", "gain.compute": f"the compute exponents' ratio, {EXACT}",
        "crossovers": "the crossover scales (theory §3.5)",
        "crossovers.rich_onset_gamma0_power": "`x` of the rich onset `tau ~ gamma0^x` (`null`: never)",
        "crossovers.width_plateau_n_power": "`x` of the width plateau `tau ~ N^x`",
        "crossovers.noise_takeover_power": "per training, `x` of the SGD-noise takeover `t ~ (eta/Bsz)^x`",
        **_scale("rich_onset_tau", "tau"), **_scale("width_plateau_tau", "tau"),
        **_scale("noise_takeover_t", "t (per training)"),
    }),
    Schema(PHASE, "scalingtool phase", "The (alpha, beta) phase grid: regime and compute exponents, lazy and rich.", {
        "schema": "the schema name", "dynamics": "`sgd` or `gd`", "points": "one per grid point",
        "points[].alpha": EXACT, "points[].beta": EXACT, "points[].regime": "`hard`, `easy` or `super-easy`",
        "points[].lazy_time": "lazy time exponent", "points[].rich_time": "rich time exponent",
        "points[].lazy_compute": "lazy compute exponent", "points[].rich_compute": "rich compute exponent",
        "points[].compute_gain": "rich/lazy compute exponent",
    }),
    Schema(DERIVE, "scalingtool derive", "The symbolic results as Piecewise formulas in alpha and beta.", {
        "schema": "the schema name", "dynamics": "`sgd` or `gd`", "results": "one per derived quantity",
        "results[].key": "the quantity's key", "results[].description": "the quantity in words",
        "results[].text": "the formula in SymPy syntax", "results[].latex": "the formula in LaTeX",
    }),
    Schema(SOLVE, "scalingtool solve", "The exact reduced dynamics and the measured time exponent (theory §2, §4).", {
        "schema": "the schema name",
        "inputs": "the validated inputs",
        **{f"inputs.{k}": EXACT for k in ("alpha", "beta", "gamma0", "t_max", "lr")},
        "inputs.width": "the width `N`, or `inf`", "inputs.batch": "the batch size, or `gd`",
        "inputs.precision": "`float64` or `mp:DIGITS`", "inputs.seed": "the projection's seed",
        "training": "`lazy` or `rich`", "dynamics": "`sgd` or `gd`", "predicted": f"the predicted exponent, {EXACT}",
        "measurement": "the measured exponent",
        "measurement.value": "the measured exponent; `null` unless converged",
        "measurement.estimate": "the last window's estimate, converged or not",
        "measurement.window": "the fit window", "measurement.drift": "drift between neighbouring windows",
        "measurement.converged": "true when the drift is within the tolerance",
        "measurement.reason": "why the measurement did not converge (or `null`)",
        "measurement.extrapolated": "true when the value is extrapolated",
        "points": "number of points of the solved curve", "out": "the CSV file written, or `null`",
        "notes": "notes, as lines of text",
    }),
    Schema(VERIFY, "scalingtool verify", "Claims and tiers checked against the theory and the numerics.", {
        "schema": "the schema name", "ok": "true when no row failed", "tiers": "the tiers that ran",
        "quick": "true with `--quick`", "exact_only": "true with `--exact-only`", "claims": "the claims files",
        "counts": "rows by status", "counts.pass": "rows that passed", "counts.fail": "rows that failed",
        "counts.skip": "rows skipped", "checks": "one per row",
        "checks[].tier": "the tier (`claims` for a claim's rows)",
        "checks[].kind": "`exact` or `numeric` (claims)", **_CHECK,
        "checks[].source": "the claims file",
    }),
    Schema(SIMULATE, "scalingtool simulate", "Trained networks and their measured time exponents, lazy and rich.", {
        "schema": "the schema name", "model": "`linear`, `mlp-circle` or `relu-mlp`", "alpha": "capacity (text)",
        "beta": "source exponent (text)", "dynamics": "`sgd` or `gd`", "out": "the file written, or `null`",
        "runs": "one per `gamma0`", "runs[].gamma0": "the feature-learning strength",
        "runs[].training": "`lazy` or `rich`", "runs[].predicted": f"the predicted exponent, {EXACT}",
        "runs[].law": "the law the fit window sees: `signal`, or the finite-width transient past its takeover",
        "runs[].summary": "the measurement",
        "runs[].summary.exponent_mean": "mean exponent over seeds",
        "runs[].summary.exponent_spread": "spread of the exponent over seeds",
        "runs[].summary.exponents": "exponent per seed", "runs[].summary.exponent_stderrs": "standard error per seed",
        "runs[].summary.fit_window": "the fit window, in steps", "runs[].summary.measure": "what was measured",
        "runs[].summary.lr": "the learning rate", "runs[].summary.seeds": "number of seeds",
        "runs[].summary.interrupted": "true when the run was interrupted",
        "runs[].metadata": "every parameter, backend, device, data path, `M`, the tail treatment and "
                            "the predicted kernel scale `s`",
    }),
    Schema(RECIPES, "scalingtool recipes", "The built-in recipes.", {
        "schema": "the schema name", "recipes": "one per recipe",
        "recipes[].name": "what `scalingtool run` takes", "recipes[].layer": "`theory`, `reduced` or `simulation`",
        "recipes[].title": "the recipe's title",
    }),
    Schema(ESTIMATE, "scalingtool estimate", "alpha and beta estimated from a kernel spectrum (theory §6).", {
        "schema": "the schema name", "source": "what was read", "samples": "the number of samples `P`",
        "alpha": INTERVAL, "beta": INTERVAL + "; `null` without labels",
        "window": "the fit windows", "window.alpha": "`[k_lo, k_hi]`, modes counted from 1",
        "window.beta": "`[k_lo, k_hi]`, modes counted from 1", "window.rule": "how the windows were chosen",
        "regime": "the most probable regime",
        "regime_probability": "probability of each regime: `hard`, `easy`, `super-easy` (none under `gd`)",
        "dynamics": "`sgd` or `gd`", "predicted": "the predicted exponents, per training (`lazy`, `rich`)",
        **_PREDICTED, "bootstrap": "the number of bootstrap replicates", "summary": "the result as a plain sentence",
        "notes": "notes, as lines of text",
    }),
    Schema(ESTIMATE, "scalingtool estimate --loss-curve", "beta implied by a measured loss curve (theory §6).", {
        "schema": "the schema name", "source": "what was read", "samples": "`null`",
        "time_exponent": "the measured time exponent", "time_exponent.value": "its value",
        "time_exponent.ci": "its interval", "time_exponent.window": "the fit window",
        "time_exponent.curves": "number of curves", "time_exponent.method": "how it was measured",
        "implied_beta": "beta implied by each law",
        "implied_beta.lazy": INTERVAL, "implied_beta.rich": INTERVAL + "; `null` for `chi >= 1`",
        "consistent_with": "agreement with the spectrum's beta (`null` without a spectrum)",
        "consistent_with.lazy": "true or false", "consistent_with.rich": "true or false",
        "spectrum": f"the `{ESTIMATE}` document of the spectrum, or `null`", "notes": "notes, as lines of text",
    }),
    Schema(RUN, "scalingtool run", "A recipe run: the files it wrote and its checks.", {
        "schema": "the schema name", "recipe": "the recipe's name", "kind": "the recipe's kind",
        "folder": "the output folder", "ok": "true when no check failed", "computed": "part ids computed",
        "reused": "part ids reused from the folder", "files": "the files written", "notes": "notes",
        "summary": "the result in words (one line per row for the `mlp-study` kind)",
        "checks": "as in `scalingtool verify`, without `tier`", **_CHECK,
    }),
    Schema(RUN_SUMMARY, "scalingtool run (summary.json)", "The run's summary file in its output folder.", {
        "schema": "the schema name", "recipe": "the recipe's name", "kind": "the recipe's kind",
        "quick": "true with `--quick`", "computed": "part ids computed", "reused": "part ids reused",
        "checks": "as in `scalingtool verify`", "checks[].tier": "the tier", **_CHECK,
        "summary": "the result in words",
    }),
    Schema(REFERENCE, "scalingtool run NAME --record (references/NAME.json)",
           "A recipe's reference run: the measured numbers later runs are checked against.", {
        "schema": "the schema name", "recipe": "the recipe's name", "kind": "the recipe's kind",
        "quick": "true when recorded with `--quick`", "date": "the day it was recorded (`YYYY-MM-DD`, UTC)",
        "scalingtool": "the version that recorded it", "command": "the command that recorded it",
        "params_hash": "`sha256:...` of the parts and the parameters each was computed with",
        "measured": "measured numbers, by case (a part id)", "measured.*": "one measured number",
        "measured.*.quantity": "what was measured (e.g. `rich - lazy exponent`)",
        "measured.*.value": "the measured value", "measured.*.se": "its standard error",
    }),
]}

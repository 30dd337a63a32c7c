"""The reduced tier: every case of the quick grid passes, and a wrong theory would fail."""

from fractions import Fraction as F

from scalingtool.verify import verify
from scalingtool.verify.reduced_tier import Case, cases, measure_case


def test_quick_grid_passes_and_covers_every_quantity():
    result = verify(("reduced",), quick=True)
    assert result.ok, [c for c in result.checks if c.status != "pass"]
    assert {c.quantity for c in result.checks} == {"time", "width", "data", "compute"}
    names = " ".join(c.case for c in result.checks)
    for task in ("alpha=2 beta=1/2", "alpha=3 beta=5/4", "alpha=2 beta=3"):
        assert task in names


def test_measurement_distinguishes_lazy_from_rich():
    """The rich hard slope is far outside the lazy tolerance: a wrong prediction would fail."""
    rich = Case("time", F(2), F(1, 2), "rich", "gd", 5e-3, "test")
    measured, _ = measure_case(rich)
    assert abs(measured - 0.5) > 0.1 and abs(measured - 2 / 3) < 5e-3


def test_full_grid_is_a_superset():
    assert {c.name for c in cases(True)} <= {c.name for c in cases(False)}


def test_simulation_tier_quick_passes():
    result = verify(("simulation",), quick=True)
    assert result.ok, [c for c in result.checks if c.status != "pass"]
    assert len(result.checks) == 5

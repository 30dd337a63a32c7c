"""Tiers as plans of parts: every tier's parts go to one executor, longest first, and the rows
come back in each tier's own order whatever the order of computation."""

from functools import partial

import pytest

from scalingtool.verify import TierPlan, run_tiers
from scalingtool.verify.reduced_tier import reduced_plan
from scalingtool.verify.simulation_tier import simulation_plan
from scalingtool.verify.theory_tier import theory_plan
from scalingtool.work import Part, SequentialExecutor
from scalingtool.work.executor import longest_first


class Reversed(SequentialExecutor):
    """An executor that computes the parts in the reverse of the order it would start them."""

    def __init__(self):
        self.order = []

    def map_parts(self, parts, on_done, progress=None):
        parts = longest_first(parts)
        self.order = [part.key for part in parts]
        for part in reversed(parts):
            on_done(part.key, part.compute(progress))


class Recorded(SequentialExecutor):
    """The sequential executor, noting the order in which the parts finish."""

    def __init__(self):
        self.order = []

    def map_parts(self, parts, on_done, progress=None):
        def noted(key, value):
            self.order.append(key)
            on_done(key, value)

        super().map_parts(parts, noted, progress)


def _plan(tier, costs):
    parts = [Part.of(f"p{i}", partial(str, f"{tier}{i}"), cost) for i, cost in enumerate(costs)]
    return TierPlan(parts, lambda results: list(results))


def test_longest_first_across_tiers_and_rows_in_tier_order():
    plans = {"a": _plan("a", [1.0, 5.0]), "b": _plan("b", [3.0, 0.5])}
    ex = Recorded()
    assert run_tiers(plans, executor=ex) == run_tiers(plans) == {"a": ["a0", "a1"], "b": ["b0", "b1"]}
    assert ex.order == ["a: p1", "b: p0", "a: p0", "b: p1"]
    ex = Reversed()
    assert run_tiers(plans, executor=ex) == {"a": ["a0", "a1"], "b": ["b0", "b1"]}
    assert ex.order == ["a: p1", "b: p0", "a: p0", "b: p1"]


def test_progress_counts_each_tier():
    seen = []
    run_tiers({"a": _plan("a", [1.0, 2.0]), "b": _plan("b", [1.5])},
              progress=lambda tier, done, total: seen.append((tier, done, total)))
    assert sorted(seen) == [("a", 1, 2), ("a", 2, 2), ("b", 1, 1)]


def test_names_are_unique_within_a_tier():
    with pytest.raises(ValueError, match="both named"):
        run_tiers({"a": TierPlan([Part.of("x", str), Part.of("x", str)], list)})


@pytest.mark.parametrize("plan", [theory_plan, reduced_plan, simulation_plan])
@pytest.mark.parametrize("quick", [True, False])
def test_builtin_plans_have_distinct_parts(plan, quick):
    """Every built-in tier splits into uniquely named parts with positive costs; the full
    simulation tier's longest part is a single network (~60 s), not the whole margin."""
    p = plan(quick=quick)
    keys = [part.key for part in p.parts]
    assert len(set(keys)) == len(keys) and all(part.cost > 0 for part in p.parts)
    assert all(part.params == {} and part.resources is None for part in p.parts)  # not stored
    if plan is simulation_plan:
        # the full tier adds the ReLU network's 6 seeds, lazy and rich, one part each
        assert len(p.parts) == (6 if quick else 18) and max(part.cost for part in p.parts) <= 60

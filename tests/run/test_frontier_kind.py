"""The frontier kind: one part per training and width, the widest first; a stored curve is
checked before the envelope is formed from it."""

import pytest
from pydantic import ValidationError

from scalingtool.run.kinds import get_kind
from scalingtool.run.kinds.frontier import FrontierData
from scalingtool.run.schema.messages import validate_params


def _plan(widths, trainings=("lazy", "rich")):
    kind = get_kind("frontier")
    params = validate_params(kind.schema, {"alpha": "2", "beta": "1/2", "widths": widths,
                                           "trainings": list(trainings)}, {}, "test", False)
    return kind.plan(params)


def test_one_part_per_training_and_width_widest_first():
    ids = [p.key for p in _plan([16, 64, 32])]
    assert ids == ["frontier_lazy_N64", "frontier_rich_N64", "frontier_lazy_N32", "frontier_rich_N32",
                   "frontier_lazy_N16", "frontier_rich_N16"]


@pytest.mark.parametrize("data, message", [
    ({"t": [1.0, 0.5], "loss": [1.0, 0.5]}, "t must be positive and increasing"),
    ({"t": [0.0, 1.0], "loss": [1.0, 0.5]}, "t must be positive and increasing"),
    ({"t": [1.0, 2.0], "loss": [1.0, -0.5]}, "loss must be positive"),
    ({"t": [1.0, 2.0], "loss": [1.0]}, "same length"),
])
def test_a_stored_curve_is_checked(data, message):
    with pytest.raises(ValidationError, match=message):
        FrontierData.model_validate({"training": "lazy", "width": 16, **data})

"""One frozen, typed config per model, built once at the edge (theory §1, §2, §5).

A config is a frozen dataclass whose every field names how it is validated: a key of the one
table of limits (:data:`scalingtool.params.LIMITS`), a list of choices, or one of a few shapes
(:mod:`.fields`). ``Config.from_user(**values)`` is the one constructor for values that came
from a person (command-line flags, recipe tables, Python callers): it checks every field and
the rules between fields, and raises a one-line :class:`~scalingtool.errors.UsageError`
naming the field. The layers below take configs and trust them.
"""

from .fields import (BACKENDS, DATA_MODES, DEFAULT_FIT, DEVICES, DTYPES, LR_RULES, MEASURES, PARAMETRISATIONS,
                     PATHS, RNG_SOURCES, TAIL_MODES, VISION_DATA, VISION_TASKS, Config, choice, field_schema, fit_window_steps, from_user,
                     parse_pair, parse_seeds)
from .reduced import (DataCurveRun, FlowRun, FrontierFitRun, FrontierRun, LazySgdRun, ProjectedTask, SolveRun,
                      WidthCurveRun)
from .simulate import LinearRun, ReluMLPRun
from .vision import CnnRun

__all__ = ["Config", "LinearRun", "ReluMLPRun", "CnnRun", "FlowRun", "ProjectedTask", "LazySgdRun", "WidthCurveRun",
           "DataCurveRun", "FrontierRun", "FrontierFitRun", "SolveRun", "from_user", "field_schema", "parse_seeds", "parse_pair",
           "fit_window_steps", "choice", "BACKENDS", "DEVICES", "RNG_SOURCES", "PATHS", "MEASURES", "TAIL_MODES",
           "LR_RULES", "PARAMETRISATIONS", "DATA_MODES", "DTYPES", "DEFAULT_FIT", "VISION_TASKS", "VISION_DATA"]

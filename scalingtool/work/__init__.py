"""Independent units of work and where they run, below every layer that hands out work.

:class:`Part` (:mod:`.part`) is the one unit of work: a recipe's stored part, a verification
tier's measurement, a claim's check. An :class:`Executor` (:mod:`.executor`) computes a list
of parts one after another here or on a Dask cluster (:mod:`.dask_executor`), and hands each
result back in the calling process as soon as it is ready; :mod:`.options` picks one. The package imports only :mod:`scalingtool.errors`
and the standard library (Dask only when a cluster is asked for), so that recipes
(:mod:`scalingtool.run`) and verification (:mod:`scalingtool.verify`, a layer below the
recipes) share it.
"""

from .dask_executor import DaskExecutor
from .executor import Executor, SequentialExecutor
from .options import check_scheduler, check_workers, make_executor, max_workers
from .part import Part, Progress

__all__ = ["Part", "Progress", "Executor", "SequentialExecutor", "DaskExecutor", "make_executor",
           "check_workers", "check_scheduler", "max_workers"]

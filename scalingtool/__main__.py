"""``python -m scalingtool``: the same as the ``scalingtool`` command."""

from .cli import main

if __name__ == "__main__":  # not when a worker process re-imports the main module (Dask)
    raise SystemExit(main())

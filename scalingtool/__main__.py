"""``python -m scalingtool`` and the ``scalingtool`` command (:func:`run`)."""

from __future__ import annotations

import sys


def run() -> int:
    """The command line, with Ctrl-C at any moment one line and exit 130: also while the
    command line itself loads, before it can catch anything."""
    try:
        from .cli import main  # deferred: inside the guard, so a Ctrl-C while it loads is caught

        return main()
    except KeyboardInterrupt:
        sys.stderr.write("scalingtool: error: interrupted\n")
        return 130


if __name__ == "__main__":  # not when a worker process re-imports the main module (Dask)
    raise SystemExit(run())

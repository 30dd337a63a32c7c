"""``python -m scalingtool`` and the ``scalingtool`` command (:func:`run`)."""

from __future__ import annotations

import signal
import sys


def run() -> int:
    """The command line, with Ctrl-C at any moment one line and exit 130: also while the
    command line itself loads, before it can catch anything, and once it has finished, while
    the interpreter shuts down (Python then restores the default action, which would end the
    process by the signal, with no message and not the command's exit code)."""
    try:
        from .cli import main  # deferred: inside the guard, so a Ctrl-C while it loads is caught

        return main()
    except KeyboardInterrupt:
        sys.stderr.write("scalingtool: error: interrupted\n")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command is done: nothing left to interrupt


if __name__ == "__main__":  # not when a worker process re-imports the main module (Dask)
    raise SystemExit(run())

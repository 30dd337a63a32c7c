"""``python -m scalingtool``: the same as the ``scalingtool`` command."""

from .cli import main

raise SystemExit(main())

"""The built-in recipes: TOML files (no code), installed as the data package
``scalingtool.recipes``; ``references/`` holds their recorded reference runs (JSON).

Read them through :mod:`scalingtool.run.builtin` (``scalingtool recipes`` on the command line).
"""

"""The built-in recipes, shipped as package data (TOML files, no code).

Read them through :mod:`scalingtool.run.builtin` (``scalingtool recipes`` on the command line).
"""

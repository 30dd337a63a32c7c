"""Regenerate the compiled theory files: ``python -m scalingtool.theory.compiled``."""

import json
from pathlib import Path

from ...files import write_text_atomic
from . import compile_theory

for dynamics in ("sgd", "gd"):
    path = Path(__file__).with_name(f"{dynamics}.json")
    write_text_atomic(path, json.dumps(compile_theory(dynamics), indent=1) + "\n")
    print(f"wrote {path}")

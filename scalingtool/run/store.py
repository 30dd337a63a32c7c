"""Resumable storage of a recipe run: one JSON file per part, written atomically.

``DIR/parts/<id>.json`` holds ``{"params": ..., "data": ...}``. A part whose file exists
with the same ``params`` is not recomputed; an interrupted run leaves only whole files
(each is written to a temporary file and renamed), so re-running resumes where it stopped.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import write_text_atomic

__all__ = ["Store", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Fractions as text, non-finite floats as text, containers recursively."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return to_jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


class Store:
    """The output folder of one recipe run."""

    def __init__(self, folder: str | Path, create: bool = True):
        self.folder = Path(folder)
        if not create:
            if not self.folder.is_dir():
                raise UsageError(f"{self.folder}: no such folder")
            return
        try:
            (self.folder / "parts").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create output folder {str(self.folder)!r}: {exc.strerror}") from None

    def _path(self, part_id: str) -> Path:
        return self.folder / "parts" / f"{part_id}.json"

    def load(self, part_id: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The stored data of a part computed with exactly ``params``, else ``None``."""
        path = self._path(part_id)
        if not path.exists():
            return None
        try:
            stored = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None  # unreadable: recompute and overwrite
        if stored.get("params") != to_jsonable(params):
            return None
        return stored.get("data")

    def save(self, part_id: str, params: dict[str, Any], data: dict[str, Any]) -> None:
        write_text_atomic(self._path(part_id), json.dumps(
            {"params": to_jsonable(params), "data": to_jsonable(data)}) + "\n")

    def write_json(self, name: str, document: dict[str, Any]) -> Path:
        path = self.folder / name
        write_text_atomic(path, json.dumps(to_jsonable(document), indent=2) + "\n")
        return path

    def read_json(self, name: str) -> dict[str, Any]:
        path = self.folder / name
        try:
            return json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{self.folder}: no {name} here; is this the output folder of `scalingtool run`?") from None
        except (OSError, ValueError) as exc:
            raise UsageError(f"{path}: cannot read ({exc.__class__.__name__})") from None

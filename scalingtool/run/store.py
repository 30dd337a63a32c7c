"""Resumable storage of a recipe run: one JSON file per part, written atomically.

``DIR/parts/<id>.json`` holds ``{"params": ..., "data": ...}``. A part whose file exists
with the same ``params`` is not recomputed; an interrupted run leaves only whole files
(each is written to a temporary file and renamed), so re-running resumes where it stopped.
Everything read back is validated against a schema (:mod:`.schema.models`); a write that fails
(full disk, a folder in the way) is one :class:`~scalingtool.errors.UsageError` naming the
file and the operating system's reason, and leaves no partial file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..echo import short_path
from ..errors import UsageError
from ..files import atomic_open, check_name_lengths, write_text_atomic
from ..jsonable import to_json
from ..readers import read_json
from .schema.messages import validate
from .schema.models import PartFile, RunFile, StoredData

__all__ = ["Store", "BlockedPart", "CorruptPart", "claim_folder", "folder_path", "STORE_MAX_BYTES"]

STORE_MAX_BYTES = 256 << 20  #: a stored part holds curves of at most ~1e5 points


class CorruptPart(UsageError):
    """A stored part that cannot be used (unreadable, invalid JSON, not matching its schema)."""


class BlockedPart(UsageError):
    """A folder where a stored part belongs: it cannot be read or replaced; delete it."""


def _ours(name: str) -> bool:
    """A stored part, or the temporary file of an interrupted atomic write of one."""
    return name.endswith(".json") or (name.startswith(".") and name.endswith(".tmp"))


def folder_path(folder: str | Path) -> Path:
    """``folder`` as a :class:`Path`: not empty, and every name in it one the file system takes."""
    if not str(folder).strip():
        raise UsageError("output folder: expected a folder name, got an empty one")
    return check_name_lengths(folder, "output folder")


def claim_folder(folder: Path, recipe: str) -> None:
    """Refuse a folder this run does not own, before anything is written into it: one that
    holds a run of another recipe, an unreadable ``run.json``, or files no run writes
    (a user's own). New, empty, an interrupted run (stored parts only) and a run of
    ``recipe`` are fine."""
    folder = folder_path(folder)
    if not folder.is_dir():
        return
    shown = short_path(folder)
    way_out = "name a new or empty folder with --out, or add --force to write into it anyway"
    if (folder / "run.json").exists():
        try:
            owner = Store(folder, create=False).read_run().recipe
        except UsageError:
            raise UsageError(f"{shown}: holds a run.json that is not a readable run; {way_out}") from None
        if owner != recipe:
            raise UsageError(f"{shown}: holds a run of recipe {owner!r}, not {recipe!r}; {way_out}")
        return
    strangers = [e.name for e in folder.iterdir() if e.name != "parts"]
    parts = folder / "parts"
    if parts.is_dir():
        strangers += [f"parts/{e.name}" for e in parts.iterdir() if not (e.is_file() and _ours(e.name))]
    elif parts.exists():
        strangers.append("parts")
    if strangers:
        raise UsageError(f"{shown}: holds files that are not a run of recipe {recipe!r} "
                         f"({', '.join(sorted(strangers)[:3])}{', ...' if len(strangers) > 3 else ''}); {way_out}")


class Store:
    """The output folder of one recipe run."""

    def __init__(self, folder: str | Path, create: bool = True, recipe: str | None = None, force: bool = False):
        """Open ``folder``; with ``create``, make it (and ``parts/``). With ``recipe``, the folder
        must be new, empty, or a run of that recipe (:func:`claim_folder`) unless ``force``."""
        self.folder = folder_path(folder)
        shown = short_path(self.folder)
        if not create:
            if not self.folder.is_dir():
                raise UsageError(f"{shown}: no such folder")
            return
        if self.folder.exists() and not self.folder.is_dir():
            raise UsageError(f"{shown}: exists and is not a folder; name a new or existing output folder")
        if recipe is not None and not force:
            claim_folder(self.folder, recipe)
        try:
            (self.folder / "parts").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create output folder {shown}: {exc.strerror}") from None

    def part_path(self, part_id: str) -> Path:
        return self.folder / "parts" / f"{part_id}.json"

    def load(self, part_id: str, params: dict[str, Any], model: type[StoredData]) -> dict[str, Any] | None:
        """The validated data of a part stored with exactly ``params``; ``None`` when there is
        none or it was computed with other parameters. A corrupt file raises :class:`CorruptPart`
        naming it; a folder in its place raises :class:`BlockedPart`."""
        path = self.part_path(part_id)
        if path.is_dir():
            raise BlockedPart(f"{short_path(path)}: is a folder, not a stored part; delete it")
        if not path.exists():
            return None
        try:
            stored = validate(PartFile, read_json(path, "stored part", STORE_MAX_BYTES), short_path(path))
            if stored.params != to_json(params):
                return None
            return validate(model, stored.data, short_path(path), "data").plain()
        except UsageError as exc:
            raise CorruptPart(str(exc)) from None

    def save(self, part_id: str, params: dict[str, Any], data: dict[str, Any]) -> None:
        """Store a part atomically."""
        stored = {"params": to_json(params), "data": to_json(data)}
        path = self.part_path(part_id)
        write_text_atomic(path, json.dumps(stored) + "\n")

    def write_json(self, name: str, document: dict[str, Any]) -> Path:
        path = self.folder / name
        write_text_atomic(path, json.dumps(to_json(document), indent=2) + "\n")
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.folder / name
        write_text_atomic(path, text)
        return path

    def write_bytes(self, name: str, fill: Any) -> Path:
        """Write ``name`` atomically with ``fill(handle)`` (a binary file, e.g. a figure)."""
        path = self.folder / name
        with atomic_open(path, "wb") as handle:
            fill(handle)
        return path

    def read_run(self) -> RunFile:
        """``run.json``, validated (one line naming the file and key on any problem)."""
        path = self.folder / "run.json"
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{short_path(self.folder)}: no run.json here; is this the output folder of a recipe run?")
        return validate(RunFile, read_json(path, "run file", STORE_MAX_BYTES), short_path(path))

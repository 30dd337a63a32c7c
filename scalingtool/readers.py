"""Guarded readers for the files users write or hand over: TOML text, JSON documents and
``.npy`` arrays.

Each reader bounds what it reads before parsing it (nesting depth and number length of TOML,
the bytes of a JSON document, an array's declared size against the file's bytes and the memory allowance) and turns every
failure into one :class:`~scalingtool.errors.UsageError` line naming the file, so that no
hostile file reaches a parser that would take quadratic time, allocate what a header claims
or end in a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from .echo import first_line, short_path, shown
from .errors import UsageError
from .files import read_user_text
from .resources import require_memory

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["parse_toml", "toml_depth", "read_json", "read_npy", "npy_header", "TOML_MAX_DEPTH"]

#: deepest nesting of a TOML document (tables, arrays, dotted keys): far beyond any recipe or
#: claims file, far below where tomllib's time grows quadratically with the depth
TOML_MAX_DEPTH = 64
_QUOTES = ('"""', "'''", '"', "'")


def _skip_string(text: str, i: int) -> int:
    """The index just past the string that starts at ``text[i]`` (unterminated: the end)."""
    quote = next(q for q in _QUOTES if text.startswith(q, i))
    j = i + len(quote)
    while j < len(text):
        if quote[0] == '"' and text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        if len(quote) == 1 and text[j] == "\n":
            return j
        j += 1
    return j


def toml_depth(text: str) -> int:
    """The deepest nesting in ``text``: open brackets and braces plus the dots of the key being
    written, outside strings and comments (a linear scan, before any parsing)."""
    depth, deepest, dots, i = 0, 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == ".":
            dots += 1
        elif c in "=\n,":
            dots = 0
        deepest = max(deepest, depth + dots)
        i += 1
    return deepest


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """The TOML document in ``text``, or one line naming ``source`` and what is wrong."""
    depth = toml_depth(text)
    if depth > TOML_MAX_DEPTH:
        raise UsageError(f"{source}: not valid TOML here: nested {depth} levels deep (at most {TOML_MAX_DEPTH})")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: not valid TOML: {first_line(exc, 120)}") from None
    except RecursionError:
        raise UsageError(f"{source}: not valid TOML: nested too deeply") from None
    except ValueError as exc:  # a number past Python's digit limit for int()
        raise UsageError(f"{source}: not valid TOML: {first_line(exc, 120)}") from None


def read_json(path: str | os.PathLike[str], what: str, cap: int) -> Any:
    """The JSON document in ``path``, read capped at ``cap`` bytes; invalid JSON is a one-line
    :class:`UsageError`."""
    text = read_user_text(path, what, limit=cap)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{short_path(path)}: not valid JSON ({shown(str(exc), 80)[1:-1]})") from None
    except RecursionError:
        raise UsageError(f"{short_path(path)}: not valid JSON (nested too deeply)") from None


def npy_header(path: Path, handle: Any) -> tuple[tuple[int, ...], Any, bool]:
    """``(shape, dtype, fortran_order)`` of an open ``.npy`` file, checked: no objects (they
    would need pickles), a sane shape, and as many bytes in the file as the header declares."""
    # deferred: NumPy; TOML reading ('scalingtool recipes', 'verify --exact-only') never needs it
    import numpy as np
    from numpy.lib import format as npy

    try:
        version = npy.read_magic(handle)
    except ValueError:
        raise UsageError(f"{path}: cannot read: not a .npy file (an .npz archive or text saved as .npy?)") from None
    try:
        reader = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, fortran, dtype = reader(handle)
    except Exception as exc:  # numpy raises ValueError, SyntaxError or tokenize errors on a bad header
        raise UsageError(f"{path}: cannot read: not a readable .npy file ({first_line(exc, 120)})") from None
    if dtype.hasobject or dtype.kind not in "fiub":
        raise UsageError(f"{path}: expected numbers, found an array of {dtype}")
    if any(int(n) < 0 for n in shape):
        raise UsageError(f"{path}: the header declares an impossible shape {shape}")
    needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    held = os.fstat(handle.fileno()).st_size - handle.tell()
    if needed > held:
        raise UsageError(f"{path}: the header declares shape {shape} ({needed} bytes) but the file holds "
                         f"{held} bytes of data (truncated or not a .npy file)")
    return tuple(int(n) for n in shape), dtype, bool(fortran)


def read_npy(path: Path, what: str) -> Any:
    """The array of a ``.npy`` file, its size asked of the memory allowance before reading."""
    import numpy as np  # deferred: NumPy, as in npy_header

    try:
        with open(path, "rb") as handle:
            shape, dtype, fortran = npy_header(path, handle)
            count = int(np.prod(shape, dtype=object))
            require_memory(count * max(dtype.itemsize, 8), f"the {what} in {path} ({shape})", f"the size of {path}")
            data = np.fromfile(handle, dtype=dtype, count=count)
    except PermissionError:
        raise UsageError(f"{path}: cannot read (permission denied)") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    return data.reshape(shape, order="F" if fortran else "C")

"""What a message quotes of a user's input: never a long value whole.

:func:`shown` quotes a value (text and numbers as their ``repr``, cut to a number of
characters and marked ``...``; a list or table by its size; anything else by its type);
:func:`short_path` a path (the middle of a very long one cut out, its ends kept);
:func:`first_line` the first line of an exception's message. Only the
standard library is imported.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["ECHO", "shown", "short_path", "first_line"]

ECHO = 60  #: characters of a bad value echoed in a message, unless a caller says otherwise


def shown(value: Any, limit: int = ECHO) -> str:
    """``value`` as quoted in a message, at most ``limit`` characters (``limit`` at least 8):
    ``'abc'``, ``'abcdef...'``, ``2.5``, ``a list of 3 items``, ``a table``, ``NoneType``; a path
    as its text."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, list):
        return f"a list of {len(value)} item" + ("" if len(value) == 1 else "s")
    if isinstance(value, dict):
        return "a table"
    if not isinstance(value, (str, bytes, int, float, bool)):
        return type(value).__name__
    text_like = isinstance(value, (str, bytes))
    text = repr(value[:limit + 1] if text_like else value)  # never the repr of a huge text
    if len(text) <= limit:
        return text
    end = text[-1] if text_like else ""  # the closing quote
    return text[:limit - 3 - len(end)] + "..." + end


def short_path(path: str | os.PathLike[str], limit: int = 200) -> str:
    """A path as shown in messages (the middle of a very long one cut out)."""
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-limit // 3:]}"


def first_line(exc: BaseException, limit: int) -> str:
    """The first line of an exception's message (its class name when it has none), cut to
    ``limit`` characters and marked ``...``."""
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    return text if len(text) <= limit else text[:limit] + "..."

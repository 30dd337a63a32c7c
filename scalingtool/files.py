"""Files the user names: capped reads, atomic writes, one-line errors.

Every file is written to a temporary file in the destination folder and then renamed over
the target with :func:`os.replace` (atomic on POSIX and Windows), so nothing the user asked
to write is ever left half-written: a full disk, a file-size limit or Ctrl-C leaves the old
file (or none) in place. Files get the permissions the user's umask gives a new file.

Reads are capped (:data:`MAX_READ_BYTES`) and refuse what is not a regular file, so a path
such as ``/dev/zero`` or a named pipe cannot exhaust memory or hang the program.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .echo import shown
from .errors import UsageError

__all__ = ["atomic_open", "check_name_lengths", "check_output_path", "check_user_file", "read_user_bytes", "read_user_text",
           "write_text_atomic", "MAX_READ_BYTES"]

#: Largest file :func:`read_user_text` reads (recipes, claims and stored results are small).
MAX_READ_BYTES = 16 * 2**20
#: the longest file or folder name (bytes) of common file systems; the temporary name of an
#: atomic write adds about 20 bytes to at most 100 of the name
NAME_MAX = 255


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_name_lengths(path: str | os.PathLike[str], what: str) -> Path:
    """``path`` as a :class:`Path`, or a :class:`UsageError` when a name in it holds a NUL or is
    longer than the file system takes (:data:`NAME_MAX` bytes): asked before the path is used,
    never an ``OSError`` after a computation."""
    if "\x00" in str(path):
        raise UsageError(f"{what}: cannot use {shown(str(path), 80)}: a name cannot hold a NUL character")
    target = Path(path)
    longest = max((len(os.fsencode(part)) for part in target.parts), default=0)
    if longest > NAME_MAX:
        raise UsageError(f"{what}: cannot use {shown(target, 80)}: a name in it has {longest} bytes "
                         f"(at most {NAME_MAX})")
    return target


def check_output_path(path: str | os.PathLike[str], what: str = "output file") -> Path:
    """``path`` as a :class:`Path` if a file can be written there, else a :class:`UsageError`.

    Refused: an empty name, a name longer than the file system takes, an existing folder, a
    missing parent folder. Checked before any work is done, so that a long computation is not
    lost to a typo in the output name.
    """
    if not str(path).strip():
        raise UsageError(f"{what}: expected a file name, got an empty string")
    target = check_name_lengths(path, what)
    try:
        if target.is_dir():
            raise UsageError(f"{what}: cannot write {shown(target, 80)}: it is a folder (name a file inside it)")
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise UsageError(f"{what}: cannot write {shown(target, 80)}: folder {shown(folder, 80)} does not exist")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise UsageError(f"{what}: cannot write {shown(target, 80)} ({reason})") from None
    return target


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; rename it onto ``path`` on success.

    If the block raises (including ``KeyboardInterrupt``), the temporary file is removed
    and ``path`` is left untouched. An operating-system error (a full disk, a file-size
    limit, no permission) becomes one :class:`UsageError` naming the file and the reason.
    """
    target = check_output_path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if "b" in mode:
        encoding = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write {shown(target, 80)}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, (BrokenPipeError, InterruptedError)):
            reason = exc.strerror or exc.__class__.__name__
            raise UsageError(f"cannot write {shown(target, 80)}: {reason} (nothing was written)") from None
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    with atomic_open(path, "w", newline="") as handle:
        handle.write(text)


def check_user_file(path: str | os.PathLike[str], what: str = "file",
                    limit: int = MAX_READ_BYTES) -> Path:
    """``path`` as a :class:`Path` if it names a regular file of at most ``limit`` bytes, else a
    one-line :class:`UsageError` (empty name, missing, a folder, a device or pipe, too large).

    For readers that open the file themselves (``numpy.load``): a device such as ``/dev/zero``
    reports size 0, so the size alone would not stop it.
    """
    if not str(path).strip():
        raise UsageError(f"{what}: expected a file name, got an empty string")
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UsageError(f"{shown(path, 80)}: no such {what}") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise UsageError(f"{shown(path, 80)}: cannot read {what} ({reason})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{shown(path, 80)}: is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{shown(path, 80)}: not a regular file (a device or a pipe?); expected a {what}")
    if info.st_size > limit:
        raise UsageError(f"{shown(path, 80)}: {what} too large ({_size(info.st_size)}; "
                         f"{_size(limit)} read at most)")
    return path


def _size(nbytes: float) -> str:
    return f"{nbytes / 2**30:.3g} GiB" if nbytes >= 2**30 else f"{nbytes / 2**20:.3g} MiB"


def read_user_bytes(path: str | os.PathLike[str], what: str = "file",
                    limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of a regular file the user named, at most ``limit`` of them, or a one-line
    :class:`UsageError` (see :func:`check_user_file`; a file that grows past ``limit`` while
    being read is refused too)."""
    path = check_user_file(path, what, limit)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"{shown(path, 80)}: cannot read {what} ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > limit:
        raise UsageError(f"{shown(path, 80)}: {what} too large (more than {_size(limit)}; "
                         f"{_size(limit)} read at most)")
    return data


def read_user_text(path: str | os.PathLike[str], what: str = "file", limit: int = MAX_READ_BYTES) -> str:
    """The UTF-8 text of a file the user named (see :func:`read_user_bytes`)."""
    data = read_user_bytes(path, what, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{shown(path, 80)}: cannot read {what} (not UTF-8 text)") from None

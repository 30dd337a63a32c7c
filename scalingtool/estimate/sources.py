"""Reading and checking what the user hands to ``estimate`` (theory §6).

Arrays come from ``.npy`` (loaded without pickles), ``.csv`` or plain text (one value a
line, or rows of values). Every check fails with one line naming the problem
(:class:`~scalingtool.errors.UsageError`): a missing, unreadable or oversized file, a
folder, NaN or inf entries, wrong shapes, labels of the wrong length, too few samples, a
non-symmetric or indefinite Gram matrix. Memory for P x P matrices is estimated before they
are allocated (:func:`check_memory`).
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import numpy as np

from ..echo import first_line, shown
from ..errors import UsageError
from ..files import check_user_file
from ..readers import npy_header, read_npy
from ..resources import physical_bytes, require_memory
from .deps import require_scipy

__all__ = ["MIN_SAMPLES", "MAX_FILE_BYTES", "MAX_ENTRY", "SYMMETRY_TOL", "PSD_TOL", "load_array", "load_features",
           "load_gram", "load_labels", "load_vector", "check_memory", "default_max_memory",
           "check_finite", "check_gram", "check_psd", "check_psd_fast", "parse_memory"]

#: fewest samples for which a spectrum over a decade of modes, well below P, can exist
MIN_SAMPLES = 64
#: largest file read (bytes): 8 GiB, a 32768 x 32768 float64 Gram
MAX_FILE_BYTES = 8 * 2**30
#: largest size of an entry: squares of entries, summed over a P x P product, stay finite in float64
MAX_ENTRY = 1e150
#: relative asymmetry ``max|K - K^T| / max|K|`` accepted (round-off of a float32 Gram is ~1e-7)
SYMMETRY_TOL = 1e-6
#: most negative eigenvalue accepted, relative to the largest (round-off of a P x P eigensolver)
PSD_TOL = 1e-6


def _path(path: str | os.PathLike[str], what: str) -> Path:
    return check_user_file(path, f"{what} file", MAX_FILE_BYTES)


def load_array(path: str | os.PathLike[str], what: str) -> np.ndarray:
    """A float array from ``.npy`` (no pickles), ``.csv`` or whitespace-separated text."""
    p = _path(path, what)
    try:
        if p.suffix.lower() == ".npy":
            arr = read_npy(p, what)
        else:
            # text holds at most one number per two bytes, each eight bytes once read
            require_memory(4.0 * p.stat().st_size, f"the {what} in {p}", f"the size of {p}")
            delimiter = "," if p.suffix.lower() == ".csv" else None
            with warnings.catch_warnings():  # an empty file is refused below by its size, in one line
                warnings.filterwarnings("ignore", "loadtxt: input contained no data", UserWarning)
                arr = np.loadtxt(p, delimiter=delimiter, dtype=float, ndmin=1)
    except UsageError:
        raise
    except PermissionError:
        raise UsageError(f"{p}: cannot read (permission denied)") from None
    except (ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise UsageError(f"{p}: cannot read as numbers ({first_line(exc, 120)})") from None
    if arr.dtype.kind not in "fiub":
        raise UsageError(f"{p}: expected numbers, found an array of {arr.dtype}")
    arr = np.asarray(arr, dtype=np.float32 if arr.dtype == np.float32 else np.float64)
    check_finite(arr, f"{p}")
    largest = float(np.max(np.abs(arr), initial=0.0))
    if largest > MAX_ENTRY:
        raise UsageError(f"{p}: an entry is {largest:.3g} in size, more than {MAX_ENTRY:g} (products of such "
                         "entries overflow; rescale the data: alpha and beta do not depend on its scale)")
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Refuse NaN or inf entries, naming the first one."""
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise UsageError(f"{name}: entry {index if len(index) > 1 else index[0]} is {arr[index]!r} "
                         "(NaN or inf entries are not allowed)")


def _enough(samples: int, name: str) -> None:
    if samples < MIN_SAMPLES:
        raise UsageError(f"{name}: {samples} samples; at least {MIN_SAMPLES} are needed for a spectrum "
                         "with a decade of modes well below P")


def load_vector(path: str | os.PathLike[str], what: str) -> np.ndarray:
    """A 1-D array (a column of a 2-D file with one column is accepted)."""
    arr = load_array(path, what)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise UsageError(f"{path}: expected one value a line (a vector), got shape {arr.shape}")
    return arr.astype(np.float64)


def load_labels(path: str | os.PathLike[str], samples: int) -> np.ndarray:
    """Labels: one value per sample, or a P x C target (a row per sample, a column per output;
    its target power is summed over the columns, :mod:`.spectrum`)."""
    y = load_array(path, "labels").astype(np.float64)
    if y.ndim == 2 and 1 in y.shape:
        y = y.reshape(-1)
    if y.ndim not in (1, 2) or y.shape[0] != samples:
        raise UsageError(f"{path}: labels of shape {y.shape} for {samples} samples (expected one per sample, "
                         "or a P x C target with a row per sample)")
    if not np.any(y != y[:1]):
        raise UsageError(f"{path}: every label is the same; a constant target has no power law")
    return y


def load_features(path: str | os.PathLike[str], max_memory: float) -> np.ndarray:
    """Features: P x M, checked; the memory of the P x P kernel is checked first."""
    x = load_array(path, "features")
    if x.ndim != 2:
        raise UsageError(f"{path}: features must be a P x M matrix (samples by features), got shape {x.shape}")
    _enough(x.shape[0], str(path))
    check_memory(gram_bytes(x.shape[0]), max_memory, f"a {x.shape[0]} x {x.shape[0]} kernel")
    return x


def load_gram(path: str | os.PathLike[str], max_memory: float) -> np.ndarray:
    """A P x P Gram matrix (float64), checked square and symmetric (PSD is checked on its spectrum)."""
    p = _path(path, "Gram")
    if p.suffix.lower() == ".npy":  # read the header only, to check the size before loading
        shape = _npy_shape(p)
        if len(shape) == 2 and shape[0] == shape[1]:
            check_memory(gram_bytes(shape[0]), max_memory, f"a {shape[0]} x {shape[0]} Gram matrix")
    k = load_array(p, "Gram")
    if k.ndim != 2 or k.shape[0] != k.shape[1]:
        raise UsageError(f"{path}: a Gram matrix must be square (P x P), got shape {k.shape}")
    _enough(k.shape[0], str(path))
    check_memory(gram_bytes(k.shape[0]), max_memory, f"a {k.shape[0]} x {k.shape[0]} Gram matrix")
    k = k.astype(np.float64)
    check_gram(k, str(path))
    return k


def _npy_shape(p: Path) -> tuple[int, ...]:
    """The shape a ``.npy`` file's header declares (checked against the file's bytes)."""
    try:
        with open(p, "rb") as handle:
            return npy_header(p, handle)[0]
    except OSError as exc:
        raise UsageError(f"{p}: cannot read ({exc.strerror or exc.__class__.__name__})") from None


def check_gram(k: np.ndarray, name: str) -> None:
    """Symmetric to ``SYMMETRY_TOL`` relative to its largest entry."""
    scale = float(np.max(np.abs(k)))
    if scale == 0:
        raise UsageError(f"{name}: the Gram matrix is zero")
    asym = float(np.max(np.abs(k - k.T))) / scale
    if asym > SYMMETRY_TOL:
        raise UsageError(f"{name}: the Gram matrix is not symmetric (max |K - K^T| / max |K| = {asym:.2g} "
                         f"> {SYMMETRY_TOL:g})")


def check_psd(eigenvalues: np.ndarray, name: str) -> None:
    """No eigenvalue below ``-PSD_TOL`` times the largest (a kernel is positive semi-definite)."""
    top = float(np.max(eigenvalues))
    low = float(np.min(eigenvalues))
    if top <= 0 or low < -PSD_TOL * top:
        raise UsageError(f"{name}: the Gram matrix is indefinite (smallest eigenvalue {low:.3g}, largest "
                         f"{top:.3g}; below -{PSD_TOL:g} x largest is not round-off)")


def _top_eigenvalue(gram: np.ndarray, iterations: int = 20) -> float:
    """The Rayleigh quotient after ``iterations`` power steps: a lower bound on the largest
    eigenvalue, within ``(lambda_2 / lambda_1)^(2 iterations)`` of it (or of a cluster of them)."""
    v = np.random.default_rng(0).standard_normal(gram.shape[0])
    v /= np.linalg.norm(v)
    quotient = 0.0
    for _ in range(iterations):
        w = gram @ v
        quotient = float(v @ w)
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            return 0.0
        v = w / norm
    return quotient


def check_psd_fast(gram: np.ndarray, name: str) -> None:
    """:func:`check_psd` without an eigen-decomposition: ``K + PSD_TOL lambda_1 I`` has a Cholesky
    factor iff no eigenvalue is below ``-PSD_TOL lambda_1`` (``lambda_1`` by power iteration; a
    Cholesky costs ``P^3 / 3`` flops in blocked BLAS 3, a tridiagonal reduction ``4 P^3 / 3``
    mostly in BLAS 2). Only when the factorisation fails is the smallest eigenvalue computed,
    for the message. ``gram`` is not modified (the test works on a copy).
    """
    scipy = require_scipy()
    top = _top_eigenvalue(gram)
    if top > 0:
        shifted = gram.copy()
        shifted.flat[:: gram.shape[0] + 1] += PSD_TOL * top
        _, info = scipy.linalg.lapack.dpotrf(shifted, lower=1, clean=0, overwrite_a=1)
        del shifted
        if info == 0:
            return
    size = gram.shape[0]
    low = scipy.linalg.eigh(gram, eigvals_only=True, subset_by_index=(0, 0), check_finite=False)
    high = scipy.linalg.eigh(gram, eigvals_only=True, subset_by_index=(size - 1, size - 1), check_finite=False)
    check_psd(np.array([low[0], high[0]]), name)


def gram_bytes(samples: int) -> float:
    """Peak bytes of the decomposition: the P x P matrix, its eigenvectors and workspace (~3 copies)."""
    return 3.0 * 8.0 * samples * samples


def default_max_memory() -> float:
    """Half of this machine's physical memory (:func:`scalingtool.resources.physical_bytes`)."""
    return 0.5 * float(physical_bytes())


def parse_memory(text: str) -> float:
    """``"2G"``, ``"512M"``, ``"1.5GiB"`` or a number of bytes -> bytes."""
    s = text.strip().upper().removesuffix("IB").removesuffix("B")
    factor = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(s[-1:], 1)
    number = s[:-1] if s[-1:] in "KMGT" and s else s
    try:
        value = float(number) * factor
    except ValueError:
        raise UsageError(f"memory: expected a size such as 2G or 512M, got {shown(text)}") from None
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"memory: expected a positive size, got {shown(text)}")
    return value


def check_memory(nbytes: float, limit: float, what: str) -> None:
    """Refuse to allocate ``what`` when it needs more than ``limit`` bytes."""
    if nbytes > limit:
        raise UsageError(f"{what} needs about {nbytes / 2**30:.2f} GiB, more than the memory limit of "
                         f"{limit / 2**30:.2f} GiB: use fewer samples or raise the memory limit")

"""Optional dependencies of the estimator, imported on first use with a one-line message."""

from __future__ import annotations

from typing import Any

from ..errors import UsageError

__all__ = ["require_scipy", "require_threadpoolctl", "require_torch"]


def require_scipy() -> Any:
    """``scipy`` or a usage error naming the extra that installs it."""
    try:
        import scipy.linalg  # optional extra: scipy
        import scipy.optimize  # noqa: F401
    except ImportError:
        raise UsageError("estimate needs scipy: pip install 'scalingtool[estimate]'") from None
    import scipy

    return scipy


def require_threadpoolctl() -> Any:
    """``threadpoolctl.threadpool_limits`` (the bootstrap's threads each run a single-threaded
    BLAS) or a usage error naming the extra that installs it."""
    try:
        from threadpoolctl import threadpool_limits  # optional extra: threadpoolctl
    except ImportError:
        raise UsageError("estimate needs threadpoolctl: pip install 'scalingtool[estimate]'") from None
    return threadpool_limits


def require_torch() -> Any:
    """``torch`` (with ``torch.func``) or a usage error naming the extra."""
    try:
        import torch  # optional extra: torch
        import torch.func  # noqa: F401
    except ImportError:
        raise UsageError("the NTK of a model needs PyTorch: pip install 'scalingtool[torch]'") from None
    return torch

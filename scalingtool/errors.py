"""Exceptions that the CLI turns into one-line messages and exit codes.

``UsageError`` (exit 2) is for anything the user can fix by changing the input:
out-of-range exponents, malformed numbers or files, unstable learning rates.
``VerificationFailed`` (exit 1) is raised by nothing in the library; the CLI uses
exit 1 only for a verification table with a failing row.
"""

from __future__ import annotations


class ScalingToolError(Exception):
    """Base class of every error scalingtool raises on purpose."""

    exit_code = 1


class UsageError(ScalingToolError, ValueError):
    """Bad input: the message names the value and what was expected (exit code 2).

    ``field`` names the validated quantity (a key of :data:`scalingtool.params.LIMITS`, or
    ``"precision"``) when the error is about one, so that the command line can name its flag.
    """

    exit_code = 2

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NumericalError(ScalingToolError, ArithmeticError):
    """A computation could not be carried out as asked (diverged, did not converge)."""

    exit_code = 2

"""A pytest plugin: files named ``*.claims.toml`` under the test paths are tests.

Installed with scalingtool (entry point ``pytest11``), so a project checks its derivations
with a plain ``pytest``: each ``[[claim]]`` becomes one test item named after its
``name``, checked exactly against the theory engine and, where an exact solver covers it,
numerically (``--claims-exact-only`` skips the numerics, like ``verify --exact-only``). A
wrong claim fails with the message ``scalingtool verify`` prints (predicted, measured,
tolerance); a malformed file is one collection error naming the file, claim and key.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from ..errors import UsageError
from .checks import FAIL
from .report import claim_message, row_message

SUFFIX = ".claims.toml"


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("scalingtool", "scalingtool claims files")
    group.addoption("--claims-exact-only", action="store_true", default=False,
                    help="check *.claims.toml claims against the theory engine only (no numerics)")


def pytest_collect_file(parent: Any, file_path: Any) -> Any:
    if file_path.name.endswith(SUFFIX):
        return ClaimsFile.from_parent(parent, path=file_path)
    return None


class ClaimFailed(AssertionError):
    """A claim that the theory or the numerics contradict; the message has the numbers."""


class ClaimsFile(pytest.File):
    """One claims file: one :class:`ClaimItem` per claim."""

    def collect(self) -> Iterator["ClaimItem"]:
        from .claims import load_claims  # deferred: every pytest session loads this plugin; pydantic only here

        try:
            claims = load_claims(self.path)
        except UsageError as exc:
            raise self.CollectError(str(exc)) from None
        seen: dict[str, int] = {}
        for claim in claims:
            seen[claim.name] = seen.get(claim.name, 0) + 1
            name = claim.name if seen[claim.name] == 1 else f"{claim.name} [{claim.index}]"
            yield ClaimItem.from_parent(self, name=name, claim=claim)


class ClaimItem(pytest.Item):
    """One claim, checked as ``scalingtool verify --claims`` checks it."""

    def __init__(self, *, claim: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim

    def runtest(self) -> None:
        from .claim_checks import check_claims  # deferred: pydantic, as in collect

        exact_only = bool(self.config.getoption("claims_exact_only"))
        rows = check_claims([self.claim], exact_only=exact_only)
        for row in rows:
            self.add_report_section("call", "claim", f"{row_message(row)}; {row.note}")
        if any(r.status == FAIL for r in rows):
            raise ClaimFailed(claim_message(rows))

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        if isinstance(excinfo.value, ClaimFailed):
            return f"{self.path.name}: claim {self.claim.index} ({self.claim.name}): {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"claim {self.claim.index}: {self.name}"

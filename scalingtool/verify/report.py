"""How verification rows are told: one-line failure messages, claims grouped per claim,
and the JUnit XML suites (one test case per claim, one per tier row)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..junit import TestCase, TestSuite
from .checks import FAIL, SKIP, Check

__all__ = ["value_text", "row_message", "claim_message", "claim_groups", "junit_suites"]


def value_text(value: Any) -> str:
    """A cell as text: exact fractions as ``p/q``, floats to 6 significant digits."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    if isinstance(value, Fraction) and len(text) > 24:  # a claimed 10^500 is not printed whole
        try:
            return f"{float(value):.6g}"
        except OverflowError:
            return f"{'-' if value < 0 else ''}{'huge' if abs(value) > 1 else 'tiny'} ({len(text)} digits)"
    return text


def row_message(check: Check) -> str:
    """``predicted X, measured Y, tolerance Z`` with the row's kind and status."""
    what = f"{check.kind} " if check.kind else ""
    text = (f"{what}{check.quantity}: predicted {value_text(check.predicted)}, measured "
            f"{value_text(check.measured)}, tolerance {value_text(check.tolerance)}")
    return f"{text}: {check.status}"


def claim_message(rows: list[Check]) -> str:
    """The failure message of one claim: each failing row's numbers, then its note."""
    failing = [r for r in rows if r.status == FAIL]
    return "; ".join(f"{row_message(r)} ({r.note})" if r.note else row_message(r) for r in failing)


def claim_groups(checks: list[Check]) -> list[tuple[str, str, list[Check]]]:
    """``(source, claim name, rows)`` for each claim, in order."""
    groups: list[tuple[str, str, list[Check]]] = []
    for check in checks:
        if check.tier != "claims":
            continue
        if check.kind == "exact" or not groups:  # each claim's rows start with its exact check
            groups.append((check.source, check.case, []))
        groups[-1][2].append(check)
    return groups


def _claim_case(source: str, name: str, rows: list[Check]) -> TestCase:
    output = "\n".join(f"{row_message(r)}; {r.note}" for r in rows)
    case = TestCase(classname=f"claims.{source}", name=name, output=output,
                    time=sum(r.seconds for r in rows))
    if any(r.status == FAIL for r in rows):
        case.failure = claim_message(rows)
        case.details = output
    elif all(r.status == SKIP for r in rows):
        case.skipped = "; ".join(r.note for r in rows)
    return case


def _row_case(check: Check) -> TestCase:
    case = TestCase(classname=f"verify.{check.tier}", name=f"{check.case} {check.quantity}",
                    output=check.note)
    if check.status == FAIL:
        case.failure = f"{row_message(check)} ({check.note})" if check.note else row_message(check)
    elif check.status == SKIP:
        case.skipped = check.note
    return case


def junit_suites(checks: list[Check]) -> list[TestSuite]:
    """One suite per claims file (a test case per claim) and per tier (a case per row)."""
    suites: dict[str, TestSuite] = {}
    for source, name, rows in claim_groups(checks):
        suites.setdefault(f"claims {source}", TestSuite(f"scalingtool claims {source}")).cases.append(
            _claim_case(source, name, rows))
    for check in checks:
        if check.tier != "claims":
            suites.setdefault(check.tier, TestSuite(f"scalingtool verify {check.tier}")).cases.append(
                _row_case(check))
    return list(suites.values())

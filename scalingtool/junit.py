"""JUnit XML, the test-report format CI systems read (Jenkins, GitLab, GitHub Actions).

The document has the usual shape::

    <testsuites tests= failures= skipped= errors=>
      <testsuite name= tests= failures= skipped= errors= time=>
        <testcase classname= name= time=>
          <failure message= type=>details</failure>     (or <skipped message=/>)
          <system-out>notes</system-out>
        </testcase>

:func:`write_junit` writes it atomically (:mod:`scalingtool.files`).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Sequence

from .files import write_text_atomic

__all__ = ["TestCase", "TestSuite", "junit_xml", "write_junit"]


@dataclass
class TestCase:
    """One test case; ``failure`` (a one-line message) and ``skipped`` are exclusive."""

    __test__ = False  # not a pytest test class

    classname: str
    name: str
    time: float = 0.0
    failure: str | None = None
    details: str = ""
    skipped: str | None = None
    output: str = ""


@dataclass
class TestSuite:
    """A named list of test cases."""

    __test__ = False

    name: str
    cases: list[TestCase] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"tests": len(self.cases),
                "failures": sum(c.failure is not None for c in self.cases),
                "skipped": sum(c.failure is None and c.skipped is not None for c in self.cases),
                "errors": 0}


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters: drop them."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def junit_xml(suites: Sequence[TestSuite]) -> str:
    """The JUnit XML text of ``suites``."""
    root = ET.Element("testsuites")
    totals = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for suite in suites:
        counts = suite.counts()
        for key in totals:
            totals[key] += counts[key]
        node = ET.SubElement(root, "testsuite", name=_clean(suite.name),
                             time=f"{sum(c.time for c in suite.cases):.6f}",
                             **{k: str(v) for k, v in counts.items()})
        for case in suite.cases:
            item = ET.SubElement(node, "testcase", classname=_clean(case.classname),
                                 name=_clean(case.name), time=f"{case.time:.6f}")
            if case.failure is not None:
                fail = ET.SubElement(item, "failure", message=_clean(case.failure), type="AssertionError")
                fail.text = _clean(case.details or case.failure)
            elif case.skipped is not None:
                ET.SubElement(item, "skipped", message=_clean(case.skipped))
            if case.output:
                ET.SubElement(item, "system-out").text = _clean(case.output)
    root.attrib.update({k: str(v) for k, v in totals.items()})
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: str | os.PathLike[str], suites: Sequence[TestSuite]) -> None:
    """Write the JUnit XML of ``suites`` to ``path`` atomically."""
    write_text_atomic(path, junit_xml(suites))

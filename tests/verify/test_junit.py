"""--junit-xml: the usual JUnit shape (testsuites / testsuite / testcase / failure), one test
case per claim and per tier row, the failure message carrying the numbers."""

import xml.etree.ElementTree as ET

from scalingtool.junit import TestCase, TestSuite, junit_xml
from tests.verify.test_claims import RIGHT, write

WRONG = RIGHT.replace('value = "2*beta/(1+beta)"', 'value = "beta"')


def _check_shape(root):
    """Counts add up and every element has the attributes JUnit readers require."""
    assert root.tag == "testsuites"
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root:
        assert suite.tag == "testsuite" and suite.get("name")
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("skipped")) == sum(c.find("skipped") is not None for c in cases)
        assert suite.get("errors") == "0" and float(suite.get("time")) >= 0
        for case in cases:
            assert case.get("classname") and case.get("name") and float(case.get("time")) >= 0
            assert set(child.tag for child in case) <= {"failure", "skipped", "system-out"}
        for key in totals:
            totals[key] += int(suite.get(key))
    assert {k: int(root.get(k)) for k in totals} == totals


def test_claims_junit(cli, tmp_path):
    out = tmp_path / "report.xml"
    r = cli("verify", "--exact-only", "--claims", write(tmp_path, WRONG), "--junit-xml", str(out))
    assert r.code == 1
    root = ET.parse(out).getroot()
    _check_shape(root)
    [suite] = root
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["rich hard time exponent",
                                              "lazy hard compute, as a rounded decimal", "easy allocation"]
    failure = cases[0].find("failure")
    # the lazy exponent beta = 3/10 claimed for the rich one 2 beta/(1+beta) = 6/13
    assert failure.get("message").startswith("exact time: predicted 3/10, measured 6/13, tolerance 0: fail")
    assert [c.find("failure") is None for c in cases] == [False, True, True]
    assert all(float(c.get("time")) > 0 for c in cases)  # each claim's checks are timed
    assert not list(tmp_path.glob(".report.xml.*"))  # written atomically: no temporary left


def test_tier_rows_are_cases(cli, tmp_path):
    out = tmp_path / "report.xml"
    r = cli("verify", "--tier", "theory", "--quick", "--claims", write(tmp_path, RIGHT), "--exact-only",
            "--junit-xml", str(out), "-f", "json")
    assert r.code == 0
    root = ET.parse(out).getroot()
    _check_shape(root)
    suites = {s.get("name"): s for s in root}
    theory = suites["scalingtool verify theory"]
    assert len(theory.findall("testcase")) == r.out.count('"tier": "theory"')
    assert root.get("failures") == "0"


def test_junit_text_escapes_and_cleans():
    suite = TestSuite("s", [TestCase("c", 'a <b> & "q"\x01', failure="x < y", details="d"),
                            TestCase("c", "skipped one", skipped="why")])
    root = ET.fromstring(junit_xml([suite]))
    _check_shape(root)
    case = root.find("testsuite/testcase")
    assert case.get("name") == 'a <b> & "q"' and case.find("failure").get("message") == "x < y"

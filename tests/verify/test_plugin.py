"""The pytest plugin collects *.claims.toml files: one item per claim, named after it."""

from importlib.metadata import entry_points

from tests.verify.test_claims import RIGHT

pytest_plugins = ["pytester"]

WRONG = RIGHT.replace('value = "2*beta/(1+beta)"', 'value = "beta"')


def _args(*extra):
    """Load the plugin by module unless the installed entry point already does."""
    installed = any(ep.value == "scalingtool.verify.plugin" for ep in entry_points(group="pytest11"))
    return (*(() if installed else ("-p", "scalingtool.verify.plugin")), *extra)


def test_collects_right_and_wrong_claims(pytester):
    pytester.makefile(".claims.toml", good=RIGHT)
    sub = pytester.mkdir("derivations")
    (sub / "bad.claims.toml").write_text(WRONG)
    (sub / "notes.toml").write_text("not collected")
    result = pytester.runpytest(*_args("--claims-exact-only", "-v"))
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines([
        "*bad.claims.toml::rich hard time exponent FAILED*",
        "*good.claims.toml::rich hard time exponent PASSED*",
        "*claim 1 (rich hard time exponent): exact time: predicted 3/10, measured 6/13, tolerance 0: fail*",
    ])


def test_numeric_checks_run_without_the_option(pytester):
    pytester.makefile(".claims.toml", good=RIGHT.split("[[claim]]")[1].join(["[[claim]]", ""]))
    result = pytester.runpytest(*_args("-rA"))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*numeric time: predicted 6/13, measured 0.46*pass*"])


def test_malformed_file_is_one_collection_error(pytester):
    pytester.makefile(".claims.toml", broken=RIGHT.replace("tolerance", "tolerence"))
    result = pytester.runpytest(*_args())
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.claims.toml: claim 1 ('rich hard time exponent'): "
                                 "unknown key 'tolerence'*"])
    assert "Traceback" not in result.stdout.str()

"""Property-based fuzzing of the command line: no traceback, exit 0, 1 or 2, whatever argv.

Hypothesis draws argv from each command's options with hostile strings and random text
as values. Commands that train or solve get values that always contain a character no
number has, so a drawn case can never start a long computation; the cheap commands
(``exponents``, ``phase``, ``derive``) get valid numbers too.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings, strategies as st

from scalingtool.cli import main

HOSTILE = ["", " ", "-", "--", "nan", "inf", "-0", "0", "1", "2", "1/2", "3/2", "1e999", "1e-999",
           "9" * 80, "\u0662", "\uff12", "1/0", "(", "mp:", "mp:0", "inf", "gd", "\x00", "-" * 300,
           "((((alpha^64)^64)^64)^64)^64", "__import__('os')", "../../etc/passwd", "/dev/zero"]

CHEAP = {
    "exponents": ["--alpha", "--beta", "--training", "--dynamics", "--n-power", "--t-power",
                  "--gamma0", "--width", "--lr-over-batch", "--format"],
    "phase": ["--alpha-min", "--alpha-max", "--beta-min", "--beta-max", "--steps", "--dynamics", "--format"],
    "derive": ["--dynamics", "--format"],
}
COSTLY = {
    "solve": ["--alpha", "--beta", "--gamma0", "--width", "--batch", "--lr", "--t-max", "--precision",
              "--seed", "--decades", "--tolerance", "--format"],
    "simulate": ["--model", "--alpha", "--beta", "--gamma0", "--width", "--batch", "--data", "--steps",
                 "--lr", "--seeds", "--backend", "--device", "--path", "--format"],
}

values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30),
                   st.integers(-10**6, 10**6).map(str), st.fractions().map(str))
# at least one character that no number, no choice and no path component has
not_a_number = st.tuples(st.text(alphabet=string.printable, max_size=10),
                         st.sampled_from(["\u0663", "#", "~x", "nan!", "?"])).map("".join)


def _argv(command: str, options: list[str], value_strategy) -> st.SearchStrategy[list[str]]:
    pair = st.tuples(st.sampled_from(options), value_strategy).map(list)
    return st.lists(pair, min_size=1, max_size=4).map(lambda pairs: [command] + sum(pairs, []))


argvs = st.one_of(
    *[_argv(c, o, values) for c, o in CHEAP.items()],
    *[_argv(c, o, not_a_number) for c, o in COSTLY.items()],
    st.lists(st.sampled_from(HOSTILE), max_size=4),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=argvs)
def test_no_traceback_whatever_argv(argv, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    capsys.readouterr()  # the fixture is shared by every drawn example: start clean
    code = main(argv)
    captured = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code, captured.err)
    assert "Traceback" not in captured.err and "Traceback" not in captured.out, argv
    if code == 2:
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("scalingtool: error: "), (argv, captured.err)
        assert len(lines[0]) < 2000, argv

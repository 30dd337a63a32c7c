"""Docstrings, comments and help texts hold the maths and the reason, not lab notes.

A timing is a fact about one machine on one day: it goes on a dated results page of the
documentation (docs/results/, with the command that reproduces it), and the code states the
design reason in words, pointing there. This test fails when a docstring, a comment or a
``help=`` text in scalingtool/ carries a timing.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scalingtool"

#: A timing: a number, then a unit of time (``0.7-5 s``, ``~20 ms``, ``2-5 min``, ``60 seconds``),
#: or a measured speed ratio (``5x faster``, ``12% slower``). The number must not follow a letter,
#: a digit or a dot, so that a clock format such as ``1m05s`` (a progress line's example) and
#: names such as ``float64s`` are not read as timings. Words without a number ("seconds", "a few
#: minutes", "quick") stay allowed: they say how slow, not how slow on which machine.
TIMING = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:ms|s|min|mins|seconds?|minutes?|hours?)\b"
    r"|\d+(?:\.\d+)?\s?(?:x|%)\s(?:faster|slower)\b",
    re.IGNORECASE)
#: Inline literals (````...````) hold formulas, where ``s`` is a variable (the feature growth
#: ``1 + 2 s``, the chunk size in ``3 s m a``), not seconds: they are removed before matching.
LITERAL = re.compile(r"``.*?``", re.DOTALL)


def _texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment, docstring and ``help=`` string of one module."""
    source = path.read_text("utf-8")
    out = [(tok.start[0], tok.string) for tok in tokenize.generate_tokens(io.StringIO(source).readline)
           if tok.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.append((body[0].lineno, body[0].value.value))
        elif isinstance(node, ast.keyword) and node.arg == "help":
            out += [(n.lineno, n.value) for n in ast.walk(node.value)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return out


def test_the_pattern_catches_timings_and_spares_maths():
    """The pattern itself: each case below is a line that was (or might have been) written."""
    caught = ["~20 ms on one thread", "took 0.7-5 s", "in ~1 min", "2-5 min", "(5x faster on a CPU)",
              "ran 12% slower", "about 10 s on 2 cores", "60 seconds", "rich 20-75 s each"]
    spared = ["a line such as 3/8 (37%), 1m05s", "a rough duration in seconds on one core",
              "the quick grid (seconds)", "decays faster than the signal", "float64s", "tau = 100..3000"]
    assert [t for t in caught if not TIMING.search(t)] == []
    assert [t for t in spared if TIMING.search(LITERAL.sub("", t))] == []
    assert not TIMING.search(LITERAL.sub("", "at most ``(1 + 2 s) d_max``"))


def test_no_timing_in_docstrings_comments_or_help():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in _texts(path):
            for match in TIMING.finditer(LITERAL.sub("", text)):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {match.group(0)!r}")
    assert found == [], ("timings belong on a dated results page (docs/results/), the reason in "
                         "words in the code:\n" + "\n".join(found))

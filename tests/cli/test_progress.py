"""Progress when stderr is not a terminal: plain lines, rate-limited, none for a quick command."""

from scalingtool.cli import common
from scalingtool.cli.common import PLAIN_EVERY_S, plain_progress


def _clocked(times):
    lines, ticks = [], iter(times)
    update = plain_progress("run demo", lines.append, clock=lambda: next(ticks))
    return update, lines


def test_plain_lines_are_rate_limited_and_the_last_one_is_always_shown():
    # start at 0; updates at 3 s (too early), 12 s, 15 s (too soon after), 30 s, then done at 31 s
    update, lines = _clocked([0.0, 3.0, 12.0, 15.0, 30.0, 31.0])
    for done in (1, 2, 3, 4, 8):
        update(done, 8)
    assert lines == ["run demo: 2/8 (25%), 0m12s", "run demo: 4/8 (50%), 0m30s", "run demo: 8/8 (100%), 0m31s"]


def test_a_quick_command_prints_no_progress_line():
    update, lines = _clocked([0.0, 1.0, 2.0])
    update(1, 2)
    update(2, 2)  # finished before the first line was due: nothing at all
    assert lines == []


def test_an_unknown_total_is_shown_without_a_share():
    update, lines = _clocked([0.0, PLAIN_EVERY_S + 65.0])
    update(7, 0)
    assert lines == ["run demo: 7/0, 1m15s"]


def test_the_command_line_writes_plain_progress_to_a_log(cli, monkeypatch):
    monkeypatch.setattr(common, "PLAIN_EVERY_S", 0.0)  # every update is due
    r = cli("phase", "--steps", "2", "-f", "csv")
    assert r.code == 0
    assert r.err.splitlines()[-1].startswith("phase grid: 4/4 (100%), 0m")
    assert "alpha,beta" in r.out and "phase grid" not in r.out  # progress never mixes with results

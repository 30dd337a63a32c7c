"""What only a real process shows: Ctrl-C, a full disk, the umask, no string reaching SymPy."""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from tests.conftest import default_sigint

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scalingtool", *args], capture_output=True, text=True,
                          env=env, timeout=120, **kwargs)


def test_ctrl_c_prints_one_line_and_exits_130():
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    # an mpmath solve to 1e30 takes tens of seconds: long enough to interrupt
    proc = subprocess.Popen([sys.executable, "-m", "scalingtool", "solve", "--alpha", "2", "--beta", "1/2",
                             "--gamma0", "1", "--precision", "mp:30", "--t-max", "1e30"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=default_sigint)
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "scalingtool: error: interrupted"
    assert "Traceback" not in err


@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5, 2.5])
def test_ctrl_c_at_any_moment_of_a_cluster_run_is_one_line(tmp_path, delay):
    # once the interpreter runs (its own start-up, ~0.05 s, is Python's): while the command line
    # loads, while the local cluster's processes start and while its parts run: one line, exit 130
    # (0 if it finished first), and no child process's traceback
    pytest.importorskip("distributed")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "scalingtool", "run", "phase", "--quick", "--workers", "2",
                             "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=default_sigint)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    lines = [line for line in err.strip().splitlines() if not line.startswith("parts run on")]
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert (proc.returncode, lines) in ((130, ["scalingtool: error: interrupted"]), (0, [])), (proc.returncode, err)


def _limit_file_size():  # runs in the child: files may grow to 2 kB (SIGXFSZ is ignored by Python)
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


def test_full_disk_is_one_line_and_nothing_half_written(tmp_path):
    out = tmp_path / "curve.csv"
    result = _run(["solve", "--alpha", "2", "--beta", "1/2", "--t-max", "1e6", "--out", str(out)],
                  preexec_fn=_limit_file_size)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"scalingtool: error: cannot write {str(out)!r}: File too large (nothing was written)"]
    assert list(tmp_path.iterdir()) == []


def test_written_files_respect_the_umask(tmp_path):
    out = tmp_path / "curve.csv"
    old = os.umask(0o027)
    try:
        result = _run(["solve", "--alpha", "2", "--beta", "1/2", "--t-max", "1e3", "--out", str(out)])
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o640


def _public_theory_functions():
    import scalingtool.theory as theory
    from scalingtool.theory import compute, crossover, regimes, terms, timechange

    seen = {}
    for module in (compute, crossover, regimes, terms, timechange):
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and not name.startswith("_") and fn.__module__ == module.__name__:
                params = inspect.signature(fn).parameters
                if "alpha" in params or "beta" in params:
                    seen[f"{module.__name__}.{name}"] = fn
    seen["theory.exponents"] = theory.exponents
    return sorted(seen.items())


@pytest.mark.parametrize("name, fn", _public_theory_functions(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_public_theory_function_sympifies_a_string(name, fn, tmp_path):
    """Code in a string would run if it reached ``sympify``; every function refuses it."""
    from scalingtool.errors import UsageError

    marker = tmp_path / "ran"
    evil = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    params = inspect.signature(fn).parameters
    args = {}
    for p in params.values():
        if p.name in ("alpha", "beta"):
            args[p.name] = evil
        elif p.name in ("training",):
            args[p.name] = "rich"
        elif p.name in ("dynamics",):
            args[p.name] = "sgd"
        elif p.default is inspect.Parameter.empty:
            args[p.name] = Fraction(1, 2)
    with pytest.raises(UsageError):
        fn(**args)
    assert not marker.exists()

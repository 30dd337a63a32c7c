"""The memory allowance is the tightest real limit: the variable, ulimit -v, the cgroup, the RAM."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scalingtool import resources
from scalingtool.errors import UsageError
from scalingtool.resources import BUDGET_ENV, memory_allowance, physical_bytes, require_memory


def test_the_variable_sets_the_allowance_below_the_machine(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, "0.5")
    allowance = memory_allowance()
    assert allowance.nbytes == 0.5 * 2**30 and BUDGET_ENV in allowance.source


def test_a_variable_above_the_machines_memory_is_refused_not_obeyed(monkeypatch):
    # a huge allowance would switch the guard off: the allocation would then crash the process
    monkeypatch.setenv(BUDGET_ENV, "1e12")
    with pytest.raises(UsageError, match="more than this machine's"):
        memory_allowance()
    monkeypatch.setenv(BUDGET_ENV, str(2 * physical_bytes() / 2**30))
    with pytest.raises(UsageError, match="more than this machine's"):
        require_memory(1.0, "a test", "nothing")


@pytest.mark.parametrize("limit_file, usage_file", [("memory.max", "memory.current"),
                                                    ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes")])
def test_the_control_groups_limit_less_its_use_binds(tmp_path, monkeypatch, limit_file, usage_file):
    (tmp_path / "memory").mkdir()
    (tmp_path / limit_file).write_text(f"{2 * 2**30}\n")
    (tmp_path / usage_file).write_text(f"{2**29}\n")
    monkeypatch.setattr(resources, "_CGROUP", tmp_path)
    assert resources._cgroup_bytes() == 1.5 * 2**30
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    allowance = memory_allowance()
    assert allowance.nbytes == 1.5 * 2**30 and "control group" in allowance.source


def test_no_cgroup_limit_is_no_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "_CGROUP", tmp_path)
    (tmp_path / "memory.max").write_text("max\n")  # cgroup v2 without a limit
    assert resources._cgroup_bytes() is None
    (tmp_path / "memory.max").unlink()
    (tmp_path / "memory").mkdir()
    (tmp_path / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1, none
    assert resources._cgroup_bytes() is None


def test_under_an_address_space_limit_a_large_run_is_one_line():
    # 4 GiB of address space: numpy's own refusal would be a traceback; ours names what to lower
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30));"
            "from scalingtool.cli import main; raise SystemExit(main(['simulate', '--width', '16385', '--steps', '1']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "ulimit -v" in lines[0] and "lower width or seeds" in lines[0], done.stderr


#: the largest in-range sizes of each command that allocates with its input
LARGEST = [
    ["simulate", "--width", "1000000000000", "--steps", "1"],
    ["simulate", "--data", "1000000000", "--width", "64", "--steps", "1"],
    ["simulate", "--batch", "1000000000", "--width", "64", "--steps", "1"],
    ["simulate", "--model", "relu-mlp", "--width", "1000000000000", "--steps", "1", "--seeds", "1"],
    ["simulate", "--model", "relu-mlp", "--batch", "1000000000", "--width", "8", "--steps", "1", "--seeds", "1"],
    ["simulate", "--model", "mlp-circle", "--width", "1000000000000", "--steps", "1"],
    ["solve", "--alpha", "2", "--beta", "1/2", "--width", "100000"],
]


def test_the_largest_sizes_under_ulimit_v_end_in_one_line_naming_what_to_lower():
    # one process under a 4 GiB address space runs every case (in-process, as a user's shell would)
    code = (
        "import contextlib, io, json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))\n"
        "from scalingtool.cli import main\n"
        "out = []\n"
        f"for argv in {LARGEST!r}:\n"
        "    err = io.StringIO()\n"
        "    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
        "        code = main(argv)\n"
        "    out.append([code, err.getvalue()])\n"
        "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    import json

    for argv, (code, err) in zip(LARGEST, json.loads(done.stdout)):
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and "lower " in lines[0] and "GiB" in lines[0], (argv, err)

"""A real Dask cluster: `dask scheduler` and `dask worker` as processes on 127.0.0.1.

A quick recipe run through ``--scheduler`` stores exactly what a sequential run stores (the
theory phase map by default; the simulation sweep, a worker killed mid-run and Ctrl-C with a
local cluster under ``-m slow``: each takes 10-25 s on 2 busy cores).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")  # a dependency of distributed

from scalingtool.run import run_recipe  # noqa: E402
from tests.conftest import default_sigint  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ROOT / "recipes" / "simulate-sweep.toml"
PHASE = ROOT / "recipes" / "phase.toml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1", "NO_COLOR": "1", "MPLBACKEND": "Agg"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stored(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "parts").iterdir())}


def _stop(process: subprocess.Popen) -> None:
    """End a process we started and everything it started (its own session)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """The address of a scheduler with two single-threaded workers (each under a nanny)."""
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{free_port()}"
    started = []
    try:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
             "--no-dashboard"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
            stderr=open(logs / "scheduler.log", "w"), start_new_session=True))
        started.append(subprocess.Popen(
            [sys.executable, "-m", "dask", "worker", address, "--nworkers", "2", "--nthreads", "1",
             "--host", "127.0.0.1", "--no-dashboard"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
            stderr=open(logs / "worker.log", "w"), start_new_session=True))
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for process in reversed(started):
            _stop(process)


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    """What a sequential run of each recipe stores, computed once."""
    runs = {}

    def get(recipe: Path) -> dict[str, bytes]:
        if recipe not in runs:
            folder = tmp_path_factory.mktemp("sequential")
            run_recipe(recipe, folder, quick=True, figures=False)
            runs[recipe] = stored(folder)
        return runs[recipe]

    return get


@pytest.mark.parametrize("recipe", [PHASE, pytest.param(SWEEP, marks=pytest.mark.slow)], ids=lambda p: p.stem)
def test_scheduler_run_stores_what_a_sequential_run_stores(scheduler, sequential, tmp_path, cli, recipe):
    r = cli("run", str(recipe), "--quick", "--out", str(tmp_path), "--scheduler", scheduler, "-f", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["ok"] and len(doc["computed"]) == len(sequential(recipe)) and not doc["reused"]
    assert f"Dask scheduler {scheduler}: 2 workers" in r.err
    assert stored(tmp_path) == sequential(recipe)


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing(scheduler, sequential, tmp_path):
    from scalingtool.work.dask_executor import DaskExecutor

    killed = []
    with DaskExecutor(scheduler=scheduler) as executor:
        def kill_a_busy_worker(done: int, total: int) -> None:
            if killed:
                return
            pids = executor.client.run(os.getpid)
            busy = [w for w, keys in executor.client.processing().items() if keys]
            if busy:  # SIGKILL: no clean-up; its nanny starts a new worker, the part is re-run
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])

        result = run_recipe(SWEEP, tmp_path, quick=True, figures=False, executor=executor,
                            progress=kill_a_busy_worker)
        executor.client.wait_for_workers(2, timeout=60)  # the nanny restarted it (leave the cluster whole)
    assert killed, "no worker was busy when the first part finished"
    assert len(result.computed) == 8 and all(c.status == "pass" for c in result.outcome.checks)
    assert stored(tmp_path) == sequential(SWEEP)  # nothing lost, nothing partial, nothing different


@pytest.mark.slow
def test_ctrl_c_keeps_finished_parts_and_leaves_no_worker(tmp_path):
    """Ctrl-C in a terminal signals the whole foreground group: the command and its workers."""
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "scalingtool", "run", str(SWEEP), "--quick", "--workers", "2", "--out", str(out)],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=default_sigint)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if (out / "parts").is_dir() and any(p.suffix == ".json" for p in (out / "parts").iterdir()):
                break
            time.sleep(0.05)
        assert process.poll() is None, process.communicate()
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 2  # the two worker processes (and multiprocessing's helper)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        _stop(process)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "scalingtool: error: interrupted" and "Traceback" not in err
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, [p.pid for p in alive]
    parts = list((out / "parts").iterdir())
    assert parts and all(p.suffix == ".json" for p in parts)  # whole parts only, no temporary file
    for part in parts:
        assert json.loads(part.read_text())["data"]["exponent"] > 0

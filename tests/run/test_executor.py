"""The executor layer: sequential by default (Dask not imported), a local Dask cluster in this
process, option errors, per-part failures reported by key, and small parts grouped."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scalingtool.errors import NumericalError, UsageError
from scalingtool.run import run_recipe
from scalingtool.work import Part
from scalingtool.work.dask_executor import RETRIES
from scalingtool.work.executor import SequentialExecutor
from scalingtool.work.options import check_scheduler, check_workers, make_executor, max_workers
from tests.conftest import assert_usage_error

ROOT = Path(__file__).resolve().parents[2]
PHASE = ROOT / "recipes" / "phase.toml"


def stored(folder: Path) -> dict[str, bytes]:
    """Every stored part, byte for byte."""
    return {p.name: p.read_bytes() for p in sorted((folder / "parts").iterdir())}


# --- without Dask ---------------------------------------------------------------------------

def test_sequential_runs_in_order_and_propagates_errors():
    seen = []
    SequentialExecutor().map_parts([Part.of("a", lambda: 1), Part("b", {}, lambda progress: 2)],
                                   lambda n, v: seen.append((n, v)))
    assert seen == [("a", 1), ("b", 2)]

    def boom():
        raise NumericalError("diverged")

    seen.clear()
    with pytest.raises(NumericalError, match="diverged"):
        SequentialExecutor().map_parts([Part.of("a", lambda: 1), Part.of("b", boom), Part.of("c", lambda: 3)],
                                       lambda n, v: seen.append(n))
    assert seen == ["a"]  # the finished part was handed over before the error


def test_sequential_starts_the_longest_first_and_hands_over_progress():
    steps = []

    def counted(progress):
        progress(1, 2)
        return "counted"

    seen = []
    SequentialExecutor().map_parts([Part.of("short", lambda: 0, cost=0.1), Part("long", {}, counted, cost=5.0),
                                    Part.of("same", lambda: 0, cost=0.1)],
                                   lambda n, v: seen.append(n), lambda step, total: steps.append((step, total)))
    assert seen == ["long", "short", "same"] and steps == [(1, 2)]
    with pytest.raises(ValueError, match="key 'x'"):
        SequentialExecutor().map_parts([Part.of("x", str), Part.of("x", str)], lambda n, v: None)


def test_default_run_does_not_import_dask(tmp_path):
    code = ("import sys; import scalingtool.cli; from scalingtool.run import run_recipe; "
            "from scalingtool.work.options import make_executor; "
            f"run_recipe({str(PHASE)!r}, {str(tmp_path)!r}, quick=True, figures=False, executor=make_executor()); "
            "assert not any(m == 'dask' or m.startswith(('dask.', 'distributed')) for m in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list((tmp_path / "parts").iterdir())) == 4  # the quick grid's four alpha values


@pytest.mark.parametrize("value", [0, -1, max_workers() + 1, 2.5, "two", True])
def test_bad_worker_counts(value):
    with pytest.raises(UsageError, match="workers"):
        check_workers(value)


@pytest.mark.parametrize("address", ["", "localhost", "tcp://", "tcp://host:0", "tcp://host:70000",
                                     "http://host:8786", "host:port", "tcp://a b:8786", "tcp://host:８７",
                                     "tls://node-1.cluster:8786", "ucx://10.0.0.5:8786", "ws://host:8786"])
def test_bad_scheduler_addresses(address):
    with pytest.raises(UsageError, match="not a scheduler address"):
        check_scheduler(address)


@pytest.mark.parametrize("address, normal", [("127.0.0.1:8786", "tcp://127.0.0.1:8786"),
                                             ("tcp://node-1.cluster:8786", "tcp://node-1.cluster:8786"),
                                             ("tcp://[::1]:8786", "tcp://[::1]:8786")])
def test_good_scheduler_addresses(address, normal):
    assert check_scheduler(address) == normal


def test_neither_option_is_sequential():
    assert isinstance(make_executor(), SequentialExecutor)


@pytest.mark.parametrize("argv, fragments", [
    (["--workers", "0"], ["--workers", "out of range"]),
    (["--workers", str(max_workers() + 1)], ["--workers", f"1 to {max_workers()}"]),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], ["--workers and --scheduler"]),
    (["--scheduler", "not an address"], ["--scheduler", "not a scheduler address"]),
    (["--scheduler", "tcp://127.0.0.1:99999"], ["--scheduler"]),
])
def test_option_errors_are_one_line(cli, tmp_path, argv, fragments):
    assert_usage_error(cli("run", str(PHASE), "--quick", "--out", str(tmp_path), *argv), *fragments)


def test_missing_extra_is_named(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert_usage_error(cli("run", str(PHASE), "--quick", "--out", str(tmp_path), "--workers", "2"),
                       "scalingtool[distributed]")


def test_bad_recipe_is_refused_before_a_cluster_starts(cli, tmp_path, monkeypatch):
    """A misspelt key costs no cluster start-up: the recipe is validated first."""
    from scalingtool.work import options as executor

    def no_cluster(*args, **kwargs):
        raise AssertionError("a cluster was started for a recipe that does not validate")

    monkeypatch.setattr(executor, "make_executor", no_cluster)
    bad = tmp_path / "bad.toml"
    bad.write_text(PHASE.read_text().replace("[params]", "[params]\nalpah = 2", 1))
    assert_usage_error(cli("run", str(bad), "--quick", "--out", str(tmp_path / "o"), "--workers", "2"),
                       "alpah")


def test_unreachable_scheduler_times_out(cli, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import socket

    from scalingtool.work import dask_executor

    with socket.socket() as s:  # a free port on this machine: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
    r = cli("run", str(PHASE), "--quick", "--out", str(tmp_path), "--scheduler", f"127.0.0.1:{port}")
    assert_usage_error(r, "--scheduler", f"127.0.0.1:{port}", "within 1 s")


def _server(reply: bytes | None):
    """A server on 127.0.0.1 that accepts connections and sends ``reply`` (None: nothing, ever);
    its thread ends with the test (it serves at most a few connections, for at most 10 s)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(10)
    held = []

    def serve() -> None:
        try:
            for _ in range(4):
                conn, _ = listener.accept()
                held.append(conn)
                if reply is not None:
                    conn.sendall(reply)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return listener, held


@pytest.mark.parametrize("reply, fragment", [
    (None, "sent no Dask handshake within 1 s"),
    (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "is not a Dask scheduler"),
    (bytes(range(256)) * 4, "is not a Dask scheduler"),
    (b"", "sent no Dask handshake"),
], ids=["silent", "http", "random-bytes", "nothing-then-wait"])
def test_a_server_that_is_not_a_dask_scheduler_is_one_line_within_the_timeout(cli, tmp_path, monkeypatch,
                                                                              reply, fragment):
    pytest.importorskip("distributed")
    import time

    from scalingtool.work import dask_executor

    listener, held = _server(reply)
    try:
        monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
        port = listener.getsockname()[1]
        started = time.monotonic()
        r = cli("run", str(PHASE), "--quick", "--out", str(tmp_path / "o"), "--scheduler", f"127.0.0.1:{port}")
        assert_usage_error(r, "--scheduler", fragment)
        assert time.monotonic() - started < 5  # one timeout over connect and handshake (1 s here)
    finally:
        listener.close()
        for conn in held:
            conn.close()


# --- a local cluster in this process ----------------------------------------------------------

@pytest.fixture(scope="module")
def local():
    pytest.importorskip("distributed")
    from scalingtool.work.dask_executor import DaskExecutor

    with DaskExecutor(workers=2) as executor:
        yield executor


def test_local_cluster_stores_what_a_sequential_run_stores(local, tmp_path):
    seq = run_recipe(PHASE, tmp_path / "seq", quick=True, figures=False)
    ticks = []
    par = run_recipe(PHASE, tmp_path / "dask", quick=True, figures=False, executor=local,
                     progress=lambda done, total: ticks.append((done, total)))
    assert stored(tmp_path / "seq") == stored(tmp_path / "dask")
    assert par.computed == seq.computed and not par.reused  # plan order, whatever the finishing order
    assert [t[0] for t in ticks] == list(range(1, len(seq.computed) + 1))  # one tick per finished part
    for name in ("phase.csv", "summary.json"):
        assert (tmp_path / "seq" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    again = run_recipe(PHASE, tmp_path / "dask", quick=True, figures=False, executor=local)
    assert not again.computed and again.reused == seq.computed


def test_the_same_parts_give_the_same_results_here_and_on_a_local_cluster(local, tmp_path):
    """One Part type, one executor: a recipe's parts and verify's parts (a tier's and the claims')
    give identical results one after another here and on the cluster."""
    from scalingtool.run.kinds import get_kind
    from scalingtool.run.recipe import load_recipe
    from scalingtool.run.schema.messages import validate_params
    from scalingtool.verify import verify

    recipe = load_recipe(PHASE)
    kind = get_kind(recipe.kind)
    parts = kind.plan(validate_params(kind.schema, recipe.params, recipe.quick, recipe.source, True))
    here, there = {}, {}
    SequentialExecutor().map_parts(parts, here.__setitem__)
    local.map_parts(parts, there.__setitem__)
    assert len(here) == len(parts) and here == there

    claims = tmp_path / "one.claims.toml"
    claims.write_text('[[claim]]\nname = "lazy hard time"\nalpha = 2\nbeta = 0.5\ntraining = "lazy"\n'
                      'dynamics = "gd"\nquantity = "time"\nvalue = "beta"\n')
    seq = verify(["theory"], quick=True, claims=[claims], exact_only=True)
    par = verify(["theory"], quick=True, claims=[claims], exact_only=True, executor=local)
    assert seq.ok and len(seq.checks) > 10
    assert [c.row() for c in par.checks] == [c.row() for c in seq.checks]


def test_local_cluster_simulations_are_identical(local, tmp_path):
    """Floating-point parts too: each run depends only on its parameters and seed (4 runs at N = 64)."""
    from scalingtool.run import parse_recipe

    text = (ROOT / "recipes" / "simulate-sweep.toml").read_text().replace("widths = [64, 256]", "widths = [64]")
    recipe = parse_recipe(text, "small-sweep.toml")
    run_recipe(recipe, tmp_path / "seq", quick=True, figures=False)
    run_recipe(recipe, tmp_path / "dask", quick=True, figures=False, executor=local)
    parts = stored(tmp_path / "seq")
    assert len(parts) == 4 and parts == stored(tmp_path / "dask")
    assert all(json.loads(v)["data"]["exponent"] > 0 for v in parts.values())


@pytest.mark.gpu
def test_gpu_parts_run_on_a_gpu_worker(tmp_path):
    """``device = "cuda"``: parts ask for GPU=1 and run with torch on a worker offering it."""
    import shutil

    if shutil.which("nvidia-smi") is None and not Path("/dev/nvidiactl").exists():
        pytest.skip("no CUDA device")  # before paying for importing torch
    torch = pytest.importorskip("torch")
    pytest.importorskip("distributed")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    from scalingtool.run import parse_recipe
    from scalingtool.work.dask_executor import DaskExecutor

    text = (ROOT / "recipes" / "simulate-sweep.toml").read_text()
    cpu = run_recipe(parse_recipe(text, "cpu.toml"), tmp_path / "cpu", quick=True, figures=False)
    gpu_text = text.replace('device = "cpu"', 'device = "cuda"')
    with DaskExecutor(workers=1, resources={"GPU": 1}) as executor:
        gpu = run_recipe(parse_recipe(gpu_text, "gpu.toml"), tmp_path / "gpu", quick=True, figures=False,
                         executor=executor)
    assert len(gpu.computed) == len(cpu.computed) == 8
    for c, g in zip(cpu.outcome.rows, gpu.outcome.rows):
        # torch on CUDA with the same numpy-drawn A: same run up to float64 rounding order
        assert abs(c["measured"] - g["measured"]) < 1e-6


def _attempt(folder: str, name: str, outcome: str):
    """A part that notes each attempt in a file, then returns, raises our error, or another."""
    with open(os.path.join(folder, name), "a") as handle:
        handle.write("x")
    if outcome == "numerical":
        raise NumericalError(f"{name} diverged")
    if outcome == "other":
        raise RuntimeError(f"{name} broke")
    return name.upper()


def test_failures_are_named_and_do_not_stop_the_others(local, tmp_path):
    from functools import partial

    parts = [Part.of(n, partial(_attempt, str(tmp_path), n, o))
             for n, o in (("good1", "ok"), ("diverges", "numerical"), ("breaks", "other"), ("good2", "ok"))]
    done = {}
    with pytest.raises(NumericalError) as info:
        local.map_parts(parts, done.__setitem__)
    assert done == {"good1": "GOOD1", "good2": "GOOD2"}
    message = str(info.value)
    assert "2 part(s) failed" in message and "diverges: NumericalError: diverges diverged" in message
    assert "breaks: RuntimeError: breaks broke" in message and "\n" not in message
    attempts = {n: len((tmp_path / n).read_text()) for n in ("good1", "diverges", "breaks")}
    # our own errors are deterministic (never retried); others get RETRIES more tries
    assert attempts == {"good1": 1, "diverges": 1, "breaks": 1 + RETRIES}


def test_small_parts_are_grouped(local):
    results = {}
    local.map_parts([Part.of(str(i), partial_square(i)) for i in range(300)], results.__setitem__)
    assert results == {str(i): i * i for i in range(300)}
    # the first round goes one part at a time; once parts are known to take microseconds they
    # travel in groups (never more than remaining / (2 per worker thread), so both workers work)
    assert local.groups_sent < 60, local.groups_sent


def test_a_reused_executor_judges_each_call_afresh(local):
    """After microsecond parts, parts of 0.6 s (over MIN_TASK_SECONDS) still go one at a time,
    so both workers share them (remembered durations would have sent them in pairs)."""
    import time
    from functools import partial

    local.map_parts([Part.of(str(i), partial_square(i)) for i in range(300)], lambda n, v: None)
    local.map_parts([Part.of(f"long{i}", partial(time.sleep, 0.6)) for i in range(8)], lambda n, v: None)
    assert local.groups_sent == 8


def test_long_or_untimed_tasks_go_one_per_worker_thread(local):
    """Two parts per thread are kept in flight only once parts are known to be short; a long
    one queued at a busy worker could otherwise wait there while another worker idles (the
    full verify's two 60 s networks: 0.87x before this rule)."""
    from scalingtool.work.dask_executor import IN_FLIGHT_PER_THREAD, MIN_TASK_SECONDS

    local.durations = []
    assert local._in_flight() == 1
    local.durations = [MIN_TASK_SECONDS / 10] * 5
    assert local._in_flight() == IN_FLIGHT_PER_THREAD == 2
    local.durations = [60.0, 0.01, 0.01]
    assert local._in_flight() == 1


def _environment() -> dict:
    return {k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


def test_local_workers_use_one_blas_thread_and_the_default_allocator(local):
    """One BLAS thread per worker process (one process per core); glibc's default trimming,
    not Dask's MALLOC_TRIM_THRESHOLD_=65536 (12% slower on the simulator's N x N temporaries)."""
    if "MALLOC_TRIM_THRESHOLD_" in os.environ:
        pytest.skip("this process sets MALLOC_TRIM_THRESHOLD_ itself")
    seen = {}
    local.map_parts([Part.of("env", _environment)], seen.__setitem__)
    assert seen["env"] == {"MALLOC_TRIM_THRESHOLD_": None, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def partial_square(i: int):
    from functools import partial

    return partial(pow, i, 2)


def test_resource_nobody_offers_is_refused(local):
    with pytest.raises(UsageError, match="resource GPU"):
        local.map_parts([Part.of("gpu-part", lambda: 1, resources={"GPU": 1})], lambda n, v: None)

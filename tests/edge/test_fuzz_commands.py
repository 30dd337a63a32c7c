"""Property-based fuzzing of every command's options and of the environment variables.

Each test draws argv for one command (option subsets, valid and hostile values, input and
output paths of every sort) and runs it in-process in a fresh folder holding a copy of valid
inputs; :func:`tests.edge.fuzzing.check` holds for every case. Values that would start a long
computation (thousands of bootstrap replicates, the reduced or simulation tiers, a full
recipe grid) are never drawn: sizes are tiny, tiers ``theory`` only, recipes ``--quick``.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from scalingtool.cli import main
from tests.edge.fuzzing import Cases, examples, fuzz_settings, hostile

pytest.importorskip("scipy")

VALID_CLAIMS = """
[[claim]]
name = "rich hard time exponent"
alpha = "3/2"
beta = "3/10"
training = "rich"
quantity = "time"
value = "2*beta/(1+beta)"
tolerance = 1e-3

[[claim]]
name = "regime"
alpha = 2
beta = 0.5
quantity = "regime"
value = "hard"
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Valid inputs of every kind, copied into each case's folder."""
    from scalingtool.estimate.synthetic import gaussian_task

    folder = tmp_path_factory.mktemp("inputs")
    k = np.arange(1, 1001, dtype=float)
    np.savetxt(folder / "lam.txt", k ** -2.0)
    np.savetxt(folder / "power.txt", k ** -1.5)
    x, y = gaussian_task(2.0, 0.5, 80, 120, seed=0)
    np.save(folder / "x.npy", x)
    np.save(folder / "y.npy", y)
    np.savetxt(folder / "x.csv", x, delimiter=",")
    np.save(folder / "gram.npy", x @ x.T / x.shape[1])
    t = np.logspace(0, 4, 40)
    lines = ["t,loss,seed"] + [f"{a!r},{a ** -0.4 * (1 + 0.01 * s)!r},{s}" for s in range(3) for a in t]
    (folder / "curve.csv").write_text("\n".join(lines) + "\n")
    (folder / "c.claims.toml").write_text(VALID_CLAIMS)
    (folder / "old.png").write_bytes(b"a user's figure")
    (folder / "sub").mkdir()
    (folder / "sub" / "keep.txt").write_text("a user's file\n")
    return folder


@pytest.fixture
def cases(tmp_path, cli, monkeypatch) -> Cases:
    return Cases(tmp_path, cli, monkeypatch)


def _copy_inputs(inputs: Path, folder: Path) -> None:
    shutil.copytree(inputs, folder, dirs_exist_ok=True)


def _not_costly(limit: int):
    """Refuse text that the command line reads as an integer above ``limit`` (a costly size)."""
    def ok(text: str) -> bool:
        try:
            return int(text) <= limit
        except (ValueError, TypeError):
            return True
    return ok


def _options(draw, table: dict, max_size: int) -> tuple[list[str], list[str]]:
    """A drawn subset of ``table``'s options with drawn values, each as ``--name value`` or
    ``--name=value`` (the second lets a value that starts with '-' reach the option)."""
    names = draw(st.lists(st.sampled_from(sorted(table)), max_size=max_size, unique=True))
    argv = []
    for name in names:
        value = draw(table[name])
        argv += [f"{name}={value}"] if draw(st.booleans()) else [name, value]
    return names, argv


INPUT_FILES = ["lam.txt", "power.txt", "x.npy", "y.npy", "x.csv", "gram.npy", "curve.csv", "c.claims.toml",
               "old.png", "sub", ".", "missing.npy", "/dev/null", "/dev/zero", "/", "x" * 300 + ".npy"]
input_path = st.one_of(st.sampled_from(INPUT_FILES), hostile())
OUTPUT_FILES = ["out.png", "fig.svg", "fig.pdf", "fig", "fig.xyz", "new/fig.png", "sub", "sub/keep.txt",
                "old.png", ".", "", " ", "x" * 300 + ".png", "\u00e9" * 130 + ".png", "a\nb.png", "-.png"]
# outputs stay inside the case's folder: no absolute path, no '..'
output_path = st.one_of(st.sampled_from(OUTPUT_FILES),
                        st.text(alphabet=string.ascii_letters + string.digits + "._- \u00e9", max_size=20)
                        .filter(lambda s: ".." not in s and not s.startswith("-")))
formats = st.one_of(st.sampled_from(["table", "json", "csv", "TABLE", "md"]), hostile())
small_count = hostile(["0", "1", "2", "3", "-1", "100001", "1e400", "9" * 5000]).filter(_not_costly(3))
env = st.fixed_dictionaries({}, optional={
    "SCALINGTOOL_MAX_MEMORY": hostile(["0.5", "1", "1e-9", "4", "1e12", "2.0"]),
    "COLUMNS": hostile(["40", "80", "1", "0", "99999999", "-5", "\u0662\u0660"]),
    "LINES": hostile(["24", "0", "\u00b2"]),
    "NO_COLOR": st.sampled_from(["", "1", "0", "\x1b"]),
}).map(lambda d: {k: v.replace("\x00", "") for k, v in d.items()})  # no NUL in an environment

SOURCES = {
    "spectrum": ("--spectrum", "lam.txt", "--target-power", "power.txt"),
    "gram": ("--gram", "gram.npy", "--labels", "y.npy"),
    "features": ("--features", "x.npy", "--labels", "y.npy"),
    "loss-curve": ("--loss-curve", "curve.csv", "--with-spectrum", "lam.txt"),
}
ESTIMATE_OPTIONS = {
    "--window": st.one_of(st.sampled_from(["auto", "5:50", "2:40", "1:1000", "0:5", "50:5", "3:3", "1:99999999", "5:",
                                           ":", "a:b", "\u0662:\u0665", "-3:5"]), hostile()),
    "--samples": hostile(["64", "1000", "5000", "63", "0", "1e400"]),
    "--seed": hostile(["0", "7", "-1", str(2**64)]),
    "--bootstrap": small_count,
    "--decades": hostile(["1", "0.5", "0", "-1", "100", "1e400", "nan"]),
    "--dynamics": hostile(["sgd", "gd", "SGD"]),
    "--max-memory": hostile(["1K", "4G", "0", "-1G", "1e400", "1.5GiB", "G", "nanG"]),
    "--plot": output_path,
    "--format": formats,
    "--labels": input_path,
    "--target-power": input_path,
    "--with-spectrum": input_path,
    "--with-target-power": input_path,
}


@st.composite
def estimate_argv(draw) -> list[str]:
    flag, path, companion, companion_path = SOURCES[draw(st.sampled_from(sorted(SOURCES)))]
    argv = ["estimate", flag, draw(st.one_of(st.just(path), input_path))]
    if draw(st.booleans()):
        argv += [companion, companion_path]
    names, options = _options(draw, ESTIMATE_OPTIONS, 4)
    argv += options
    if "--bootstrap" not in names:
        argv += ["--bootstrap", "0"]
    return argv


@pytest.mark.parametrize("max_examples", examples(60))
def test_estimate(max_examples, cases, inputs):
    @fuzz_settings(max_examples)
    @given(argv=estimate_argv(), environment=env)
    @example(argv=["estimate", "--spectrum", "lam.txt", "--bootstrap", "0"], environment={})
    @example(argv=["estimate", "--spectrum", "lam.txt", "--bootstrap", "0", "--plot", "fig.xyz"], environment={})
    @example(argv=["estimate", "--spectrum", "lam.txt", "--bootstrap", "0", "--plot", "x" * 300 + ".png"],
             environment={})
    @example(argv=["estimate", "--gram", "gram.npy", "--bootstrap", "1", "--window", "1:99999999"], environment={})
    @example(argv=["estimate", "--features", "x.npy", "--labels", "y.npy", "--bootstrap", "0",
                   "--max-memory", "1K"], environment={})
    @example(argv=["estimate", "--loss-curve", "curve.csv", "--decades", "1e400", "--bootstrap", "0"],
             environment={})
    @example(argv=["estimate", "--spectrum", "lam.txt", "--samples", "9" * 5000], environment={})
    @example(argv=["estimate", "--spectrum", "/dev/zero", "--bootstrap", "0"], environment={})
    @example(argv=["estimate", "--spectrum", "lam.txt", "--max-memory", "9" * 5000], environment={})
    @example(argv=["estimate", "--loss-curve", "x.csv", "--bootstrap", "0"], environment={})
    @example(argv=["estimate", "--spectrum", "lam.txt", "--dynamics", "9" * 5000], environment={})
    @example(argv=["estimate", "--spectrum", "lam.txt", "--" + "9" * 5000], environment={})
    @example(argv=["estimate", "--features", "x.npy", "--bootstrap", "0"],
             environment={"SCALINGTOOL_MAX_MEMORY": "1e-9"})
    def case(argv, environment):
        with cases.new(environment) as folder:
            _copy_inputs(inputs, folder)
            cases.run(folder, argv)

    case()


SAFE_TIER = st.one_of(
    st.sampled_from(["theory", "theory,theory", " theory ", "theory,", ",", "", "THEORY", "theory,bogus",
                     "reduced,bogus", "simulation,?", "theory;reduced", "all", "\u0662"]),
    hostile().filter(lambda s: not {p.strip().lower() for p in s.split(",")} & {"reduced", "simulation"}),
)
VERIFY_OPTIONS = {
    "--tier": SAFE_TIER,
    "--junit-xml": output_path,
    "--format": formats,
    "--claims": input_path,
    "--workers": hostile(["0", "-1", "1e400"]).filter(_not_costly(0)),
}


@st.composite
def verify_argv(draw) -> list[str]:
    argv = ["verify"]
    argv += draw(st.lists(st.one_of(st.just("c.claims.toml"), input_path), max_size=2))
    names, options = _options(draw, VERIFY_OPTIONS, 3)
    argv += options
    argv += draw(st.lists(st.sampled_from(["--quick", "--exact-only", "-v"]), max_size=3, unique=True))
    if "--tier" not in names:  # with no claims read, every tier would run: the theory tier only
        argv += ["--tier", "theory"]
    if "--quick" not in argv and "--exact-only" not in argv:
        argv.append("--quick")
    return argv


@pytest.mark.parametrize("max_examples", examples(40))
def test_verify(max_examples, cases, inputs):
    @fuzz_settings(max_examples)
    @given(argv=verify_argv(), environment=env)
    @example(argv=["verify", "--exact-only", "c.claims.toml", "--junit-xml", "sub"], environment={})
    @example(argv=["verify", "--exact-only", "c.claims.toml", "--junit-xml", "x" * 300 + ".xml"], environment={})
    @example(argv=["verify", "--exact-only", "c.claims.toml", "--junit-xml", "old.png"], environment={})
    @example(argv=["verify", "--quick", "--tier", "theory", "--junit-xml", "new/r.xml"], environment={})
    @example(argv=["verify", "--exact-only", "sub", "--tier", "theory"], environment={})
    @example(argv=["verify", "--exact-only", "/dev/zero", "--tier", "theory"], environment={})
    @example(argv=["verify", "--quick", "--tier", "theory", "--format", "table"],
             environment={"COLUMNS": "1", "NO_COLOR": ""})
    def case(argv, environment):
        with cases.new(environment) as folder:
            _copy_inputs(inputs, folder)
            cases.run(folder, argv)

    case()


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished quick run of the phase recipe."""
    folder = tmp_path_factory.mktemp("finished") / "phase"
    assert main(["run", "phase", "--quick", "--out", str(folder), "--format", "csv"]) == 0
    return folder


RECIPES = ["phase", "width-curve", "data-curve"]
OUT_KINDS = ["new", "nested", "empty", "other", "finished", "finished-other", "file", "long", "long-inner",
             "nul", "empty-name", "parts-file", "parts-stranger", "tmp-only"]


def _out_folder(kind: str, folder: Path, finished: Path) -> str:
    """Prepare an output folder of the kind drawn inside the case's folder; its name."""
    if kind == "new":
        return "out"
    if kind == "nested":
        return "a/b/out"
    if kind == "empty":
        (folder / "out").mkdir()
    elif kind == "other":
        (folder / "out").mkdir()
        (folder / "out" / "notes.txt").write_text("a user's notes\n")
    elif kind in ("finished", "finished-other"):
        shutil.copytree(finished, folder / "out")
        if kind == "finished-other":
            run = folder / "out" / "run.json"
            run.write_text(run.read_text().replace('"recipe": "phase"', '"recipe": "width-curve"'))
    elif kind == "file":
        (folder / "out").write_text("not a folder\n")
    elif kind == "long":
        return "o" * 300
    elif kind == "long-inner":
        return "a/" + "o" * 256 + "/b"
    elif kind == "nul":
        return "o\x00ut"
    elif kind == "empty-name":
        return ""
    elif kind == "parts-file":
        (folder / "out").mkdir()
        (folder / "out" / "parts").write_text("a file where the parts folder goes\n")
    elif kind == "parts-stranger":
        (folder / "out" / "parts" / "x").mkdir(parents=True)
    elif kind == "tmp-only":
        (folder / "out" / "parts").mkdir(parents=True)
        (folder / "out" / "parts" / "p.json").write_text("{")
    return "out"


@pytest.mark.parametrize("max_examples", examples(15))
def test_run_and_plot(max_examples, cases, finished):
    @fuzz_settings(max_examples)
    @given(recipe=st.one_of(st.sampled_from(RECIPES), st.sampled_from(["phase.toml", "nope", ".", "out"]),
                            hostile()),
           out=st.sampled_from(OUT_KINDS), force=st.booleans(), fmt=st.one_of(st.none(), formats),
           replot=st.booleans(), environment=env)
    @example(recipe="phase", out="finished", force=False, fmt=None, replot=True, environment={})
    @example(recipe="phase", out="finished-other", force=True, fmt="json", replot=True, environment={})
    @example(recipe="phase", out="parts-stranger", force=True, fmt=None, replot=False, environment={})
    @example(recipe="phase", out="tmp-only", force=False, fmt=None, replot=False, environment={})
    @example(recipe="x" * 300, out="new", force=False, fmt=None, replot=False, environment={})
    @example(recipe="phase", out="long", force=False, fmt=None, replot=True, environment={})
    @example(recipe="phase", out="nul", force=True, fmt=None, replot=True, environment={})
    def case(recipe, out, force, fmt, replot, environment):
        with cases.new(environment) as folder:
            name = _out_folder(out, folder, finished)
            argv = ["run", recipe, "--quick", "--out", name] + (["--force"] if force else [])
            argv += ["--format", fmt] if fmt is not None else []
            cases.run(folder, argv)
            if replot:
                cases.run(folder, ["plot", name])

    case()


@pytest.mark.parametrize("max_examples", examples(60))
def test_docs_and_recipes(max_examples, cases):
    sections = st.one_of(st.sampled_from(["1", "3", "3.3", "3.3.1", "0", "99", "3.", ".3", "3..3", "\u0663",
                                          "\u00a73", "-1", "1e400", "9" * 5000]), hostile())
    names = st.one_of(st.sampled_from(["phase", "frontier", "PHASE", "phase.toml", "../phase", "phase "]),
                      hostile())
    argvs = st.one_of(
        st.tuples(st.just("docs"), sections).map(list),
        st.tuples(st.just("recipes"), st.just("show"), names).map(list),
        st.tuples(st.just("recipes"), st.just("--format"), formats).map(list),
        st.just(["recipes"]),
    )

    @fuzz_settings(max_examples)
    @given(argv=argvs, environment=env)
    @example(argv=["docs", "9" * 5000], environment={})
    @example(argv=["9" * 5000], environment={})
    @example(argv=["recipes", "--format", "\u00b2" + "9" * 5000], environment={})
    @example(argv=["recipes", "show", "x" * 5000], environment={})
    @example(argv=["recipes", "show", "a\nb"], environment={})
    @example(argv=["docs", "3.3"], environment={"COLUMNS": "99999999"})
    def case(argv, environment):
        with cases.new(environment) as folder:
            cases.run(folder, argv)

    case()


CHEAP_COMMANDS = [
    ["exponents", "--alpha", "2", "--beta", "1/2"],
    ["phase", "--steps", "3"],
    ["recipes"],
    ["docs", "3.3"],
    ["verify", "--exact-only", "c.claims.toml", "--format", "table", "-v"],
    ["estimate", "--spectrum", "lam.txt", "--bootstrap", "2"],
    ["estimate", "--features", "x.npy", "--labels", "y.npy", "--bootstrap", "0"],
    ["estimate", "--gram", "gram.npy", "--bootstrap", "0", "--format", "table"],
]


@pytest.mark.parametrize("max_examples", examples(40))
def test_environment(max_examples, cases, inputs):
    @fuzz_settings(max_examples)
    @given(argv=st.sampled_from(CHEAP_COMMANDS), environment=env)
    @example(argv=CHEAP_COMMANDS[6], environment={"SCALINGTOOL_MAX_MEMORY": "1e-9"})
    @example(argv=CHEAP_COMMANDS[6], environment={"SCALINGTOOL_MAX_MEMORY": "9" * 5000})
    @example(argv=CHEAP_COMMANDS[5], environment={"SCALINGTOOL_MAX_MEMORY": "\u0662"})
    @example(argv=CHEAP_COMMANDS[0], environment={"COLUMNS": "99999999", "NO_COLOR": ""})
    @example(argv=["recipes"], environment={"COLUMNS": "9" * 5000})
    @example(argv=CHEAP_COMMANDS[0], environment={"COLUMNS": "\u00b2"})
    @example(argv=CHEAP_COMMANDS[4], environment={"LINES": "\u00b2"})
    def case(argv, environment):
        with cases.new(environment) as folder:
            _copy_inputs(inputs, folder)
            cases.run(folder, argv)

    case()


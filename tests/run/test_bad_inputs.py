"""Bad recipes, bad stored runs and bad output paths: exit 2, one line naming the key, no traceback.

Every case goes through ``scalingtool.cli.main`` (the ``cli`` fixture), as a user would.
The recipes are written here (not read from the shipped ones) so that each case changes
exactly one thing in an otherwise valid recipe.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scalingtool.run import run_recipe
from tests.conftest import assert_usage_error

BIG = "x" * (10 * 2**20)  # a 10 MB value: refused, and never echoed whole
LONG = "x" * 100_000  # within the size of a recipe file, too long for any key


def toml(kind: str, layer: str, params: str, quick: str = "", top: str = "") -> str:
    """A recipe with the given ``[params]`` (and ``[quick]``) lines; ``top`` adds top-level lines."""
    text = f'name = "bad"\ntitle = "A bad recipe"\nlayer = "{layer}"\nkind = "{kind}"\n{top}\n[params]\n{params}\n'
    return text + (f"[quick]\n{quick}\n" if quick else "")


PHASE = 'alpha = ["3/2", "2"]\nbeta = ["1/2", "2"]\ndynamics = "sgd"'
TIME = 'tasks = [["2", "1/2"]]\nend = "1e4"'
WIDTH = 'tasks = [["2", "1/2"]]\nstart = "1e2"\nend = "1e3"'
SGD = 'tasks = [["2", "3"]]\nend = "1e3"'
FRONTIER = 'alpha = "2"\nbeta = "1/2"\nwidths = [16, 32, 64]'
MLP = 'beta = "1/2"\ngamma0 = [0, 1]\nwidth = 16\nsteps = 20\nmodes = 8\ngrid = 64'


def phase(params: str = PHASE, quick: str = "", top: str = "") -> str:
    return toml("phase", "theory", params, quick, top)


def swap(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new)


# (case id, recipe text, fragments the one-line message must contain)
RECIPES = [
    # -- the top level
    ("not-toml", "name = ", ["not valid TOML"]),
    ("toml-nested-too-deep", "a = " + "[" * 5000 + "]" * 5000, ["not valid TOML"]),
    ("name-missing", swap(phase(), 'name = "bad"\n', ""), ["key 'name'", "missing"]),
    ("name-number", swap(phase(), 'name = "bad"', "name = 5"), ["key 'name'", "expected a string"]),
    ("name-path", swap(phase(), 'name = "bad"', 'name = "../../etc"'), ["key 'name'", "letters, digits"]),
    ("name-empty", swap(phase(), 'name = "bad"', 'name = ""'), ["key 'name'"]),
    ("name-10MB", swap(phase(), 'name = "bad"', f'name = "{BIG}"'), ["recipe file too large"]),
    ("name-100kB", swap(phase(), 'name = "bad"', f'name = "{LONG}"'), ["key 'name'", "at most 64 characters"]),
    ("title-list", swap(phase(), 'title = "A bad recipe"', 'title = ["x"]'), ["key 'title'", "expected a string"]),
    ("title-blank", swap(phase(), 'title = "A bad recipe"', 'title = "   "'), ["key 'title'"]),
    ("description-number", phase(top="description = 5"), ["key 'description'", "expected a string"]),
    ("layer-unknown", swap(phase(), 'layer = "theory"', 'layer = "magic"'), ["key 'layer'", "theory, reduced"]),
    ("layer-list", swap(phase(), 'layer = "theory"', 'layer = ["theory"]'), ["key 'layer'"]),
    ("layer-mismatch", swap(phase(), 'layer = "theory"', 'layer = "reduced"'), ["belongs to layer"]),
    ("kind-unknown", swap(phase(), 'kind = "phase"', 'kind = "astrology"'), ["key 'kind'", "unknown kind 'astrology'"]),
    ("kind-100kB", swap(phase(), 'kind = "phase"', f'kind = "{LONG}"'), ["key 'kind'", "at most 64"]),
    ("kind-table", swap(phase(), 'kind = "phase"', "kind = {}"), ["key 'kind'", "expected a string"]),
    ("unknown-top-key", swap(phase(), "title = ", "titel = "), ["unknown key 'titel'", "allowed:"]),
    ("unknown-top-key-100kB", phase(top=f'{"k" * 100_000} = 1'), ["unknown key 'kkkk"]),
    ("params-not-table", swap(phase(), "[params]\n" + PHASE, "params = 5"), ["key 'params'", "expected a table"]),
    ("quick-not-table", phase().replace("[params]", "quick = []\n[params]"), ["key 'quick'", "expected a table"]),
    ("expect-not-empty", phase() + "[expect]\ntolerance = 0.1\n", ["key 'expect'", "empty"]),
    # -- phase [params] and [quick]
    ("phase-alpha-range", swap(phase(), '"3/2", "2"]', '"1/2", "2"]'), ["[params] key 'alpha'", "1 < alpha"]),
    ("phase-alpha-missing", swap(phase(), 'alpha = ["3/2", "2"]\n', ""), ["[params] key 'alpha'", "missing"]),
    ("phase-beta-text", swap(phase(), 'beta = ["1/2", "2"]', 'beta = "lots"'), ["key 'beta'", "list of numbers or a table"]),
    ("phase-beta-scalar", swap(phase(), 'beta = ["1/2", "2"]', "beta = 5"), ["key 'beta'", "list of numbers or a table"]),
    ("phase-alpha-nested", swap(phase(), 'alpha = ["3/2", "2"]', "alpha = [[2]]"), ["key 'alpha'", "expected a number"]),
    ("phase-alpha-nan", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = ["nan"]'), ["key 'alpha'", "finite"]),
    ("phase-alpha-empty", swap(phase(), 'alpha = ["3/2", "2"]', "alpha = []"), ["key 'alpha'", "at least 1 item"]),
    ("phase-alpha-repeated", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = ["2", "2/1"]'), ["key 'alpha'", "only once"]),
    ("phase-alpha-61", swap(phase(), 'alpha = ["3/2", "2"]', "alpha = [" + ", ".join(f'"{2 + k / 100}"' for k in range(61)) + "]"),
     ["key 'alpha'", "at most 60 items, got 61"]),
    ("phase-grid-cubic", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = { min = "1.5", max = "3", spacing = "cubic" }'),
     ["key 'alpha' at spacing", "linear, log"]),
    ("phase-grid-misspelt", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = { min = "1.5", max = "3", stepz = 4 }'),
     ["[params] key 'alpha': unknown key 'stepz'"]),
    ("phase-grid-reversed", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = { min = "3", max = "2", steps = 3 }'),
     ["key 'alpha'", "min must not exceed max"]),
    ("phase-grid-too-fine", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = { min = "1.5", max = "3", steps = 1000 }'),
     ["key 'alpha'", "at most 60 values"]),
    ("phase-grid-steps-0", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = { min = "1.5", max = "3", steps = 0 }'),
     ["key 'alpha' at steps", "whole number from 1"]),
    ("phase-grid-min-missing", swap(phase(), 'alpha = ["3/2", "2"]', 'alpha = { max = "3", steps = 3 }'),
     ["key 'alpha' at min", "missing"]),
    ("phase-dynamics-adam", swap(phase(), 'dynamics = "sgd"', 'dynamics = "adam"'), ["key 'dynamics'", "sgd, gd"]),
    ("phase-dynamics-list", swap(phase(), 'dynamics = "sgd"', 'dynamics = ["sgd"]'), ["key 'dynamics'", "sgd, gd"]),
    ("phase-misspelt-key", swap(phase(), "dynamics =", "dynamcs ="), ["[params] unknown key 'dynamcs'", "allowed: alpha"]),
    ("quick-misspelt-key", phase(quick='alpah = ["2"]'), ["[quick] unknown key 'alpah'"]),
    ("quick-bad-value", phase(quick='alpha = ["1"]'), ["[quick] key 'alpha'", "1 < alpha"]),
    # -- curve kinds
    ("time-variants-nested", toml("time-curves", "reduced", TIME + '\nvariants = [["lazy"]]'),
     ["key 'variants' at [0]", "lazy, rich"]),
    ("time-variants-unknown", toml("time-curves", "reduced", TIME + '\nvariants = ["sideways"]'), ["key 'variants'", "lazy, rich"]),
    ("time-variants-repeated", toml("time-curves", "reduced", TIME + '\nvariants = ["lazy", "lazy"]'), ["key 'variants'", "only once"]),
    ("time-tasks-short", toml("time-curves", "reduced", 'tasks = [["2"]]'), ["key 'tasks' at [0][1]", "missing"]),
    ("time-tasks-alpha", toml("time-curves", "reduced", 'tasks = [["1/2", "1"]]'), ["key 'tasks' at [0][0]", "1 < alpha"]),
    ("time-tasks-text", toml("time-curves", "reduced", 'tasks = "2"'), ["key 'tasks'", "expected a list"]),
    ("time-tasks-13", toml("time-curves", "reduced", "tasks = [" + ", ".join(['["2", "1"]'] * 13) + "]"),
     ["key 'tasks'", "at most 12 items"]),
    ("time-tolerance-negative", toml("time-curves", "reduced", TIME + "\ntolerance = -0.01"), ["key 'tolerance'", "0 < tolerance"]),
    ("time-end-huge", toml("time-curves", "reduced", 'tasks = [["2", "1/2"]]\nend = "1e20"'), ["key 'end'", "0 < end"]),
    ("time-end-digits", toml("time-curves", "reduced", 'tasks = [["2", "1/2"]]\nend = "1e40"'), ["key 'end'", "too many digits"]),
    ("time-gamma0-negative", toml("time-curves", "reduced", TIME + "\ngamma0 = -1"), ["key 'gamma0'", "0 <= gamma0"]),
    ("time-decades-text", toml("time-curves", "reduced", TIME + '\ndecades = "x"'), ["key 'decades'", "expected a number"]),
    ("time-lr-not-a-key", toml("time-curves", "reduced", TIME + '\nlr = "3/10"'), ["[params] unknown key 'lr'"]),
    ("width-start-after-end", toml("width-curve", "reduced", 'tasks = [["2", "1/2"]]\nstart = "1e4"\nend = "1e3"'),
     ["[params]", "start < end"]),
    ("width-per-decade-1000", toml("width-curve", "reduced", WIDTH + "\nper_decade = 1000"), ["key 'per_decade'", "1 to 50"]),
    ("width-variants-rich", toml("width-curve", "reduced", WIDTH + '\nvariants = ["rich"]'), ["key 'variants'", "lazy"]),
    ("data-gamma0-not-a-key", toml("data-curve", "reduced", WIDTH + "\ngamma0 = 1"), ["[params] unknown key 'gamma0'"]),
    ("sgd-lr-zero", toml("sgd-noise", "reduced", SGD + "\nlr = 0"), ["key 'lr'", "0 < lr"]),
    ("sgd-batch-fraction", toml("sgd-noise", "reduced", SGD + "\nbatch = 1.5"), ["key 'batch'", "whole number"]),
    ("sgd-too-many-steps", toml("sgd-noise", "reduced", SGD + '\nlr = "1e-13"'), ["[params]", "steps is out of range"]),
    ("sgd-quick-variants", toml("sgd-noise", "reduced", SGD, quick='variants = [["sgd"]]'), ["[quick] key 'variants'"]),
    # -- frontier
    ("frontier-trainings-nested", toml("frontier", "reduced", FRONTIER + '\ntrainings = [["rich"]]'),
     ["key 'trainings' at [0]", "lazy, rich"]),
    ("frontier-trainings-repeated", toml("frontier", "reduced", FRONTIER + '\ntrainings = ["rich", "rich"]'),
     ["key 'trainings'", "only once"]),
    ("frontier-widths-two", swap(toml("frontier", "reduced", FRONTIER), "[16, 32, 64]", "[16, 32]"), ["key 'widths'", "at least 3 items, got 2"]),
    ("frontier-widths-huge", swap(toml("frontier", "reduced", FRONTIER), "[16, 32, 64]", "[16, 32, 100001]"),
     ["key 'widths' at [2]", "1 to 100000"]),
    ("frontier-widths-fraction", swap(toml("frontier", "reduced", FRONTIER), "[16, 32, 64]", "[16.5, 32, 64]"),
     ["key 'widths' at [0]", "whole number"]),
    ("frontier-allocation-zero", toml("frontier", "reduced", FRONTIER + "\nallocation_tolerance = 0"),
     ["key 'allocation_tolerance'", "0 < allocation_tolerance"]),
    ("frontier-alpha-bool", swap(toml("frontier", "reduced", FRONTIER), 'alpha = "2"', "alpha = true"),
     ["key 'alpha'", "expected a number"]),
    # -- mlp-circle
    ("mlp-gamma0-seven", swap(toml("mlp-circle", "simulation", MLP), "[0, 1]", "[0, 1, 2, 3, 4, 5, 6]"),
     ["key 'gamma0'", "at most 6 items, got 7"]),
    ("mlp-gamma0-log-from-0", swap(toml("mlp-circle", "simulation", MLP), "[0, 1]", '{ min = 0, max = 1, spacing = "log" }'),
     ["key 'gamma0'", "min > 0"]),
    ("mlp-grid-below-4-modes", swap(toml("mlp-circle", "simulation", MLP), "grid = 64", "grid = 16"), ["[params]", "4 x modes"]),
    ("mlp-seeds-zero", toml("mlp-circle", "simulation", MLP + "\nseeds = 0"), ["key 'seeds'", "seeds = 0 is out of range: expected a whole number from 1 to 10000"]),
    ("mlp-tolerance-negative", toml("mlp-circle", "simulation", MLP + "\ntolerance = -0.1"), ["key 'tolerance'"]),
    ("mlp-width-text", swap(toml("mlp-circle", "simulation", MLP), "width = 16", 'width = "big"'), ["key 'width'", "expected a number"]),
]


@pytest.mark.parametrize("text, fragments", [c[1:] for c in RECIPES], ids=[c[0] for c in RECIPES])
def test_bad_recipe(cli, tmp_path, text, fragments):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    r = cli("run", str(path), "--quick", "--out", str(tmp_path / "out"))
    assert_usage_error(r, "bad.toml", *fragments)
    assert len(r.err) < 600  # nothing echoed whole (the 10 MB cases)
    assert not (tmp_path / "out").exists()  # refused before anything is written


def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "pipe.toml")
    return str(tmp / "pipe.toml")


def _sparse(tmp: Path, size: int = 100 * 2**20) -> str:
    with open(tmp / "huge.toml", "wb") as handle:
        handle.truncate(size)  # a 100 MB file without writing 100 MB
    return str(tmp / "huge.toml")


RECIPE_PATHS = [
    ("dev-zero", lambda tmp: "/dev/zero", ["/dev/zero", "not a regular file"]),
    ("fifo", _fifo, ["pipe.toml", "not a regular file"]),
    ("folder", lambda tmp: str(tmp), ["is a folder"]),
    ("100MB", _sparse, ["huge.toml", "too large"]),
    ("missing", lambda tmp: str(tmp / "nope.toml"), ["nope.toml", "no such recipe file"]),
    ("not-utf8", lambda tmp: (tmp / "latin.toml").write_bytes(b'name = "\xe9"\n') and str(tmp / "latin.toml"),
     ["latin.toml", "cannot read"]),
    ("name-too-long", lambda tmp: "/" + "d" * 5000 + ".toml", ["...", "cannot read recipe file"]),
]


@pytest.mark.parametrize("make, fragments", [c[1:] for c in RECIPE_PATHS], ids=[c[0] for c in RECIPE_PATHS])
def test_bad_recipe_path(cli, tmp_path, make, fragments):
    r = cli("run", make(tmp_path), "--out", str(tmp_path / "out"))
    assert_usage_error(r, *fragments)
    assert len(r.err) < 600


GOOD = phase()


def _good(tmp: Path) -> str:
    (tmp / "good.toml").write_text(GOOD)
    return str(tmp / "good.toml")


def _out_file(tmp: Path) -> str:
    (tmp / "taken").write_text("mine\n")
    return str(tmp / "taken")


def _dir_at(relative: str) -> "callable":
    def make(tmp: Path) -> str:
        (tmp / "out" / relative).mkdir(parents=True)
        return str(tmp / "out")
    return make


OUTPUTS = [
    ("out-empty", lambda tmp: "", ["output folder", "empty"]),
    ("out-blank", lambda tmp: "  ", ["output folder", "empty"]),
    ("out-is-a-file", _out_file, ["taken", "not a folder"]),
    ("out-under-a-file", lambda tmp: _out_file(tmp) + "/sub", ["cannot create output folder", "taken"]),
    ("parts-is-a-file", lambda tmp: (tmp / "out").mkdir() or (tmp / "out" / "parts").write_text("") or str(tmp / "out"),
     ["cannot create output folder"]),
    ("run-json-is-a-folder", _dir_at("run.json"), ["cannot write", "run.json", "is a folder"]),
    ("part-is-a-folder", _dir_at("parts/alpha=2.json"), ["alpha=2.json", "is a folder", "delete it"]),
    ("csv-is-a-folder", _dir_at("bad.csv"), ["cannot write", "bad.csv", "is a folder"]),
]


#: the write paths behind the folder check: a folder holding what no run writes is refused before
#: any of them (test_a_folder_the_run_does_not_own_is_refused); --force reaches them
FORCED = {"parts-is-a-file", "run-json-is-a-folder", "part-is-a-folder", "csv-is-a-folder"}


@pytest.mark.parametrize("case, make, fragments", OUTPUTS, ids=[c[0] for c in OUTPUTS])
def test_bad_output_path(cli, tmp_path, case, make, fragments):
    out = make(tmp_path)
    cwd_before = sorted(os.listdir(os.getcwd()))
    r = cli("run", _good(tmp_path), "--quick", "--out", out, *(["--force"] if case in FORCED else []))
    assert_usage_error(r, *fragments)
    assert sorted(os.listdir(os.getcwd())) == cwd_before  # nothing written into the current folder
    assert not [p for p in tmp_path.rglob("*.tmp")]  # no temporary file left behind
    if out.endswith("taken"):
        assert Path(out).read_text() == "mine\n"


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished quick phase run (two values of alpha: two parts)."""
    folder = tmp_path_factory.mktemp("finished")
    (folder / "good.toml").write_text(GOOD)
    run_recipe(folder / "good.toml", folder / "run", quick=False, figures=False)
    return folder / "run"


def _json(relative: str, value: object):
    def spoil(run: Path) -> None:
        (run / relative).write_text(value if isinstance(value, str) else json.dumps(value))
    return spoil


def _edit_run(**changes: object):
    def spoil(run: Path) -> None:
        doc = json.loads((run / "run.json").read_text())
        for key, value in changes.items():
            if value is None:
                doc.pop(key)
            else:
                doc[key] = value
        (run / "run.json").write_text(json.dumps(doc))
    return spoil


def _edit_part(change):
    def spoil(run: Path) -> None:
        path = run / "parts" / "alpha=3_2.json"
        doc = json.loads(path.read_text())
        change(doc)
        path.write_text(json.dumps(doc))
    return spoil


def _replace_with_folder(relative: str):
    def spoil(run: Path) -> None:
        (run / relative).unlink()
        (run / relative).mkdir()
    return spoil


PART = "alpha=3_2.json"
STORES = [
    ("run-json-list", _json("run.json", []), ["run.json", "must be a table"]),
    ("run-json-empty", _json("run.json", {}), ["run.json", "key 'schema'", "missing"]),
    ("run-json-kind-list", _edit_run(kind=[]), ["run.json", "key 'kind'", "expected a string"]),
    ("run-json-only-kind-list", _json("run.json", {"kind": []}), ["run.json", "missing"]),
    ("run-json-kind-unknown", _edit_run(kind="astrology"), ["run.json", "unknown kind"]),
    ("run-json-no-parts", _edit_run(parts=None), ["run.json", "key 'parts'", "missing"]),
    ("run-json-parts-escape", _edit_run(parts=["../../etc/passwd"]), ["run.json", "key 'parts' at [0]"]),
    ("run-json-parts-mismatch", _edit_run(parts=["alpha=3_2"]), ["run.json", "key 'parts'", "run the recipe again"]),
    ("run-json-schema", _edit_run(schema="scalingtool/run/v9"), ["run.json", "key 'schema'"]),
    ("run-json-quick-text", _edit_run(quick="yes"), ["run.json", "key 'quick'", "true or false"]),
    ("run-json-extra-key", _edit_run(colour="red"), ["run.json", "unknown key 'colour'"]),
    ("run-json-config-alpha", _edit_run(config={"alpha": ["1/2"], "beta": ["1"], "dynamics": "sgd"}),
     ["run.json", "[config] key 'alpha'", "1 < alpha"]),
    ("run-json-config-list", _edit_run(config=[]), ["run.json", "key 'config'", "expected a table"]),
    ("run-json-invalid", _json("run.json", "{not json"), ["run.json", "not valid JSON"]),
    ("run-json-deep", _json("run.json", "[" * 100000 + "]" * 100000), ["run.json", "nested too deeply"]),
    ("run-json-folder", _replace_with_folder("run.json"), ["run.json", "is a folder"]),
    ("run-json-missing", lambda run: (run / "run.json").unlink(), ["no run.json here"]),
    ("part-list", _json(f"parts/{PART}", []), [PART, "must be a table", "run the recipe again"]),
    ("part-data-5", _json(f"parts/{PART}", {"params": {}, "data": 5}), [PART, "key 'data'", "run the recipe again"]),
    ("part-data-empty", _edit_part(lambda d: d.update(data={})), [PART, "[data] key 'alpha'", "missing", "recompute"]),
    ("part-row-bad", _edit_part(lambda d: d["data"]["rows"][0].update(lazy="abc")),
     [PART, "[data] key 'rows' at [0].lazy", "expected a number"]),
    ("part-rows-empty", _edit_part(lambda d: d["data"].update(rows=[])), [PART, "[data] key 'rows'", "at least 1 item"]),
    ("part-invalid-json", _json(f"parts/{PART}", "{"), [PART, "not valid JSON", "run the recipe again"]),
    ("part-folder", _replace_with_folder(f"parts/{PART}"), [PART, "is a folder", "delete it"]),
    ("part-missing", lambda run: (run / "parts" / PART).unlink(), [PART, "missing", "run the recipe again"]),
    ("part-stale", _edit_part(lambda d: d["params"].update(dynamics="gd")), [PART, "other parameters", "run the recipe again"]),
]


@pytest.mark.parametrize("spoil, fragments", [c[1:] for c in STORES], ids=[c[0] for c in STORES])
def test_bad_store_for_plot(cli, tmp_path, finished, spoil, fragments):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    spoil(run)
    r = cli("plot", str(run))
    assert_usage_error(r, *fragments)


def test_plot_needs_a_folder(cli, tmp_path):
    assert_usage_error(cli("plot", str(tmp_path / "nope")), "nope", "no such folder")
    (tmp_path / "file").write_text("")
    assert_usage_error(cli("plot", str(tmp_path / "file")), "file", "no such folder")


@pytest.mark.parametrize("spoil", [c[1] for c in STORES if c[0].startswith("part-") and c[0] not in
                                   ("part-folder", "part-missing", "part-stale")],
                         ids=[c[0] for c in STORES if c[0].startswith("part-") and c[0] not in
                              ("part-folder", "part-missing", "part-stale")])
def test_run_recomputes_a_corrupt_part(tmp_path, finished, spoil):
    """Resuming over a corrupt part recomputes it (the run owns its folder) and says which."""
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    spoil(run)
    (tmp_path / "good.toml").write_text(GOOD)
    result = run_recipe(tmp_path / "good.toml", run, figures=False)
    assert result.computed == ["alpha=3_2"] and result.reused == ["alpha=2"]
    assert any(PART in note and "recomputed" in note for note in result.notes)
    stored = json.loads((run / "parts" / PART).read_text())
    assert stored == json.loads((finished / "parts" / PART).read_text())



_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from scalingtool.cli import main
sys.exit(main(["run", sys.argv[2], "--out", sys.argv[3]]))
"""


@pytest.mark.parametrize("limit, failing", [(64, "run.json"), (1000, "parts/alpha="), (20000, "bad.png")],
                         ids=["run.json", "a part", "a figure"])
def test_full_disk(tmp_path, limit, failing):
    """A write that fails for lack of space: one line naming the file and the reason, exit 2,
    and no half-written file (each file is whole or absent)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    # parts of ~1.5 kB (ten values of beta each), run.json of ~0.6 kB
    (tmp_path / "good.toml").write_text(phase('alpha = ["3/2", "2"]\nbeta = { min = "0.25", max = "3", steps = 10 }'))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    r = subprocess.run([sys.executable, "-c", _FULL_DISK, str(limit), str(tmp_path / "good.toml"), str(out)],
                       capture_output=True, text=True, cwd=root, env=env, timeout=300)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith("scalingtool: error: cannot write ") and lines[0].endswith(": File too large (nothing was written)")
    assert failing in lines[0], lines[0]
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".*"))  # no temporary file left
    for path in out.rglob("*.json"):
        json.loads(path.read_text())  # each file whole, or not there at all


def _user_files(folder: Path) -> dict[str, str]:
    folder.mkdir()
    files = {"run.json": '{"mine": true}\n', "summary.json": "{}\n", "phase.csv": "a,b\n1,2\n"}
    for name, text in files.items():
        (folder / name).write_text(text)
    return files


def test_a_folder_the_run_does_not_own_is_refused(cli, tmp_path):
    # a user's own run.json, summary.json and phase.csv: never replaced by a run
    mine = tmp_path / "mine"
    files = _user_files(mine)
    assert_usage_error(cli("run", "phase", "--quick", "--out", str(mine)), "not a readable run", "--force")
    assert {p.name: p.read_text() for p in mine.iterdir()} == files
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep\n")
    assert_usage_error(cli("run", "phase", "--quick", "--out", str(other)), "holds files that are not a run",
                       "notes.txt")
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_another_recipe_into_a_finished_run_is_refused_and_the_same_one_resumes(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("run", "phase", "--quick", "--out", str(out)).code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert_usage_error(cli("run", "frontier", "--quick", "--out", str(out)), "holds a run of recipe 'phase'")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    again = cli("run", "phase", "--quick", "--out", str(out), "-f", "json")
    assert again.code == 0 and json.loads(again.out)["computed"] == []


def test_force_writes_into_a_folder_of_other_files(cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep\n")
    assert cli("run", "phase", "--quick", "--out", str(out), "--force").code == 0
    assert (out / "notes.txt").read_text() == "keep\n" and (out / "run.json").exists()


def test_a_stored_part_is_validated_for_meaning_not_only_type(cli, tmp_path):
    # a zero exponent is a number, but the table and figures divide by it
    out = tmp_path / "ph"
    assert cli("run", "phase", "--quick", "--out", str(out)).code == 0
    part = sorted((out / "parts").glob("*.json"))[0]
    doc = json.loads(part.read_text())
    doc["data"]["rows"][0]["lazy"] = "0"
    part.write_text(json.dumps(doc))
    assert_usage_error(cli("plot", str(out)), "lazy = 0 is out of range", "run the recipe again")
    again = cli("run", "phase", "--quick", "--out", str(out), "-f", "json")
    assert again.code == 0 and json.loads(again.out)["computed"] == [part.stem]

"""Property-based fuzzing of every kind of file a user hands over, generated and then mutated.

* claims TOML: valid claims drawn from :mod:`scalingtool.verify.claims`' quantities, then
  mutated (huge numbers, deep nesting, wrong types, control characters, truncation, byte
  flips), checked with ``verify --exact-only`` and, once, through the pytest plugin;
* recipe TOML: the cheap built-in recipes' text, mutated the same way, run with ``--quick``;
* stored runs: a finished quick ``phase`` run whose ``run.json``, ``parts/*.json`` or
  ``summary.json`` is mutated (truncation, wrong types, zero, negative or huge exponents, lists
  that lie about their length, a folder in place of a file), then ``plot`` and a re-``run``;
* data files: ``.npy`` with lying headers, shapes and dtypes, ``.npz`` saved as ``.npy``, CSV
  and text with junk, huge fields, NaN and wrong column counts, loss-curve CSV, for every
  ``estimate`` source.

Every case keeps the invariant of :func:`tests.edge.fuzzing.check`.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from scalingtool.cli import main
from scalingtool.errors import UsageError
from scalingtool.run.builtin import read as builtin_recipe
from scalingtool.verify.claims import QUANTITIES, REGIMES, TASK_QUANTITIES, TERMS, parse_claims
from tests.edge.fuzzing import Cases, examples, fuzz_settings, hostile

pytest.importorskip("scipy")

pytest_plugins = ["pytester"]


@pytest.fixture
def cases(tmp_path, cli, monkeypatch) -> Cases:
    return Cases(tmp_path, cli, monkeypatch)


# ------------------------------------------------------------------ TOML: generated, then mutated

def toml_value(value) -> str:
    """``value`` as TOML (strings as basic strings with JSON's escapes, which TOML shares)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


ALPHAS = ["3/2", "2", "5/2", "3", 2, 1.5, "1.25"]
BETAS = ["1/4", "1/2", "3/10", "5/4", "3", 0.5, "2.5"]
VALUES = {
    "regime": st.sampled_from(list(REGIMES)),
    "balance": st.one_of(st.lists(st.sampled_from(TERMS), min_size=1, max_size=4, unique=True),
                         st.sampled_from(["signal+width", "signal+noise", "transient+width"])),
    "rich_onset": st.sampled_from(["never", "alpha", "1/2", "2*alpha"]),
    "noise_takeover": st.sampled_from(["never", "1", "alpha*beta"]),
}
EXPRESSIONS = st.sampled_from(["2*beta/(1+beta)", "beta", "1/3", "0.3333", "alpha*beta", "min(alpha, beta)",
                               "max(1, beta)/2", "(alpha*beta - alpha + 1)/(alpha*beta + 1)", 1, 0.5, "2 - 1/alpha"])


@st.composite
def claim(draw) -> dict:
    quantity = draw(st.sampled_from(QUANTITIES))
    table = {"name": draw(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                                  max_size=30)),
             "alpha": draw(st.sampled_from(ALPHAS)), "beta": draw(st.sampled_from(BETAS)), "quantity": quantity}
    if quantity not in TASK_QUANTITIES or draw(st.booleans()):
        table["training"] = "lazy" if quantity == "data" else draw(st.sampled_from(["lazy", "rich"]))
    if quantity != "noise_takeover" and draw(st.booleans()):
        table["dynamics"] = draw(st.sampled_from(["sgd", "gd"]))
    table["value"] = draw(VALUES.get(quantity, EXPRESSIONS))
    if draw(st.booleans()):
        table["tolerance"] = draw(st.sampled_from([1e-3, 0.05, 1]))
    return table


def claims_text(claims: list[dict]) -> str:
    return "".join("\n[[claim]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in c.items()) for c in claims)


TOML_JUNK = [
    "1e400", "-1e400", "9" * 5000, "-" + "9" * 5000, "0", "-1", "inf", "nan", "-inf", "true", "[]", "{}",
    '""', '"\\u0000"', '"\\u001b[31m"', '"' + "x" * 5000 + '"', '"\\u00b2"', '"\\u0662"', "1979-05-27",
    "[" * 200 + "]" * 200, "[" * 60 + "1" + "]" * 60, "{ a = { b = { c = 1 } } }", '"""\na\nb"""',
    "[1, \"a\", 2.5, true]", "0x10", "1_000", "+inf", "'literal'", "[[1], [2, [3, [4]]]]",
]


@st.composite
def mutated_toml(draw, text: str) -> bytes:
    """``text`` with up to three mutations: a key's value replaced with junk, a deep or dotted
    key, a repeated table, a control character or byte, truncation."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(0, 3))):
        what = draw(st.sampled_from(["value"] * 6 + ["dotted", "deep", "table", "control", "duplicate",
                                                     "delete"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if what == "value" and lines:
            keyed = [i for i, line in enumerate(lines) if " = " in line]
            if keyed:
                i = draw(st.sampled_from(keyed))
                junk = draw(st.one_of(st.sampled_from(TOML_JUNK), hostile().map(lambda s: json.dumps(s))))
                lines[i] = lines[i].split(" = ", 1)[0] + " = " + junk
        elif what == "dotted":
            depth = draw(st.sampled_from([3, 63, 64, 65, 300, 3000]))
            lines.insert(at, ".".join(["a"] * depth) + " = 1")
        elif what == "deep":
            depth = draw(st.sampled_from([10, 64, 65, 500, 20000]))
            lines.insert(at, "deep = " + "[" * depth + "]" * depth)
        elif what == "table":
            lines.insert(at, draw(st.sampled_from(["[params]", "[quick]", "[[claim]]", "[claim]", "[expect]",
                                                   "[" + "a." * 100 + "a]", "[[params.alpha]]", "name = 1"])))
        elif what == "control":
            line = lines[at] if lines else ""
            pos = draw(st.integers(0, len(line)))
            char = draw(st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\r", "\u2028", "\ufeff", "\udcff"]))
            lines[at:at + 1] = [line[:pos] + char + line[pos:]]
        elif what == "duplicate" and lines:
            lines.insert(at, lines[draw(st.integers(0, len(lines) - 1))])
        elif what == "delete" and lines:
            del lines[at]
    data = "\n".join(lines).encode("utf-8", "surrogateescape")
    if draw(st.integers(0, 5)) == 0:  # truncated
        data = data[:draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 9)) == 0:  # a byte that is not UTF-8
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + b"\xff" + data[pos:]
    return data


claims_file = st.lists(claim(), min_size=1, max_size=4).map(claims_text).flatmap(mutated_toml)
CLAIMS_CORPUS = [
    b"[[claim]]\n" + b"a." * 400 + b"a = 1\n",
    b"[[claim]]\nname = \"x\"\nalpha = " + b"9" * 5000 + b"\n",
    b"x = " + b"[" * 100000 + b"]" * 100000 + b"\n",
    b"[[claim]]\nname = \"\\u0000\"\n",
    b"[[claim]]\nname = \"a\"\nalpha = 2\nbeta = 1e400\ntraining = \"rich\"\nquantity = \"time\"\nvalue = \"beta\"\n",
    b"[[claim]]\nname = \"a\"\nalpha = 2\nbeta = 0.5\ntraining = \"rich\"\nquantity = \"time\"\nvalue = \""
    + b"(" * 1000 + b"beta" + b")" * 1000 + b"\"\n",
    b"[[claim]]\nname = \"a\"\nalpha = 2\nbeta = 0.5\ntraining = \"rich\"\nquantity = \"time\"\nvalue = \"beta^"
    + b"9" * 90 + b"\"\n",
    b"[[claim]]\nname = \"a\"\nalpha = 2\nbeta = 0.5\ntraining = \"rich\"\nquantity = \"time\"\nvalue = \"1e99999\"\n",
    b"\xff\xfe[[claim]]",
    b"[[claim]]\n" * 1001,
]


@pytest.mark.parametrize("max_examples", examples(80))
def test_claims_files(max_examples, cases):
    @fuzz_settings(max_examples)
    @given(data=claims_file, exact=st.sampled_from([True, True, True, False]),
           extra=st.sampled_from([[], ["--junit-xml", "report.xml"], ["--format", "json"], ["-v"]]))
    def case(data, exact, extra):
        with cases.new() as folder:
            (folder / "report.xml").write_text("<old/>\n")
            (folder / "my.claims.toml").write_bytes(data)
            mode = ["--exact-only"] if exact else ["--quick"]
            cases.run(folder, ["verify", *mode, "--claims", "my.claims.toml", *extra])

    for data in CLAIMS_CORPUS:
        case = example(data=data, exact=True, extra=["--junit-xml", "report.xml"])(case)
    case()


def test_mutated_claims_file_is_a_collection_error_of_that_file(pytester):
    """A malformed claims file is one collection error of that file, never an INTERNALERROR;
    the plugin's verdicts agree with ``parse_claims``."""
    from importlib.metadata import entry_points

    installed = any(ep.value == "scalingtool.verify.plugin" for ep in entry_points(group="pytest11"))
    args = (() if installed else ("-p", "scalingtool.verify.plugin")) + ("--claims-exact-only", "-p",
                                                                        "no:cacheprovider")
    folder = Path(pytester.path)

    @fuzz_settings(6)
    @given(data=claims_file)
    @example(data=CLAIMS_CORPUS[0])
    @example(data=CLAIMS_CORPUS[8])
    def case(data):
        (folder / "fuzz.claims.toml").write_bytes(data)
        try:
            valid = bool(parse_claims(data.decode("utf-8"), "fuzz.claims.toml"))
        except (UsageError, UnicodeDecodeError):
            valid = False
        result = pytester.runpytest_inprocess(*args)
        text = result.stdout.str() + result.stderr.str()
        assert "INTERNALERROR" not in text, text[-3000:]
        assert "Traceback" not in text, text[-3000:]
        outcomes = result.parseoutcomes()
        if valid:
            assert not outcomes.get("errors"), text[-3000:]
        else:
            assert outcomes.get("errors") == 1 and "fuzz.claims.toml" in text, text[-3000:]

    case()


# ------------------------------------------------------------------------------ recipes

def toml_document(doc: dict) -> str:
    """``doc`` as TOML: tables as ``[name]`` sections, deeper tables inline."""
    def inline(value) -> str:
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {inline(v)}" for k, v in value.items()) + " }"
        if isinstance(value, list):
            return "[" + ", ".join(inline(v) for v in value) + "]"
        if isinstance(value, float) and value != value:
            return "nan"
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return toml_value(value)

    lines = [f"{json.dumps(k)} = {inline(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += [f"[{json.dumps(k)}]"] + [f"{json.dumps(kk)} = {inline(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


TOML_NODES = [0, -1, -0.0, 10**400, -(10**400), 10**4000, 1e308, float("inf"), float("nan"), "", "\x00", "9" * 5000,
              "1e400", "1/0", "-1/2", "\u00b2", "\u0662", True, [], {}, [1, 2, 3], {"a": 1}, "x" * 3000,
              [[]], [["2"]], [["2", "1/2", "x"]], {"min": "1", "max": "1", "steps": 1}, {"min": "3", "max": "2"},
              "lazy", "rich", "sgd", "gd", "log"]


@st.composite
def mutated_recipe(draw, name: str) -> bytes:
    """The built-in recipe ``name``, one of its values replaced (or a key removed, or a list
    shortened or repeated) in its parsed form, then written back and mutated as text."""
    import tomllib

    doc = tomllib.loads(builtin_recipe(name))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["node"] * 4 + ["delete", "shorten", "lengthen"]))
        node = _get(doc, path)
        if how == "delete":
            del _get(doc, path[:-1])[path[-1]]
        elif how == "shorten" and isinstance(node, list) and node:
            del node[draw(st.integers(0, len(node) - 1)):]
        elif how == "lengthen" and isinstance(node, list) and node:
            node.extend(node[: draw(st.integers(1, 3))])
        else:
            # a copy: a shared list from TOML_NODES lengthened later would change every later example
            _set(doc, path, copy.deepcopy(draw(st.sampled_from(TOML_NODES))))
    text = toml_document(doc)
    return draw(mutated_toml(text)) if draw(st.integers(0, 3)) == 0 else text.encode("utf-8", "surrogateescape")


CHEAP_RECIPES = ["phase", "width-curve", "data-curve", "time-curves"]


@pytest.mark.parametrize("max_examples", examples(30))
def test_recipe_files(max_examples, cases):
    @fuzz_settings(max_examples)
    @given(data=st.one_of(st.sampled_from(CHEAP_RECIPES).map(builtin_recipe).flatmap(mutated_toml),
                          st.sampled_from(CHEAP_RECIPES).flatmap(mutated_recipe),
                          st.sampled_from(CHEAP_RECIPES).flatmap(mutated_recipe)),
           out=st.sampled_from(["out", "new/out"]))
    @example(data=builtin_recipe("phase").replace('steps = 4', 'steps = ' + "9" * 5000).encode(), out="out")
    @example(data=builtin_recipe("phase").replace('steps = 4', 'steps = 1e400').encode(), out="out")
    @example(data=builtin_recipe("width-curve").replace('end = "1e5"', 'end = "1e400"').encode(), out="out")
    @example(data=builtin_recipe("phase").replace('steps = 4', 'steps = -4').encode(), out="out")
    @example(data=builtin_recipe("width-curve").replace("per_decade = 4", f"per_decade = {10**4000}").encode(),
             out="out")
    @example(data=builtin_recipe("phase").replace('name = "phase"', 'name = "' + "x" * 300 + '"').encode(),
             out="out")
    @example(data=builtin_recipe("phase").replace('name = "phase"', 'name = "../escape"').encode(), out="out")
    @example(data=builtin_recipe("phase") .encode() + b"\na." + b"a." * 100 + b"a = 1\n", out="out")
    def case(data, out):
        with cases.new() as folder:
            (folder / "my.toml").write_bytes(data)
            cases.run(folder, ["run", "my.toml", "--quick", "--out", out, "--format", "csv"])

    case()


# -------------------------------------------------------------------------------- stored runs

@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished quick run of the phase recipe."""
    folder = tmp_path_factory.mktemp("stored") / "phase"
    assert main(["run", "phase", "--quick", "--out", str(folder), "--format", "csv"]) == 0
    return folder


def _paths(node, prefix=()):
    """Every path into a JSON document (keys and indices), the root included."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


JSON_JUNK = [0, -1, -3, 10**400, -(10**400), 1e308, 0.0, -0.0, "0", "-1/2", "1/0", "9" * 5000, "nan", "inf",
             "1e400", "", "\x00", "\u0662", None, True, [], {}, [1, 2, 3], {"a": 1}, "x" * 3000, "../x", "/tmp"]
JSON_TOKENS = ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000, "[" * 100000 + "]" * 100000]


@st.composite
def stored_mutation(draw, finished: Path):
    """``(relative file, new bytes or None for a folder, or 'delete')`` for one stored file."""
    files = sorted(str(p.relative_to(finished)) for p in finished.rglob("*.json"))
    name = draw(st.sampled_from(files))
    raw = (finished / name).read_bytes()
    how = draw(st.sampled_from(["node", "node", "node", "delete-key", "shorten", "lengthen", "truncate",
                                "token", "folder", "delete", "empty"]))
    if how in ("folder", "delete"):
        return name, how
    if how == "empty":
        return name, b""
    if how == "truncate":
        return name, raw[:draw(st.integers(0, len(raw) - 1))]
    doc = json.loads(raw)
    paths = list(_paths(doc))
    path = draw(st.sampled_from(paths))
    if how == "token":  # a value that JSON cannot hold (or only Python's reader takes)
        placeholder = "\x00PLACEHOLDER\x00"
        doc = _set(doc, path, placeholder)
        return name, json.dumps(doc).replace(json.dumps(placeholder), draw(st.sampled_from(JSON_TOKENS))).encode()
    if how == "node":
        doc = _set(doc, path, draw(st.sampled_from(JSON_JUNK)))
    else:
        lists = [p for p in paths if isinstance(_get(doc, p), list)] or [()]
        target = draw(st.sampled_from(lists))
        node = _get(doc, target)
        if how == "delete-key":
            dicts = [p for p in paths if isinstance(_get(doc, p), dict) and _get(doc, p)]
            target = draw(st.sampled_from(dicts))
            node = _get(doc, target)
            del node[draw(st.sampled_from(sorted(node)))]
        elif isinstance(node, list) and node and how == "shorten":
            del node[draw(st.integers(0, len(node) - 1)):]
        elif isinstance(node, list) and node:
            node.extend(node[: draw(st.integers(1, 3))])
    return name, json.dumps(doc, allow_nan=True).encode()


def _get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def _set(doc, path, value):
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


@pytest.mark.parametrize("max_examples", examples(20))
def test_stored_runs(max_examples, cases, finished):
    @fuzz_settings(max_examples)
    @given(mutation=stored_mutation(finished), rerun=st.booleans())
    @example(mutation=("run.json", b'{"schema": "scalingtool/run/v1", "recipe": "phase", "parts": ' +
                       b"[" * 100000 + b"]" * 100000 + b"}"), rerun=True)
    @example(mutation=("parts/alpha=2.json", "folder"), rerun=True)
    @example(mutation=("summary.json", "folder"), rerun=True)
    @example(mutation=("run.json", "delete"), rerun=True)
    @example(mutation=("parts/alpha=2.json", b'{"params": {}, "data": {"alpha": "2", "rows": []}}'), rerun=False)
    def case(mutation, rerun):
        name, new = mutation
        with cases.new() as folder:
            out = folder / "out"
            shutil.copytree(finished, out)
            target = out / name
            if new == "folder":
                target.unlink()
                target.mkdir()
                (target / "inside.txt").write_text("a user's file\n")
            elif new == "delete":
                target.unlink()
            else:
                target.write_bytes(new)
            cases.run(folder, ["plot", "out"])
            if rerun:
                cases.run(folder, ["run", "phase", "--quick", "--out", "out", "--format", "csv"])

    case()


# ---------------------------------------------------------------------------------- data files

def npy_bytes(descr: str, fortran, shape_text: str, payload: bytes, version: bytes = b"\x01\x00") -> bytes:
    """A ``.npy`` file whose header says what it is told to say."""
    header = "{'descr': %r, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    size = len(header).to_bytes(2 if version == b"\x01\x00" else 4, "little")
    return b"\x93NUMPY" + version + size + header.encode("latin1") + payload


lying_npy = st.builds(
    npy_bytes,
    descr=st.sampled_from(["<f8", "<f4", "<i8", "|u1", "|b1", "<U10", "|O", "<c16", ">f8", "|V8", "<M8[s]",
                           "bogus", "<f2", "<f16"]),
    fortran=st.sampled_from(["False", "True", "1", "'x'"]),
    shape_text=st.one_of(
        st.lists(st.integers(-2, 300), max_size=4).map(lambda s: repr(tuple(s))),
        st.sampled_from(["(2**62,)", "(10**30, 10**30)", "(-1,)", "()", "(1.5,)", "[100]", "None", "(" + "1," * 40
                         + ")", "(1,) * 1000", "'abc'", "(100, 100, 100, 100, 100)"])),
    payload=st.one_of(st.binary(max_size=64), st.integers(0, 80_000).map(lambda n: np.ones(n // 8).tobytes())),
    version=st.sampled_from([b"\x01\x00", b"\x02\x00", b"\x03\x00", b"\x09\x09"]),
)


def _npz_bytes() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, a=np.ones(100))
    return buffer.getvalue()


def _object_npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return buffer.getvalue()


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array))
    return buffer.getvalue()


CELL = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**6, 10**6).map(str),
                 st.sampled_from(["", "nan", "NaN", "inf", "1e400", "9" * 5000, "abc", "\x00", "1,5", "\u0662",
                                  "0x1p3", " ", "#", '"1"', "x" * 200_000]))


@st.composite
def text_table(draw, header: str | None = None) -> bytes:
    rows = draw(st.integers(0, 120))
    columns = draw(st.integers(1, 4))
    sep = draw(st.sampled_from([",", " ", "\t", ";", ", "]))
    good = draw(st.integers(0, 2)) > 0  # mostly numbers, some junk
    lines = [header] if header is not None else []
    for i in range(rows):
        width = columns if draw(st.integers(0, 20)) else draw(st.integers(0, 6))
        if good and draw(st.integers(0, 30)):
            cells = [repr(float((i + 1) ** -1.5 * (1 + k))) for k in range(width)]
        else:
            cells = [draw(CELL) for _ in range(width)]
        lines.append(sep.join(cells))
    return ("\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n", "\n\n\n"]))).encode("utf-8", "surrogateescape")


curve_header = st.sampled_from(["t,loss", "t,loss,seed", "t,loss,width", "loss,t", "t", "", "t,loss,seed,width",
                                " t , loss ", "t,t,loss", "\ufefft,loss"])


@st.composite
def loss_curve(draw) -> bytes:
    header = draw(curve_header)
    if draw(st.booleans()):
        return draw(text_table(header))
    t = np.logspace(0, 4, draw(st.integers(0, 60)))
    columns = header.split(",")
    lines = [header]
    for k, x in enumerate(t):
        values = {"t": repr(float(x)), "loss": repr(float(x ** -0.4)), "seed": str(k % 3), "width": "100"}
        cells = [values.get(c.strip().lstrip("\ufeff"), "1") for c in columns]
        if draw(st.integers(0, 40)) == 0:
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL)
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


data_file = st.one_of(
    st.tuples(st.sampled_from([".npy"]), lying_npy),
    st.tuples(st.just(".npy"), st.sampled_from([_npz_bytes(), _object_npy(), b"", b"\x93NUMPY", b"1 2 3\n",
                                                _npy(np.full(100, np.nan)), _npy(np.zeros((70, 70))),
                                                _npy(np.ones((70, 70))), _npy(np.arange(100.0)[::-1]),
                                                _npy(np.eye(70) * -1), _npy(np.ones((70, 1))),
                                                _npy(np.ones((1, 70))), _npy(np.ones(70, dtype=bool)),
                                                _npy(np.full(70, 1e308)), _npy(np.full((70, 70), 1e-320))])),
    st.tuples(st.sampled_from([".csv", ".txt", ".dat", ""]), text_table()),
)
SOURCES = [("--spectrum", "--target-power"), ("--features", "--labels"), ("--gram", "--labels")]


@pytest.mark.parametrize("max_examples", examples(80))
def test_data_files(max_examples, cases):
    spectrum = np.arange(1, 201, dtype=float) ** -2.0

    @fuzz_settings(max_examples)
    @given(source=st.sampled_from(SOURCES), main_file=data_file,
           companion=st.one_of(st.none(), data_file, st.just((".txt", "\n".join(map(repr, spectrum)).encode()))),
           bootstrap=st.sampled_from(["0", "2"]))
    @example(source=SOURCES[0], main_file=(".npy", npy_bytes("<f8", "False", "(2**62,)", b"")), companion=None,
             bootstrap="0")
    @example(source=SOURCES[1], main_file=(".npy", _npz_bytes()), companion=None, bootstrap="0")
    @example(source=SOURCES[1], main_file=(".npy", _object_npy()), companion=None, bootstrap="0")
    @example(source=SOURCES[2], main_file=(".npy", npy_bytes("<f8", "False", "(10**30, 10**30)", b"")),
             companion=None, bootstrap="0")
    @example(source=SOURCES[0], main_file=(".csv", b"1," + b"9" * 5000 + b"\n"), companion=None, bootstrap="0")
    @example(source=SOURCES[0], main_file=(".txt", b"1e400\n" * 100), companion=None, bootstrap="0")
    @example(source=SOURCES[0], main_file=(".txt", b"\x00\n" * 100), companion=None, bootstrap="0")
    @example(source=SOURCES[2], main_file=(".npy", _npy(np.full((70, 70), 1e-320))), companion=None, bootstrap="2")
    @example(source=SOURCES[2], main_file=(".npy", _npy(np.full((70, 70), 1e308))), companion=None, bootstrap="2")
    @example(source=SOURCES[1], main_file=(".npy", _npy(np.random.default_rng(0).standard_normal((80, 120)) * 1e160)),
             companion=None, bootstrap="2")
    @example(source=SOURCES[0], main_file=(".txt", b""), companion=None, bootstrap="0")
    @example(source=SOURCES[1], main_file=(".csv", b"# only a comment\n\n"), companion=None, bootstrap="0")
    def case(source, main_file, companion, bootstrap):
        with cases.new() as folder:
            suffix, data = main_file
            (folder / f"main{suffix}").write_bytes(data)
            argv = ["estimate", source[0], f"main{suffix}", "--bootstrap", bootstrap, "--format", "json"]
            if companion is not None:
                (folder / f"other{companion[0]}").write_bytes(companion[1])
                argv += [source[1], f"other{companion[0]}"]
            cases.run(folder, argv)

    case()


@pytest.mark.parametrize("max_examples", examples(60))
def test_loss_curve_files(max_examples, cases):
    @fuzz_settings(max_examples)
    @given(curve=loss_curve(), decades=st.sampled_from(["1", "0.5", "3", "20"]),
           bootstrap=st.sampled_from(["0", "2"]), spectrum=st.one_of(st.none(), data_file))
    @example(curve=b"t,loss\n" + b"1,1\n" * 3, decades="1", bootstrap="0", spectrum=None)
    @example(curve=b"t,loss\n1," + b"9" * 200_000 + b"\n", decades="1", bootstrap="0", spectrum=None)
    @example(curve=b"t,loss\n1,\x002\n", decades="1", bootstrap="0", spectrum=None)
    @example(curve=b"t,loss,seed\n" + b"".join(b"%d,%r,%d\n" % (t, 1.0, s) for s in range(3) for t in range(1, 50)),
             decades="1", bootstrap="2", spectrum=None)
    @example(curve=b"t,loss\n" + b"".join(b"%d,0\n" % t for t in range(1, 50)), decades="1", bootstrap="0",
             spectrum=None)
    @example(curve=b"t,loss\n" + b"".join(b"-%d,1\n" % t for t in range(1, 50)), decades="1", bootstrap="0",
             spectrum=None)
    def case(curve, decades, bootstrap, spectrum):
        with cases.new() as folder:
            (folder / "curve.csv").write_bytes(curve)
            argv = ["estimate", "--loss-curve", "curve.csv", "--decades", decades, "--bootstrap", bootstrap]
            if spectrum is not None:
                (folder / f"lam{spectrum[0]}").write_bytes(spectrum[1])
                argv += ["--with-spectrum", f"lam{spectrum[0]}"]
            cases.run(folder, argv)

    case()


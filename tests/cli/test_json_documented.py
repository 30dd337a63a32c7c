"""Every JSON document a command prints carries the keys the "JSON output" section of
docs/how-to/read-the-json-output.md documents for its schema, and no top-level key that
section does not name.

The documented keys are read out of that page itself (every backticked identifier of a
schema's paragraph, ``a.b|c`` read as ``a``, ``b``, ``c``, and the quoted keys of a
``{"key": ...}`` example), so the docs and this test cannot drift apart: renaming a key in the
code or in the page turns this test red until the other follows.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "read-the-json-output.md"
SCHEMA = re.compile(r"`(scalingtool/[a-z-]+/v\d+)`")
TICK = re.compile(r"`([^`]+)`")
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
LOSS_CURVE = "With `--loss-curve`"  # the estimate paragraph's second layout starts here

# Backticked words of the JSON section that are not keys or values of the document: each is
# named here with the reason, and must still occur in its paragraph (no stale entries).
PROSE = {
    "scalingtool/exponents/v1": {"chi"},          # the time exponent's symbol (theory §3.2)
    "scalingtool/simulate/v1": {"s"},             # the symbol of the predicted kernel scale
    "scalingtool/run/v1": {"mlp-study",           # a recipe kind named in the prose
                           "tier"},               # named as absent: "without `tier`"
}

# "each with" lists: the keys of every item must be documented too.
ITEM_LISTS = {
    "scalingtool/phase/v1": ["points"],
    "scalingtool/derive/v1": ["results"],
    "scalingtool/verify/v2": ["checks"],
    "scalingtool/simulate/v1": ["runs"],
    "scalingtool/recipes/v1": ["recipes"],
    "scalingtool/run/v1": ["checks"],
}


def _section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    assert "\n## JSON output\n" in text, "the page lost its JSON output section"
    return text.split("\n## JSON output\n", 1)[1].split("\n## ", 1)[0]


def documented() -> dict[str, str]:
    """``{schema: its paragraph}``; a schema named inside another's paragraph (the run's
    summary file) takes the text up to the paragraph's end."""
    sec = _section()
    marks = list(SCHEMA.finditer(sec))
    out: dict[str, str] = {}
    for m, nxt in zip(marks, marks[1:] + [None]):
        seg = sec[m.end():nxt.start() if nxt else len(sec)]
        out[m.group(1)] = seg.split("\n\n")[0]
    estimate = out.pop("scalingtool/estimate/v1")
    assert LOSS_CURVE in estimate
    out["scalingtool/estimate/v1"], out["scalingtool/estimate/v1 --loss-curve"] = estimate.split(LOSS_CURVE, 1)
    return out


def tokens(text: str) -> set[str]:
    words: set[str] = set()
    for span in TICK.findall(text):
        if "{" in span:  # an example object: its quoted keys
            words |= {w for w in re.findall(r'"([^"]+)"', span) if IDENT.match(w)}
            continue
        span = span.strip('"')
        if re.search(r"[ /<~=^\[]", span) or re.fullmatch(r"[\w-]+\.(json|csv|png|svg|toml)", span):
            continue  # a formula, a path, a file name or an option
        words |= {w for w in re.split(r"[.|]", span) if IDENT.match(w) and w not in ("null", "true", "false")}
    return words


def keys_and_strings(doc, keys=None, strings=None):
    keys = set() if keys is None else keys
    strings = set() if strings is None else strings
    if isinstance(doc, dict):
        for k, v in doc.items():
            keys.add(k)
            keys_and_strings(v, keys, strings)
    elif isinstance(doc, list):
        for v in doc:
            keys_and_strings(v, keys, strings)
    elif isinstance(doc, str):
        strings.add(doc)
    return keys, strings


def _json(cli, *argv):
    r = cli(*argv)
    assert r.code == 0, (argv, r.err)
    return json.loads(r.out)


def _claims(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[[claim]]\nname = "lazy time"\nalpha = 2\nbeta = "1/2"\ntraining = "lazy"\n'
                    'dynamics = "gd"\nquantity = "time"\nvalue = "beta"\ntolerance = 0.05\n')
    return str(path)


def _estimate_files(tmp_path):
    k = np.arange(1, 2001, dtype=float)
    np.savetxt(tmp_path / "lam.txt", k ** -2.0)
    np.savetxt(tmp_path / "p.txt", k ** -2.0 * np.random.default_rng(2).chisquare(1, k.size))
    t = np.logspace(0, 4, 40)
    rows = ["t,loss"] + [f"{float(a)!r},{float(b)!r}" for a, b in zip(t, t ** -0.5)]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")


def outputs(schema, cli, tmp_path):
    """The documents of ``schema``, from invocations that between them reach every documented
    key and value (optional scales asked for, every regime and both dynamics)."""
    if schema == "scalingtool/exponents/v1":
        scales = ("--gamma0", "1/10", "-N", "100", "--lr-over-batch", "1/100")
        return [_json(cli, "exponents", "-a", "2", "-b", b, *scales, "-f", "json") for b in ("1/2", "5/4", "3/2", "3")] \
            + [_json(cli, "exponents", "-a", "2", "-b", "3", "--dynamics", "gd", "-f", "json")]
    if schema == "scalingtool/phase/v1":
        return [_json(cli, "phase", "--steps", "2", "-f", "json")]
    if schema == "scalingtool/derive/v1":
        return [_json(cli, "derive", "-f", "json")]
    if schema == "scalingtool/solve/v1":
        return [_json(cli, "solve", "-a", "2", "-b", "1/2", "-g", "1", "-f", "json")]
    if schema == "scalingtool/verify/v2":
        return [_json(cli, "verify", "--claims", _claims(tmp_path), "--tier", "theory", "--quick", "-f", "json")]
    if schema == "scalingtool/simulate/v1":
        return [_json(cli, "simulate", "--width", "64", "--steps", "200", "--seeds", "1", "--gamma0", "1",
                      "-f", "json")]
    if schema == "scalingtool/recipes/v1":
        return [_json(cli, "recipes", "-f", "json")]
    if schema.startswith("scalingtool/estimate/v1"):
        _estimate_files(tmp_path)
        if schema.endswith("--loss-curve"):
            return [_json(cli, "estimate", "--loss-curve", str(tmp_path / "c.csv"), "--with-spectrum",
                          str(tmp_path / "lam.txt"), "--with-target-power", str(tmp_path / "p.txt"),
                          "--decades", "2", "-f", "json")]
        return [_json(cli, "estimate", "--spectrum", str(tmp_path / "lam.txt"), "--target-power",
                      str(tmp_path / "p.txt"), "--samples", "2000", "--bootstrap", "20", "--dynamics", dyn,
                      "-f", "json") for dyn in ("sgd", "gd")]
    if schema in ("scalingtool/run/v1", "scalingtool/run-summary/v1"):
        doc = _json(cli, "run", "phase", "--quick", "--out", str(tmp_path / "run"), "-f", "json")
        if schema == "scalingtool/run/v1":
            return [doc]
        return [json.loads((tmp_path / "run" / "summary.json").read_text())]
    raise AssertionError(f"the page documents {schema}, which this test does not run: add it")


def test_every_json_command_is_documented():
    """The page documents a schema for every command with ``--format json`` (and the run's
    summary file); each schema string in the package is documented."""
    names = {s.split()[0] for s in documented()}
    package = Path(__file__).resolve().parents[2] / "scalingtool"
    in_code = {m for f in package.rglob("*.py")
               for m in re.findall(r'"(scalingtool/[a-z-]+/v\d+)"', f.read_text(encoding="utf-8"))}
    assert in_code <= names, in_code - names
    assert {"scalingtool/exponents/v1", "scalingtool/phase/v1", "scalingtool/derive/v1",
            "scalingtool/solve/v1", "scalingtool/verify/v2", "scalingtool/simulate/v1",
            "scalingtool/recipes/v1", "scalingtool/estimate/v1", "scalingtool/run/v1"} <= names


def test_the_parser_reads_the_documented_keys():
    """The parser finds the keys a reader sees (and drops formulas, paths and options)."""
    docs = documented()
    assert {"rich_onset_gamma0_power", "width_plateau_n_power", "noise_takeover_power", "n_power",
            "t_power", "lazy", "rich"} <= tokens(docs["scalingtool/exponents/v1"])
    assert tokens(docs["scalingtool/phase/v1"]) == {
        "dynamics", "points", "alpha", "beta", "regime", "lazy_time", "rich_time", "lazy_compute",
        "rich_compute", "compute_gain"}
    assert tokens('`C = N^p t^q`, `--loss-curve`, `run.json`, `parts/`, `a.b|c`, `{"x": 1, "y_z": [2]}`') \
        == {"a", "b", "c", "x", "y_z"}


@pytest.mark.parametrize("schema", sorted(documented()))
def test_json_keys_match_the_readme(schema, cli, tmp_path):
    paragraph = documented()[schema]
    prose = PROSE.get(schema, set())
    assert prose <= tokens(paragraph), "stale PROSE entry"
    common = tokens(_section().split("`scalingtool/")[0])  # `{"exact": ..., "value": ...}`
    words = tokens(paragraph) - prose
    docs = outputs(schema, cli, tmp_path)
    keys, strings = set(), set()
    for doc in docs:
        keys_and_strings(doc, keys, strings)
        if "--loss-curve" not in schema:
            assert doc["schema"] == schema.split()[0]
        undocumented = set(doc) - words - {"schema"}
        assert not undocumented, f"{schema}: top-level keys not in the page: {sorted(undocumented)}"
        for name in ITEM_LISTS.get(schema, []):
            allowed = words | common | (tokens(documented()["scalingtool/verify/v2"]) - {"tier"}
                                        if schema == "scalingtool/run/v1" else set())
            for item in doc[name]:
                extra = set(item) - allowed
                assert not extra, f"{schema}: keys of {name}[] not in the page: {sorted(extra)}"
    missing = words - keys - strings
    assert not missing, f"{schema}: documented in the page but absent from the output: {sorted(missing)}"
    if schema == "scalingtool/run/v1":  # "checks (as in verify, without tier)"
        assert all("tier" not in c for doc in docs for c in doc["checks"])

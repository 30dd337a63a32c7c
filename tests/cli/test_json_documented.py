"""Every JSON document a command prints has the keys its entry of the schema registry
(:mod:`scalingtool.schemas`, from which the documentation's JSON reference is generated)
documents, and no key the registry does not name.

A registry key path ``a.b`` is key ``b`` under ``a``, ``a[]`` an item of list ``a``, ``a.*`` any
entry of an object keyed by names; a documented key with nothing listed under it is documented
whole. Both ways are checked: an undocumented key in an output fails, and so does a documented
key that none of the invocations below prints (they are chosen to reach every key).
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from scalingtool.schemas import SCHEMAS

PACKAGE = Path(__file__).resolve().parents[2] / "scalingtool"


def paths(doc, prefix=""):
    """The key paths of a JSON document (``a.b``, ``a[].c``)."""
    out = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            path = f"{prefix}.{key}" if prefix else key
            out += [path] + paths(value, path)
    elif isinstance(doc, list):
        for value in doc:
            out += paths(value, prefix + "[]")
    return out


def _parts(path):
    return re.findall(r"[^.\[\]]+|\[\]", path)


def match(documented, path):
    """The documented key ``path`` stands for, or None; keys under a documented key with nothing
    listed under it are documented whole."""
    parts = _parts(path)
    keys = {tuple(_parts(k)): k for k in documented}
    for n in range(len(parts), 0, -1):
        for key_parts, key in keys.items():
            if len(key_parts) == n and all(a == b or a == "*" for a, b in zip(key_parts, parts[:n])):
                if n == len(parts):
                    return key
                leaf = not any(len(k) > n and k[:n] == key_parts for k in keys)
                return key if leaf else None
    return None


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
    if schema == "scalingtool/reference/v1":  # a shipped quick reference run (recording one needs torch)
        return [json.loads((PACKAGE.parent / "recipes" / "references" / "mlp-study.quick.json").read_text("utf-8"))]
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
    raise AssertionError(f"the registry documents {schema}, which this test does not run: add it")


def test_every_schema_comes_from_the_registry():
    """No command spells a schema name itself: each takes it from the registry, and each
    registry entry is written by some command."""
    spelled = {str(f.relative_to(PACKAGE)) for f in PACKAGE.rglob("*.py") if f.name != "schemas.py"
               and re.search(r'"scalingtool/[a-z-]+/v\d+"', f.read_text(encoding="utf-8"))}
    assert not spelled, f"schema names spelled outside scalingtool/schemas.py: {sorted(spelled)}"
    used = {m for f in PACKAGE.rglob("*.py") for m in re.findall(r"schemas\.([A-Z_]+)\b", f.read_text(encoding="utf-8"))}
    import scalingtool.schemas as registry
    assert {getattr(registry, name) for name in used} == {s.name for s in SCHEMAS.values()}


def test_the_matcher_reads_the_paths():
    documented = {"a": "", "a.*.b": "", "c": "", "d[].e": "", "d": ""}
    assert match(documented, "a.lazy.b") == "a.*.b"
    assert match(documented, "c.exact") == "c"  # documented whole
    assert match(documented, "a.lazy.z") is None and match(documented, "d[].f") is None
    assert paths({"x": [{"y": 1}], "z": {"w": 2}}) == ["x", "x[].y", "z", "z.w"]


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_json_keys_match_the_registry(schema, cli, tmp_path):
    entry = SCHEMAS[schema]
    docs = outputs(schema, cli, tmp_path)
    seen = set()
    for doc in docs:
        assert doc["schema"] == entry.name
        for path in paths(doc):
            key = match(entry.keys, path)
            assert key is not None, f"{schema}: key {path} is not in the registry"
            seen.add(key)
    # a key documented under an entry keyed by names is seen through its own path
    unseen = [k for k in entry.keys if k not in seen]
    assert not unseen, f"{schema}: documented in the registry but absent from the output: {unseen}"
    if schema == "scalingtool/run/v1":  # "as in verify, without tier"
        assert all("tier" not in c for doc in docs for c in doc["checks"])

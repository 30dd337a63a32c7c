"""Hostile user files: one clear line each, never a traceback, never an allocation a header asks for."""

from __future__ import annotations

import time

import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.readers import TOML_MAX_DEPTH, parse_toml, toml_depth
from tests.conftest import assert_usage_error

pytest_plugins = ["pytester"]


def _npy(path, shape, payload: bytes, dtype: str = "<f8") -> None:
    header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (118 - len(header)) + "\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload)


def test_a_header_that_lies_about_its_size_is_refused_before_allocating(tmp_path, cli):
    # (100000, 100000) float64 is 74.5 GiB; the file holds 64 bytes: refused from the header alone
    gram = tmp_path / "k.npy"
    _npy(gram, "(100000, 100000)", bytes(64))
    labels = tmp_path / "y.txt"
    labels.write_text("\n".join(str(i % 7) for i in range(100)))
    assert_usage_error(cli("estimate", "--gram", str(gram), "--labels", str(labels)),
                       "declares shape (100000, 100000)", "holds 64 bytes")
    assert_usage_error(cli("estimate", "--features", str(gram), "--labels", str(labels)), "declares shape (100000, 100000)")


@pytest.mark.parametrize("make, fragment", [
    (lambda p: p.write_bytes(b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8\n"), "not a readable .npy file"),
    (lambda p: np.savez(open(p, "wb"), a=np.ones(100)), "not a .npy file"),
    (lambda p: p.write_text("1\n2\n3\n"), "not a .npy file"),
    (lambda p: _npy(p, "(3,)", bytes(24), dtype="|O"), "expected numbers"),
    (lambda p: _npy(p, "(-5,)", b""), "impossible shape"),
], ids=["broken-header", "npz-as-npy", "text-as-npy", "objects", "negative-shape"])
def test_a_broken_npy_file_is_one_line(tmp_path, cli, make, fragment):
    path = tmp_path / "x.npy"
    make(path)
    assert_usage_error(cli("estimate", "--spectrum", str(path)), fragment)


def test_a_well_formed_npy_reads_back_exactly(tmp_path):
    from scalingtool.readers import read_npy

    for order in ("C", "F"):
        a = np.asfortranarray(np.arange(12.0).reshape(3, 4)) if order == "F" else np.arange(12.0).reshape(3, 4)
        np.save(tmp_path / f"{order}.npy", a)
        assert np.array_equal(read_npy(tmp_path / f"{order}.npy", "array"), a)


def test_toml_depth_counts_tables_arrays_and_dotted_keys_not_strings():
    assert toml_depth('a = 1\nb = "x.y.z[[["\n') == 0
    assert toml_depth("a.b.c = 1") == 2
    assert toml_depth("[[claim]]\nx = [[1, 2], [3]]") == 2
    assert toml_depth("x = 1.5 # a.b.c.d [[[[") == 1


def test_a_deep_dotted_key_is_refused_in_linear_time():
    # 100000 levels in 200 kB: tomllib takes quadratic time and memory on it
    text = "a" + ".a" * 100_000 + " = 1\n"
    start = time.perf_counter()
    with pytest.raises(UsageError, match=f"at most {TOML_MAX_DEPTH}"):
        parse_toml(text, "deep.toml")
    assert time.perf_counter() - start < 5  # the scan is linear: ~0.1 s; tomllib would take minutes


@pytest.mark.parametrize("text", ["x = " + "9" * 5001, "x = " + "[" * 70 + "]" * 70, "x = {a = {b = "],
                         ids=["5001-digits", "deep-array", "unterminated"])
def test_hostile_toml_is_one_line(text):
    with pytest.raises(UsageError, match="^bad.toml: not valid TOML"):
        parse_toml(text, "bad.toml")


def test_a_hostile_claims_file_is_that_files_collection_error_not_an_internal_error(pytester):
    pytester.makefile(".claims.toml", deep="a" + ".a" * 100_000 + " = 1\n")
    pytester.makefile(".claims.toml", digits="x = " + "9" * 5001 + "\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    assert "INTERNALERROR" not in result.stdout.str()

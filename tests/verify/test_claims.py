"""Claims files from the command line: right claims pass, wrong ones fail, claims alone run
no tier, several files, --exact-only, progress lines and an 80-column table."""

import json
from fractions import Fraction as F

import pytest

from scalingtool.verify.claims import parse_claims
from tests.conftest import assert_usage_error

RIGHT = """
[[claim]]
name = "rich hard time exponent"
alpha = "3/2"
beta = "3/10"
training = "rich"
dynamics = "sgd"
quantity = "time"
value = "2*beta/(1+beta)"
tolerance = 1e-3

[[claim]]
name = "lazy hard compute, as a rounded decimal"
alpha = 2
beta = 0.5
training = "lazy"
quantity = "compute"
value = "0.3333"

[[claim]]
name = "easy allocation"
alpha = "3"
beta = "5/4"
training = "rich"
quantity = "n_star"
value = "(alpha*beta - alpha + 1)/(alpha*beta + 1)"
"""

LAZY_SGD = """
[[claim]]
name = "super-easy lazy SGD time"
alpha = 2
beta = 3
training = "lazy"
dynamics = "sgd"
quantity = "time"
value = "2 - 1/alpha"
"""


def write(tmp_path, text, name="claims.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_parse():
    claims = parse_claims(RIGHT)
    assert [c.value for c in claims] == [F(6, 13), F(3333, 10000), F(7, 19)]
    assert claims[1].rounding == F(1, 20000) and claims[0].rounding == 0
    assert claims[1].dynamics == "sgd" and claims[0].tolerance == 1e-3
    assert [c.index for c in claims] == [1, 2, 3]


@pytest.mark.parametrize("value, rounding", [
    ("0.3333", F(1, 20000)), ("3.3e-1", F(1, 200)), ("33e-2", F(1, 200)), ("1e3", 0), ("2/3", 0),
    (".25", F(1, 200)), ("0.5*beta", F(1, 20)),
])
def test_rounding_follows_the_written_digits(value, rounding):
    # half a unit in the last written place: 3.3e-1 is 0.33, so 1/3 passes and 0.336 does not
    [claim] = parse_claims(RIGHT.split("[[claim]]")[2].join(["[[claim]]", ""])
                           .replace('"0.3333"', f'"{value}"'))
    assert claim.rounding == rounding


def test_claims_alone_run_no_tier(cli, tmp_path):
    r = cli("verify", "--quick", "--claims", write(tmp_path, RIGHT), "-f", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["ok"] and doc["schema"] == "scalingtool/verify/v2"
    assert doc["tiers"] == [] and {c["tier"] for c in doc["checks"]} == {"claims"}
    kinds = [(c["kind"], c["status"]) for c in doc["checks"]]
    # exact: all pass; numeric: the rich SGD time (noise does not bind: rich gradient flow
    # stands in, and the note says so), frontier claims skipped under --quick
    assert kinds == [("exact", "pass"), ("numeric", "pass"), ("exact", "pass"), ("numeric", "skip"),
                     ("exact", "pass"), ("numeric", "skip")]
    assert "stands in for rich SGD" in doc["checks"][1]["note"]


def test_tier_named_with_claims(cli, tmp_path):
    r = cli("verify", "--tier", "theory", "--quick", "--exact-only", "--claims", write(tmp_path, RIGHT),
            "-f", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["tiers"] == ["theory"]
    assert {c["tier"] for c in doc["checks"]} == {"claims", "theory"}


def test_several_files_and_exact_only(cli, tmp_path):
    first, second = write(tmp_path, RIGHT, "a.claims.toml"), write(tmp_path, LAZY_SGD, "b.claims.toml")
    r = cli("verify", "--exact-only", "--claims", first, second, "-f", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["claims"] == [first, second] and doc["exact_only"]
    assert [c["source"] for c in doc["checks"]] == [first] * 3 + [second]
    assert {c["kind"] for c in doc["checks"]} == {"exact"}
    r = cli("verify", "--exact-only", "--claims", first, "--claims", second, "-f", "json")
    assert json.loads(r.out)["claims"] == [first, second]


def test_sgd_claim_is_measured_under_sgd(cli, tmp_path):
    r = cli("verify", "--claims", write(tmp_path, LAZY_SGD), "-f", "json")
    exact, numeric = json.loads(r.out)["checks"]
    assert r.code == 0 and exact["status"] == numeric["status"] == "pass"
    assert numeric["note"].startswith("numeric (sgd, SGD recursion")
    # the SGD exponent 3/2, not gradient flow's beta = 3: measured on the recursion
    assert abs(numeric["measured"] - 1.5) < 5e-3
    # the gradient-flow exponent claimed under SGD fails exactly and numerically
    r = cli("verify", "--claims", write(tmp_path, LAZY_SGD.replace("2 - 1/alpha", "beta")), "-f", "json")
    assert r.code == 1 and [c["status"] for c in json.loads(r.out)["checks"]] == ["fail", "fail"]


@pytest.mark.parametrize("old, new", [
    ('value = "2*beta/(1+beta)"', 'value = "beta"'),            # the lazy exponent, not the rich one
    ('value = "0.3333"', 'value = "0.34"'),                      # 1/3 rounds to 0.33, not 0.34
    ('value = "(alpha*beta - alpha + 1)/(alpha*beta + 1)"', 'value = "1/(alpha + 1)"'),  # hard-regime row
])
def test_wrong_claim_fails(cli, tmp_path, old, new):
    r = cli("verify", "--exact-only", "--claims", write(tmp_path, RIGHT.replace(old, new)))
    assert r.code == 1
    assert "fail" in r.out


def test_table_fits_80_columns_and_progress_lines(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    r = cli("verify", "--claims", write(tmp_path, RIGHT), "--quick")
    assert r.code == 0
    lines = r.out.splitlines()
    notes = next(k for k, line in enumerate(lines) if line.startswith("  ") or not line)
    table = lines[:notes]
    assert len(table) == 3 + 6  # title, header, rule, one line per row
    table = table[1:]  # the title line holds the file name, which may be long
    assert all(len(line) <= 80 for line in table)
    assert "not measured" in r.out and "every row's note" in r.out
    # not a terminal: one plain progress line per finished claim on stderr
    assert r.err.splitlines() == [f"verify: claims {k}/3 {name}: pass, {s}" for k, name, s in
                                  ((1, "rich hard time exponent", "pass"),
                                   (2, "lazy hard compute, as a rounded decimal", "skip"),
                                   (3, "easy allocation", "skip"))]
    verbose = cli("verify", "--claims", write(tmp_path, RIGHT), "--quick", "--verbose")
    assert "claimed '2*beta/(1+beta)' vs derived" in verbose.out


def test_unreadable_files(cli, tmp_path):
    assert_usage_error(cli("verify", "--claims", str(tmp_path / "missing.toml")), "no such claims file")
    assert_usage_error(cli("verify", "--claims", str(tmp_path)), "folder")
    assert_usage_error(cli("verify", "--claims", "/dev/zero"), "/dev/zero", "not a regular file")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    assert_usage_error(cli("verify", "--claims", str(tmp_path / "bin.toml")), "cannot read")
    big = tmp_path / "big.toml"
    big.write_text('[[claim]]\nname = "' + "n" * 10_000_000 + '"\n')
    r = cli("verify", "--claims", str(big))
    assert_usage_error(r, "too large")
    assert len(r.err) < 400


def test_usage_errors_name_the_flag(cli, tmp_path):
    assert_usage_error(cli("verify", "--tier", "theory,astrology"), "--tier", "astrology")
    assert_usage_error(cli("verify", "--exact-only"), "--exact-only")
    assert_usage_error(cli("verify", "--claims", write(tmp_path, RIGHT), "--junit-xml",
                           str(tmp_path / "no" / "such" / "r.xml")), "--junit-xml")


def test_names_are_text_not_markup(cli, tmp_path):
    text = RIGHT.replace('"easy allocation"', '"[bold]easy[/] [/red] allocation"')
    r = cli("verify", "--exact-only", "--claims", write(tmp_path, text))
    assert r.code == 0 and "[bold]easy[/] [/red]" in r.out

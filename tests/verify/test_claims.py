"""Claims files: right claims pass, wrong ones fail, malformed ones are usage errors."""

import json
from fractions import Fraction as F

import pytest

from scalingtool.errors import UsageError
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


def write(tmp_path, text, name="claims.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_parse():
    claims = parse_claims(RIGHT)
    assert [c.value for c in claims] == [F(6, 13), F(3333, 10000), F(7, 19)]
    assert claims[1].rounding == F(1, 20000) and claims[0].rounding == 0
    assert claims[1].dynamics == "sgd" and claims[0].tolerance == 1e-3


def test_right_claims_pass(cli, tmp_path):
    r = cli("verify", "--tier", "theory", "--quick", "--claims", write(tmp_path, RIGHT), "-f", "json")
    doc = json.loads(r.out)
    assert r.code == 0 and doc["ok"] and doc["schema"] == "scalingtool/verify/v1"
    statuses = [c["status"] for c in doc["checks"] if c["tier"] == "claims"]
    assert statuses[:3] == ["pass"] * 3  # against the theory
    # numerics: the rich hard time exponent is measured (SGD noise does not bind);
    # frontier claims are skipped under --quick
    assert statuses[3:] == ["pass", "skip", "skip"]


@pytest.mark.parametrize("old, new", [
    ('value = "2*beta/(1+beta)"', 'value = "beta"'),            # the lazy exponent, not the rich one
    ('value = "0.3333"', 'value = "0.34"'),                      # 1/3 rounds to 0.33, not 0.34
    ('value = "(alpha*beta - alpha + 1)/(alpha*beta + 1)"', 'value = "1/(alpha + 1)"'),  # hard-regime row
])
def test_wrong_claim_fails(cli, tmp_path, old, new):
    r = cli("verify", "--tier", "theory", "--quick", "--claims", write(tmp_path, RIGHT.replace(old, new)))
    assert r.code == 1
    assert "fail" in r.out


@pytest.mark.parametrize("text, fragment", [
    ("x = ", "not valid TOML"),
    ("title = 'x'", "unknown top-level key"),
    ("[[claim]]\nname = 'a'", "missing key 'alpha'"),
    (RIGHT.replace('alpha = "3/2"', 'alpha = "1"'), "alpha = 1 is out of range"),
    (RIGHT.replace('training = "rich"\ndynamics', 'training = "rch"\ndynamics'), "key 'training'"),
    (RIGHT.replace('quantity = "time"', 'quantity = "speed"'), "key 'quantity'"),
    (RIGHT.replace('value = "2*beta/(1+beta)"', 'value = "__import__(\'os\')"'), "expression"),
    (RIGHT.replace('value = "2*beta/(1+beta)"', 'value = "gamma0"'), "unknown name 'gamma0'"),
    (RIGHT.replace("tolerance = 1e-3", "tolerence = 1e-3"), "unknown key 'tolerence'"),
    (RIGHT.replace("tolerance = 1e-3", "tolerance = -1"), "tolerance"),
    (RIGHT.replace('quantity = "compute"', 'quantity = "data"').replace('training = "lazy"', 'training = "rich"'), "lazy training only"),
])
def test_malformed_claims_are_usage_errors(cli, tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(")):
        parse_claims(text, path)
    assert_usage_error(cli("verify", "--tier", "theory", "--claims", path), fragment)


def test_unreadable_files(cli, tmp_path):
    assert_usage_error(cli("verify", "--claims", str(tmp_path / "missing.toml")), "no such file")
    assert_usage_error(cli("verify", "--claims", str(tmp_path)), "folder")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    assert_usage_error(cli("verify", "--claims", str(tmp_path / "bin.toml")), "cannot read")


def test_unknown_tier(cli):
    assert_usage_error(cli("verify", "--tier", "theory,astrology"), "astrology")

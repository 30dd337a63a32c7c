"""Malformed claims files: one line, exit 2, naming the file, the claim and the key; nothing
a user wrote is echoed whole, and nothing but the expression grammar runs."""

import pytest

from scalingtool.echo import ECHO
from scalingtool.errors import UsageError
from scalingtool.verify.claims import parse_claims
from tests.conftest import assert_usage_error

GOOD = {"name": '"ok claim"', "alpha": "2", "beta": '"1/2"', "training": '"lazy"',
        "quantity": '"time"', "value": '"beta"'}


def claim(**keys):
    """One [[claim]] table: GOOD with ``keys`` replaced (None drops a key)."""
    merged = {**GOOD, **keys}
    return "[[claim]]\n" + "".join(f"{k} = {v}\n" for k, v in merged.items() if v is not None)


HUGE = "9" * 5000
# (text, fragments the one-line message must hold); claim names and keys are in each
CASES = [
    ("x = ", ["not valid TOML"]),
    ("title = 'x'", ["unknown top-level key 'title'"]),
    ("", ["no [[claim]] tables"]),
    ("claim = 3", ["key 'claim'"]),
    ("claim = [1, 2]", ["claim 1", "expected a table"]),
    (claim(alpha=None), ["claim 1 ('ok claim')", "missing key 'alpha'"]),
    (claim(name=None), ["claim 1", "missing key 'name'"]),
    (claim(name='""'), ["claim 1", "key 'name'"]),
    (claim(name="3"), ["claim 1", "key 'name'"]),
    (claim(name='"' + "n" * 500 + '"'), ["key 'name'", "at most 200"]),
    (claim(name='"two\\nlines"'), ["key 'name'", "one line of text"]),
    (claim(alpha='"1"'), ["key 'alpha'", "alpha = 1 is out of range"]),
    (claim(alpha="true"), ["key 'alpha'", "expected a number or a string"]),
    (claim(alpha="[2]"), ["key 'alpha'"]),
    (claim(alpha='"' + HUGE + '"'), ["key 'alpha'", "at most 100"]),
    (claim(beta='"-1"'), ["key 'beta'", "out of range"]),
    (claim(beta='"abc"'), ["key 'beta'"]),
    (claim(training='"rch"'), ["key 'training'", "'lazy' or 'rich'"]),
    (claim(training=None), ["key 'training'", "required for quantity 'time'"]),
    (claim(dynamics='"adam"'), ["key 'dynamics'"]),
    (claim(quantity='"speed"'), ["key 'quantity'", "rich_onset"]),
    (claim(quantity="1"), ["key 'quantity'"]),
    (claim(value='"__import__(\'os\')"'), ["key 'value'", "expression"]),
    (claim(value='"gamma0"'), ["key 'value'", "unknown name 'gamma0'"]),
    (claim(value='"1/0"'), ["key 'value'", "division by zero"]),
    (claim(value='"(" * 3 + "1"'), ["not valid TOML"]),
    (claim(value='"' + "(" * 100 + "1" + ")" * 100 + '"'), ["key 'value'", "nested too deeply"]),
    (claim(value='"' + "x" * 3000 + '"'), ["key 'value'", "at most 2000"]),
    (claim(value='"' + "-" * 1500 + '1"'), ["key 'value'", "too long"]),
    (claim(value='"10^64 * 1e999"'), ["key 'value'", "exceeds the allowed size"]),
    (claim(value='"1/7^64"'), ["key 'value'", "out of range"]),
    (claim(value="1e308"), ["key 'value'", "out of range"]),
    (claim(value="{a = 1}"), ["key 'value'"]),
    (claim(value='"never"'), ["key 'value'", "'never' is a value for"]),
    (claim(quantity='"regime"', value='"medium"'), ["key 'value'", "hard, easy, super-easy"]),
    (claim(quantity='"balance"', value='"signal+gravity"'), ["key 'value'", "unknown term 'gravity'"]),
    (claim(quantity='"balance"', value='["signal", 3]'), ["key 'value'"]),
    (claim(value='["signal"]'), ["key 'value'", "quantity 'balance' only"]),
    (claim(tolerence="1e-3"), ["unknown key 'tolerence'"]),
    (claim(tolerance="-1"), ["key 'tolerance'", "greater than 0"]),
    (claim(tolerance="2"), ["key 'tolerance'", "less than or equal to 1"]),
    (claim(tolerance='"0.1"'), ["key 'tolerance'", "expected a number"]),
    (claim(tolerance="nan"), ["key 'tolerance'"]),
    (claim(quantity='"data"', training='"rich"'), ["key 'quantity'", "lazy training only"]),
    (claim(quantity='"noise_takeover"', dynamics='"gd"'), ["key 'dynamics'", "under SGD only"]),
    (claim() + claim(name='"second"', beta="0"), ["claim 2 ('second')", "key 'beta'"]),
    ("[[claim]]\n" + "".join(f'k{i} = 1\n' for i in range(3)) + claim()[9:], ["unknown key 'k0'"]),
    ("a = [" * 2000 + "]" * 2000, ["not valid TOML"]),
]


def test_enough_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("text, fragments", CASES)
def test_malformed_claims_are_usage_errors(cli, tmp_path, text, fragments):
    path = tmp_path / "bad.claims.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        parse_claims(text, str(path))
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert len(message) < 600  # echoed values are cut
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert_usage_error(cli("verify", "--exact-only", "--claims", str(path)), str(path), *fragments)


def test_a_huge_name_is_not_echoed_whole(tmp_path):
    name = "n" * 1_000_000  # under the file cap, over the name bound
    with pytest.raises(UsageError) as info:
        parse_claims(claim(name=f'"{name}"'), "f.toml")
    message = str(info.value)
    assert "key 'name'" in message and len(message) < 2 * ECHO + 200

"""The documented table of limits (the first-exponents tutorial) is the table the code enforces."""

from pathlib import Path

from scalingtool.params import LIMITS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "tutorials" / "first-exponents.md"


def test_documented_limits_table_matches_the_code():
    text = PAGE.read_text("utf-8")
    start = text.index("<!-- limits table")
    rows = []
    for line in text[start:].splitlines()[3:]:
        if not line.startswith("| `"):
            break
        rows.append(line)
    documented = {row.split("`")[1]: [c.strip() for c in row.strip("|").split("|")][1:] for row in rows}
    assert list(documented) == list(LIMITS)
    for name, limit in LIMITS.items():
        assert documented[name] == [limit.describe(name), limit.meaning], name

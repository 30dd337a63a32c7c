"""The generated reference pages leave nothing out: every command and option of the command line,
every recipe key of every kind (with a type, and the range of the one table of limits where it
has one), every JSON output schema and every entry of ``scalingtool.params.LIMITS``.

The generator functions of ``docs/gen_ref.py`` are called directly; no site is built here.
"""

import re

import pytest

from scalingtool.params import LIMITS
from scalingtool.run.kinds import KINDS, get_kind
from scalingtool.schemas import SCHEMAS


def _section(page: str, heading: str) -> str:
    """The text of ``page`` from the heading ``heading`` up to the next heading of its level."""
    level = heading.split(" ", 1)[0]
    start = page.index(heading + "\n")
    rest = page[start + len(heading) + 1:]
    nxt = re.search(rf"^{level} ", rest, re.M)
    return rest[:nxt.start()] if nxt else rest


def test_every_command_and_option_is_on_the_cli_page(gen_ref):
    page = gen_ref.cli_page()
    commands = gen_ref.commands()
    assert {" ".join(p) for p, _, _ in commands} >= {"scalingtool", "scalingtool exponents", "scalingtool run",
                                                     "scalingtool recipes", "scalingtool docs", "scalingtool estimate"}
    for path, command, ctx in commands:
        section = _section(page, f"## `{' '.join(path)}`")
        for row in gen_ref.option_rows(command, ctx):
            for spelling in row["spellings"]:
                assert re.search(rf"^\| `[^`]*{re.escape(spelling)}\b", section, re.M) if spelling.startswith("-") \
                    else f"| `{spelling.upper()}` |" in section, (path, spelling)
            assert row["type"], (path, row["names"])
        for line in (command.help or "").splitlines():  # the help's examples, as shell blocks
            if line.startswith("Example:"):
                assert "$ " + line.removeprefix("Example:").strip() in section, (path, line)


def test_the_cli_page_shows_types_and_defaults(gen_ref):
    page = gen_ref.cli_page()
    exponents = _section(page, "## `scalingtool exponents`")
    assert "| `--dynamics` | one of `sgd`, `gd` | sgd |" in exponents
    assert "| `--alpha, -a` | text | required |" in exponents


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_recipe_key_is_on_the_recipes_page(gen_ref, kind):
    page = gen_ref.recipes_page()
    section = _section(page, f"## `{kind}`")
    rows = gen_ref.recipe_sections()[kind]
    assert [r["key"] for r in rows] == list(get_kind(kind).schema.model_fields)
    for row in rows:
        assert row["type"], (kind, row["key"])  # every key has a type the page can state
        assert f"| `{row['key']}` | {row['type']} |" in section, (kind, row["key"])
    schema = get_kind(kind).schema.model_json_schema()
    for key, prop in schema["properties"].items():  # a limited key states the range of LIMITS
        limit = prop.get("x-limit") or prop.get("items", {}).get("x-limit")
        if limit:
            row = next(r for r in rows if r["key"] == key)
            assert LIMITS[limit].describe(key) in row["range"], (kind, key)


def test_a_range_is_the_one_of_the_table_of_limits(gen_ref):
    rows = {r["key"]: r for r in gen_ref.recipe_sections()["mlp-circle"]}
    assert rows["width"]["range"].startswith("a whole number from 1 to 1e+12")
    assert rows["grid"]["range"].startswith(LIMITS["points"].describe("grid"))
    assert rows["gamma0"]["range"].endswith("([limit](limits.md) `gamma0`)")
    assert rows["tolerance"]["range"] == "0 < tolerance <= 1"


def test_every_limit_is_on_the_limits_page(gen_ref):
    page = gen_ref.limits_page()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(LIMITS)
    for row, (name, limit) in zip(rows, LIMITS.items()):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == gen_ref.escape(limit.describe(name)) and cells[2] == gen_ref.escape(limit.meaning), name
        assert limit.meaning, f"LIMITS[{name!r}] has no meaning to show"


def test_every_json_schema_is_on_the_json_page(gen_ref):
    page = gen_ref.json_page()
    for schema in SCHEMAS.values():
        assert f"## `{schema.name}`" in page
        for key in schema.keys:
            assert f"| `{key}` |" in page, (schema.name, key)
    assert {s.name for s in SCHEMAS.values()} >= {"scalingtool/exponents/v1", "scalingtool/run/v1",
                                                  "scalingtool/run-summary/v1", "scalingtool/estimate/v1"}


def test_the_api_page_names_every_public_module(gen_ref):
    import scalingtool

    page = gen_ref.api_page()
    for name in scalingtool.__all__:
        if not name.startswith("_"):
            assert f"::: scalingtool.{name}\n" in page

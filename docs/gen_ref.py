"""The reference pages of the documentation site, generated from the code at build time.

An MkDocs hook (``hooks:`` in ``mkdocs.yml``): :func:`on_files` adds the pages of :data:`PAGES`
to the site, so they are never written by hand nor committed. Each page is made by a function of
this module, which tests/docs/test_reference_complete.py also calls directly:

* ``reference/cli.md``: every command and option of the Typer app (help, type or choices,
  default, the examples of the help text);
* ``reference/recipes.md``: every recipe key of every kind, with its type and range, from the
  kinds' pydantic schemas (``model_json_schema()``), ranges from ``scalingtool.params.LIMITS``;
* ``reference/limits.md``: the table ``scalingtool.params.LIMITS`` with the meaning of each entry;
* ``reference/json.md``: every JSON output schema, from the registry ``scalingtool.schemas``;
* ``reference/api.md``: the Python API, rendered by mkdocstrings from the docstrings.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import typer

import scalingtool
from scalingtool.cli import app
from scalingtool.params import LIMITS
from scalingtool.run.kinds import KINDS, get_kind
from scalingtool.run.schema.models import RecipeFile
from scalingtool.schemas import SCHEMAS

# ---------------------------------------------------------------- helpers

_ESCAPE = re.compile(r"([\\*_<>\[\]|])")


def escape(text: str) -> str:
    """Text as Markdown shows it literally (backticked spans kept as code)."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") else _ESCAPE.sub(r"\\\1", p) for p in parts)


def _cell(text: str) -> str:
    return escape(" ".join(str(text).split())) if text else ""


# ---------------------------------------------------------------- the command line

def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def commands() -> list[tuple[list[str], Any, Any]]:
    """Every command of the app, depth first: ``(path, command, context)``."""
    root = typer.main.get_command(app)
    out = []

    def walk(command: Any, path: list[str], parent: Any) -> None:
        ctx = typer.Context(command, info_name=path[-1], parent=parent)
        out.append((path, command, ctx))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not sub.hidden:
                walk(sub, path + [name], ctx)

    walk(root, ["scalingtool"], None)
    return out


def option_rows(command: Any, ctx: Any) -> list[dict[str, Any]]:
    """One row per argument and option: its spellings, type, default and help."""
    rows = []
    for param in command.get_params(ctx):
        option = _is_option(param)
        record = param.get_help_record(ctx) if option else None
        names = ", ".join(param.opts + param.secondary_opts) if option else param.name.upper()
        help_text = record[1] if record else getattr(param, "help", "") or ""
        default = re.search(r"\s*\[default: (.*?)\]", help_text)
        required = "  [required]" in help_text or param.required
        help_text = re.sub(r"\s*\[(default: .*?|required)\]", "", help_text).strip()
        last = record[0].split(", ")[-1] if record else ""  # "-f, --format <table|json>": its value
        metavar = last.split(" ", 1)[1] if " " in last else "" if record else getattr(param, "metavar", None) or ""
        if getattr(param, "is_flag", False):
            kind = "flag"
        elif metavar.startswith("<") and "|" in metavar:
            kind = "one of " + ", ".join(f"`{c}`" for c in metavar.strip("<>").split("|"))
        elif metavar.startswith("<list"):
            kind = "text, repeatable"
        elif metavar == "<int>":
            kind = "whole number"
        else:
            kind = "text" if metavar in ("", "<str>") else metavar.strip("<>")
        rows.append({"names": names, "type": kind, "default": "required" if required else
                     (default.group(1) if default else ""), "help": help_text,
                     "spellings": list(param.opts + param.secondary_opts) if option else [param.name]})
    return rows


def _help_blocks(text: str) -> list[str]:
    """A command's help: paragraphs as text, each ``Example:`` line as a shell block."""
    blocks = []
    for para in (text or "").split("\n\n"):
        para = para.strip()
        if para.startswith("Example:"):
            blocks.append("```text\n$ " + para.removeprefix("Example:").strip() + "\n```")
        elif para:
            blocks.append(escape(" ".join(para.split())))
    return blocks


def cli_page() -> str:
    lines = ["# Command line", "",
             "Generated from the `scalingtool` command itself (its Typer app): every command, every",
             "option with its type, default and help. `scalingtool COMMAND --help` prints the same.", ""]
    for path, command, ctx in commands():
        lines += [f"## `{' '.join(path)}`", ""]
        lines += [f"```text\nUsage: {' '.join(path)} {' '.join(command.collect_usage_pieces(ctx))}\n```", ""]
        for block in _help_blocks(command.help or ""):
            lines += [block, ""]
        rows = option_rows(command, ctx)
        if rows:
            lines += ["| Option | Type | Default | Description |", "|---|---|---|---|"]
            lines += [f"| `{r['names']}` | {r['type']} | {_cell(r['default'])} | {_cell(r['help'])} |" for r in rows]
            lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- limits

def limits_page() -> str:
    lines = ["# Limits", "",
             "The one table of limits, `scalingtool.params.LIMITS`: the command line, the recipes and the",
             "Python API accept exactly these ranges (`scalingtool.params.check(name, value)`). A value",
             "outside its range is refused with one line naming the quantity and the range (exit 2).", "",
             "| Name | Range | Meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | {_cell(limit.describe(name))} | {_cell(limit.meaning)} |" for name, limit in LIMITS.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- recipes

def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _range(schema: dict[str, Any], key: str) -> str:
    if "x-limit" in schema:
        name = schema["x-limit"]
        return f"{LIMITS[name].describe(key)} ([limit](limits.md) `{name}`)"
    low, high = schema.get("minimum", schema.get("exclusiveMinimum")), schema.get("maximum")
    if schema.get("type") == "integer" and low is not None:
        return f"{_number(low)} to {_number(high)}" if high is not None else f"at least {_number(low)}"
    if low is not None or high is not None:
        left = f"{_number(low)} {'<' if 'exclusiveMinimum' in schema else '<='} " if low is not None else ""
        return f"{left}{key}" + (f" <= {_number(high)}" if high is not None else "")
    if "maxLength" in schema:
        return f"at most {schema['maxLength']} characters"
    return ""


def _items(schema: dict[str, Any]) -> str:
    lo, hi = schema.get("minItems"), schema.get("maxItems")
    if lo is not None and hi is not None:
        return f"{lo} to {hi} items" if lo != hi else f"{lo} items"
    return f"at most {hi} items" if hi is not None else ""


def describe(schema: dict[str, Any], key: str, defs: dict[str, Any]) -> tuple[str, str]:
    """``(type, range)`` of one key's JSON schema, in words."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f"table `{name}` (below)", ""
    for union in ("anyOf", "oneOf"):
        if union in schema:
            options = [s for s in schema[union] if s.get("type") != "null"]
            parts = [describe(s, key, defs) for s in options]
            kind = " or ".join(p[0] for p in parts)
            return kind, "; ".join(p[1] for p in parts if p[1])
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return "one of " + ", ".join(f"`{v}`" for v in values), ""
    kind = schema.get("type")
    if kind == "array":
        if "prefixItems" in schema:
            parts = [describe(s, name, defs) for s, name in zip(schema["prefixItems"], ("alpha", "beta"))]
            return "pair " + "[" + ", ".join(p[0] for p in parts) + "]", "; ".join(p[1] for p in parts)
        item_kind, item_range = describe(schema.get("items", {}), key, defs)
        return f"list of {item_kind}", "; ".join(x for x in (_items(schema), item_range) if x)
    if kind == "object":
        value = schema.get("additionalProperties")
        return ("table" + (f" of {describe(value, key, defs)[0]}" if isinstance(value, dict) else "")), ""
    if kind == "integer":
        return "whole number", _range(schema, key)
    if schema.get("format") == "exact":
        return "number (`1.5`, `\"3/2\"`)", _range(schema, key)
    if kind == "string":
        return "text", _range(schema, key)
    if kind == "boolean":
        return "true or false", ""
    return "", ""


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        return f"`{field.default_factory()!r}`" if field.default_factory() else "empty"
    if field.default is None:
        return "none"
    return f"`{field.default}`" if field.default != "" else '`""`'


def key_rows(model: Any) -> list[dict[str, str]]:
    """One row per key of a pydantic model: ``key``, ``type``, ``range``, ``default``."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    rows = []
    for key, field in model.model_fields.items():
        name = field.alias or key
        kind, rng = describe(schema["properties"][name], name, defs)
        rows.append({"key": name, "type": kind, "range": rng, "default": _default(field)})
    return rows


def _key_table(rows: list[dict[str, str]]) -> list[str]:
    out = ["| Key | Type | Range | Default |", "|---|---|---|---|"]
    out += [f"| `{r['key']}` | {r['type']} | {r['range']} | {r['default']} |" for r in rows]
    return out + [""]


def recipe_sections() -> dict[str, list[dict[str, str]]]:
    """Kind name (and ``kind.Table`` for its nested tables) -> its key rows."""
    out = {}
    for name in KINDS:
        model = get_kind(name).schema
        out[name] = key_rows(model)
        for sub in _nested_models(model):
            out[f"{name}.{sub.__name__}"] = key_rows(sub)
    return out


def _nested_models(model: Any) -> list[Any]:
    defs = model.model_json_schema().get("$defs", {})
    found = []
    for field in model.model_fields.values():
        for arg in _types_in(field.annotation):
            if isinstance(arg, type) and hasattr(arg, "model_fields") and arg.__name__ in defs and arg not in found:
                found.append(arg)
    return found


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", ()) or ()
    out = [annotation]
    for arg in args:
        out += _types_in(arg)
    for meta in getattr(annotation, "__metadata__", ()) or ():
        out += _types_in(meta)
    return out


def recipes_page() -> str:
    lines = ["# Recipe keys", "",
             "Generated from the recipe schema (`scalingtool.run.schema` and each kind's parameter model).",
             "A recipe is a TOML file; its top-level keys are below, then the `[params]` of every kind",
             "(`[quick]` overrides any of them for `--quick`). Numbers are exact: a TOML number or text",
             "such as `\"3/2\"`; a list of numbers may also be a grid table `{min, max, steps, spacing}`.",
             "", "## The recipe file", ""]
    lines += _key_table(key_rows(RecipeFile))
    sections = recipe_sections()
    for name in KINDS:
        kind = get_kind(name)
        lines += [f"## `{name}`", "", f"Layer `{kind.layer}`. " + escape(" ".join((kind.schema.__doc__ or "").split())), ""]
        lines += _key_table(sections[name])
        for sub, rows in sections.items():
            if sub.startswith(name + "."):
                lines += [f"### `{sub.split('.', 1)[1]}` tables of `{name}`", ""] + _key_table(rows)
    return "\n".join(lines)


# ---------------------------------------------------------------- JSON output

def json_page() -> str:
    lines = ["# JSON output", "",
             "Every result command takes `--format json`. A document carries a `schema` key; within a",
             "schema version keys are only ever added, never renamed or removed. Exact numbers appear as",
             '`{"exact": "2/3", "value": 0.6666666666666666}`. Generated from the registry',
             "`scalingtool.schemas`, which the commands use to write their documents.", ""]
    for schema in SCHEMAS.values():
        lines += [f"## `{schema.name}`", "", escape(schema.summary), "", f"Written by `{schema.source}`.", "",
                  "| Key | Meaning |", "|---|---|"]
        lines += [f"| `{key}` | {_cell(meaning)} |" for key, meaning in schema.keys.items()]
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- Python API

def api_modules() -> list[str]:
    """The public modules of ``scalingtool.__all__`` (each with its own ``__all__``)."""
    return [f"scalingtool.{name}" for name in scalingtool.__all__ if not name.startswith("_")]


def api_page() -> str:
    lines = ["# Python API", "",
             f"`scalingtool` {scalingtool.__version__}: the public modules (`scalingtool.__all__`) and, in each,",
             "the names of its `__all__`, from their docstrings. Submodules import on first use.", ""]
    for module in api_modules():
        lines += [f"::: {module}", ""]
    return "\n".join(lines)


PAGES: dict[str, Callable[[], str]] = {
    "reference/cli.md": cli_page,
    "reference/recipes.md": recipes_page,
    "reference/limits.md": limits_page,
    "reference/json.md": json_page,
    "reference/api.md": api_page,
}


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: add the generated reference pages to the site."""
    from mkdocs.structure.files import File  # deferred: only a site build has MkDocs loaded

    for uri, make in PAGES.items():
        files.append(File.generated(config, uri, content=make()))
    return files

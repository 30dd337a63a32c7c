"""Validation against the recipe schemas, a failure turned into one line.

A failed validation becomes one :class:`~scalingtool.errors.UsageError` line naming the file,
the section and key, and the expected type; echoed values are cut to
:data:`~scalingtool.echo.ECHO` characters.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ...echo import shown
from ...errors import UsageError
from .fields import SHAPE_TAGS

__all__ = ["validate", "validate_params"]

M = TypeVar("M", bound=BaseModel)


def _items(n: Any) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


_EXPECTED = {
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_pattern_mismatch": "use letters, digits, '-' and '_' only, starting with a letter or digit",
}


def _what(error: dict[str, Any], model: type[BaseModel] | None) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "missing":
        return "missing"
    if kind == "literal_error":
        options = ctx.get("expected", "?").replace("' or '", ", ").replace("'", "")
        return f"expected one of {options}, got {shown(error['input'])}"
    if kind == "string_too_long":
        return f"at most {ctx['max_length']} characters, got {len(error['input'])}"
    if kind == "string_too_short":
        return "expected a non-empty string"
    if kind == "too_short":
        return f"expected at least {_items(ctx.get('min_length'))}, got {ctx.get('actual_length', '?')}"
    if kind == "too_long":
        if ctx.get("max_length") == 0:
            return "expected an empty table"
        return f"expected at most {_items(ctx.get('max_length'))}, got {ctx.get('actual_length', '?')}"
    if kind == "grid_shape":
        return f"{error['msg']}, got {shown(error['input'])}"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {shown(error['input'])}"
    return f"{error['msg']} (got {shown(error['input'])})"


def _message(exc: ValidationError, model: type[BaseModel], source: str, section: str | None,
             sections: dict[str, str] | None = None) -> str:
    """One line for the first error of ``exc``: file, ``[section]`` and key, what was expected."""
    errors = exc.errors(include_url=False)
    # an unknown key first: a misspelt key also makes the intended one "missing"
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = list(error["loc"][:1]) + [p for p in error["loc"][1:] if p not in SHAPE_TAGS]
    if loc and sections:  # [quick] overrides: name the section the bad key came from
        section = sections.get(str(loc[0]), section)
    where = f"{source}: " + (f"[{section}] " if section else "")
    if error["type"] == "extra_forbidden" and len(loc) == 1:
        allowed = ", ".join(f.alias or name for name, f in model.model_fields.items())
        return f"{where}unknown key {shown(str(loc[0]))} (allowed: {allowed})"
    if not loc:
        return f"{where.rstrip()} {_what(error, model)}"
    key = f"key {shown(str(loc[0]))}"
    inner = loc[1:-1] if error["type"] == "extra_forbidden" else loc[1:]
    if inner:
        key += " at " + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner).lstrip(".")
    if error["type"] == "extra_forbidden":
        return f"{where}{key}: unknown key {shown(str(loc[-1]))}"
    what = _what(error, model)
    return f"{where}{key}: {what.removeprefix(f'{loc[0]}: ')}"


def validate(model: type[M], value: Any, source: str, section: str | None = None,
             context: dict[str, Any] | None = None) -> M:
    """``model`` validated from ``value``, or a one-line :class:`UsageError`; ``context`` reaches
    the model's validators (``{"folder": ...}``: the recipe's folder, for relative paths)."""
    if not isinstance(value, dict):
        where = f"[{section}]" if section else "the file"
        raise UsageError(f"{source}: {where} must be a table (object), got {shown(value)}")
    try:
        return model.model_validate(value, context=context)
    except ValidationError as exc:
        raise UsageError(_message(exc, model, source, section)) from None


def validate_params(model: type[M], params: dict[str, Any], quick: dict[str, Any], source: str,
                    use_quick: bool, context: dict[str, Any] | None = None) -> M:
    """A kind's parameters: ``[params]`` alone and with ``[quick]`` applied must both be valid;
    the one asked for (``use_quick``) is returned (``context``: as for :func:`validate`)."""
    plain = validate(model, params, source, "params", context)
    unknown = [k for k in quick if k not in model.model_fields]
    if unknown:
        raise UsageError(f"{source}: [quick] unknown key {shown(unknown[0])} "
                         f"(it overrides [params]; allowed: {', '.join(model.model_fields)})")
    if not quick:
        return plain
    try:
        fast = model.model_validate({**params, **quick}, context=context)
    except ValidationError as exc:
        raise UsageError(_message(exc, model, source, "params", {k: "quick" for k in quick})) from None
    return fast if use_quick else plain

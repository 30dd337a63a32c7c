"""Property test: any TOML-like value for any key of any kind's schema is accepted or refused
with one short :class:`UsageError` line (never another exception, never a value echoed whole)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scalingtool.errors import UsageError
from scalingtool.run.kinds import KINDS, get_kind
from scalingtool.run.schema.messages import validate, validate_params

KIND_NAMES = sorted(KINDS)
SCALARS = st.one_of(
    st.integers(min_value=-10**40, max_value=10**40), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=200), st.sampled_from(["3/2", "1e3", "lazy", "rich", "sgd", "log", "cubic", "1/0", "nan", "2" * 500]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=8),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=20)


def _table(kind: str):
    keys = list(get_kind(kind).schema.model_fields) + ["min", "max", "steps", "spacing", "tolernce"]
    return st.dictionaries(st.sampled_from(keys), VALUES, max_size=6)


def _one_line(exc: UsageError) -> None:
    text = str(exc)
    assert "\n" not in text and len(text) < 1000, text


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(KIND_NAMES), data=st.data())
def test_any_params_table_is_accepted_or_refused_in_one_line(kind, data):
    schema = get_kind(kind).schema
    params, quick = data.draw(_table(kind)), data.draw(_table(kind))
    try:
        validate_params(schema, params, quick, "fuzz.toml", use_quick=True)
    except UsageError as exc:
        _one_line(exc)


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(KIND_NAMES), stored=st.dictionaries(
    st.sampled_from(["x", "loss", "rows", "alpha", "C", "envelope", "curves", "steps", "mean", "window",
                     "predicted", "measured", "estimate", "drift", "reason", "training"]), VALUES, max_size=8))
def test_any_stored_data_is_accepted_or_refused_in_one_line(kind, stored):
    try:
        validate(get_kind(kind).data, stored, "parts/p.json", "data")
    except UsageError as exc:
        _one_line(exc)

"""What a message quotes of a user's input: short values whole, long ones cut and marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalingtool.echo import ECHO, first_line, short_path, shown


def test_short_values_are_quoted_whole():
    assert shown("abc") == "'abc'"
    assert shown(2.5) == "2.5" and shown(True) == "True"
    assert shown(Path("/tmp/x.csv"), 80) == "'/tmp/x.csv'"


@pytest.mark.parametrize("value", ["x" * 10**6, "\x00" * 10**6, b"y" * 10**6, 10**200])
@pytest.mark.parametrize("limit", [20, 40, ECHO, 80])
def test_long_values_are_cut_to_the_limit_and_marked(value, limit):
    text = shown(value, limit)
    assert len(text) <= limit and "..." in text
    if isinstance(value, (str, bytes)):
        assert text.endswith("...'")  # the quote closed


def test_containers_and_other_objects_are_described():
    assert shown([1, 2, 3]) == "a list of 3 items" and shown([0]) == "a list of 1 item"
    assert shown({"a": 1}) == "a table" and shown(None) == "NoneType"


def test_a_long_path_keeps_both_ends():
    path = "/" + "d" * 5000 + "/recipe.toml"
    text = short_path(path)
    assert len(text) <= 203 and text.startswith("/ddd") and text.endswith("/recipe.toml") and "..." in text
    assert short_path("/tmp/a.toml") == "/tmp/a.toml"


def test_the_first_line_of_an_error():
    assert first_line(ValueError("bad\nmore"), 120) == "bad"
    assert first_line(ValueError(), 120) == "ValueError"
    assert first_line(ValueError("z" * 500), 120) == "z" * 120 + "..."

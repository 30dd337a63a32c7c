"""The theory document, shipped inside the package so that every ``theory §N`` a help text
or docstring cites can be read after a plain ``pip install`` (package data through
:mod:`importlib.resources`; the repository keeps the one copy in ``docs/theory.md``)."""

from __future__ import annotations

import re
from importlib import resources

from .echo import shown
from .errors import UsageError

__all__ = ["theory_text", "theory_section", "theory_sections"]

_HEADING = re.compile(r"^(#{2,4}) (\d+(?:\.\d+)*)\.? (.+)$", re.M)


def theory_text() -> str:
    """The whole theory document (Markdown)."""
    return resources.files("scalingtool").joinpath("theory.md").read_text("utf-8")


def theory_sections() -> dict[str, str]:
    """Section number (``"3"``, ``"3.3"``) -> title."""
    return {number: title.strip() for _, number, title in _HEADING.findall(theory_text())}


def theory_section(number: str) -> str:
    """The text of section ``number`` (``"3"`` or ``"3.3"``, a leading ``§`` allowed), up to
    the next heading of the same or a higher level."""
    key = str(number).strip().lstrip("§").strip()
    text = theory_text()
    headings = list(_HEADING.finditer(text))
    for i, match in enumerate(headings):
        if match.group(2) == key:
            level = len(match.group(1))
            end = next((h.start() for h in headings[i + 1:] if len(h.group(1)) <= level), len(text))
            return text[match.start():end].rstrip() + "\n"
    known = ", ".join(theory_sections())
    raise UsageError(f"theory has no section {shown(key, 20)}; sections: {known}")

"""The theory pages, shipped inside the package so that every ``theory §N`` a help text or
docstring cites can be read after a plain ``pip install`` (package data through
:mod:`importlib.resources`).

The repository keeps the one copy in ``docs/explanation/theory/`` (the documentation site's
explanation pages): ``index.md``, then one page per top-level section, ``<N>-<name>.md``.
``scalingtool/theory_pages`` is a link to that folder, so the wheel carries the pages
themselves; they are read here in section order.
"""

from __future__ import annotations

import re
from importlib import resources

from .echo import shown
from .errors import UsageError

__all__ = ["theory_pages", "theory_text", "theory_section", "theory_sections"]

_HEADING = re.compile(r"^(#{2,4}) (\d+(?:\.\d+)*)\.? (.+)$", re.M)


def _order(name: str) -> int:
    """``index.md`` first, then the section pages by their leading number."""
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def theory_pages() -> list[str]:
    """The file names of the theory pages, in reading order (``index.md`` first)."""
    folder = resources.files("scalingtool").joinpath("theory_pages")
    names = [entry.name for entry in folder.iterdir() if entry.name.endswith(".md")]
    return sorted(names, key=lambda name: (_order(name), name))


def theory_text() -> str:
    """The whole theory (Markdown): the pages in order, separated by a blank line."""
    folder = resources.files("scalingtool").joinpath("theory_pages")
    return "\n".join(folder.joinpath(name).read_text("utf-8") for name in theory_pages())


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

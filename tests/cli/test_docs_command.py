"""``scalingtool docs``: the theory document the help texts cite, from the installed package."""

from pathlib import Path

import pytest

from scalingtool.docs import theory_pages, theory_section, theory_sections, theory_text

from ..conftest import assert_usage_error

ROOT = Path(__file__).resolve().parents[2]


def repository_theory() -> str:
    """The theory pages of the repository, index first, then sections 1, 2, ... (as printed)."""
    folder = ROOT / "docs" / "explanation" / "theory"
    pages = sorted(folder.glob("*.md"), key=lambda p: (0 if p.name == "index.md" else int(p.name.split("-")[0])))
    return "\n".join(page.read_text("utf-8") for page in pages)


def test_the_package_carries_the_repository_pages():
    assert theory_pages()[0] == "index.md" and len(theory_pages()) == 7
    assert theory_text() == repository_theory()


def test_the_theory_has_sections_1_to_6():
    assert [n for n in theory_sections() if "." not in n] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize("number", sorted(theory_sections()))
def test_every_section_prints_under_its_heading(number):
    text = theory_section(number)
    first = text.splitlines()[0]
    assert first.lstrip("#").strip().startswith(number)
    assert theory_sections()[number] in first


def test_a_section_stops_at_the_next_one_of_its_level():
    three = theory_section("3")
    assert "### 3.3" in three and "## 4." not in three
    assert "### 3.4" not in theory_section("3.3")


def test_docs_command(cli):
    result = cli("docs", "§3.3")
    assert result.code == 0 and result.out.startswith("### 3.3 Compute-optimal exponents")
    assert cli("docs").out == theory_text()
    assert cli("docs", "6").out.startswith("## 6. Estimating alpha and beta from data")
    assert_usage_error(cli("docs", "99"), "no section '99'")
    assert_usage_error(cli("docs", "7"), "no section '7'")

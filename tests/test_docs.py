"""The documentation a user can read is all in the repository, and every citation resolves.

* the theory pages (``docs/explanation/theory/``) have the top-level sections the code cites
  (``theory §1`` .. ``§6``), one page each, in the order of their numbers;
* every ``§N`` or ``§N.M`` in the package (code, help, built-in recipes), the README and the
  docs names a heading of the theory pages;
* no user-facing text points at things a user cannot see: the team's private specification,
  a folder outside the repository, issue numbers, closing notes or briefs;
* no README or docs link leaves the repository: relative links name files that exist, and
  there are no web links. Papers are cited by their arXiv identifiers (``arXiv:2409.17858``),
  which are references, not links.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THEORY = ROOT / "docs" / "explanation" / "theory"
TOP_LEVEL = {
    "1": "The model",
    "2": "Exact reduced dynamics",
    "3": "Scaling exponents",
    "4": "Measuring an exponent",
    "5": "The nonlinear check (MLP on the circle)",
    "6": "Estimating alpha and beta from data",
}
HEADING = re.compile(r"^(#{2,4}) (\d+(?:\.\d+)*)\.? (.+)$", re.M)
CITATION = re.compile(r"§\s*(\d+(?:\.\d+)*)")
# Written so that a text substitution over the repository cannot rewrite this test itself.
PRIVATE = [
    (re.compile(r"\b" + "SP" + r"EC\b"), "the team's private specification"),
    (re.compile(re.escape("../" + "shared")), "a folder outside the repository"),
    (re.compile(r"\bissues? #?\d", re.I), "an issue number"),
    (re.compile(r"\bclosing notes?\b", re.I), "a closing note"),
    (re.compile(r"\bbrief(?:'s|s)?\b", re.I), "a brief"),
]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
WEB = re.compile(r"https?://")
DOCS = ROOT / "docs"
#: the reference pages docs/gen_ref.py writes at build time (docs pages may link to them)
GENERATED = {"reference/cli.md", "reference/recipes.md", "reference/limits.md", "reference/json.md",
             "reference/api.md"}


def _user_facing() -> list[Path]:
    """The package's source, help and data, the README and the docs (text files)."""
    files = [ROOT / "README.md"]
    for folder, patterns in ((ROOT / "scalingtool", ("*.py", "*.toml", "*.json")),
                             (ROOT / "recipes", ("*.py", "*.toml", "*.json")),
                             (ROOT / "docs", ("*.md", "*.py"))):
        for pattern in patterns:
            files += [p for p in folder.rglob(pattern) if "__pycache__" not in p.parts]
    return sorted(set(files))


FILES = _user_facing()


def _sections() -> dict[str, str]:
    text = "\n".join(page.read_text("utf-8") for page in sorted(THEORY.glob("*.md")))
    return {number: title.strip() for _, number, title in HEADING.findall(text)}


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_theory_has_the_top_level_sections_the_code_cites():
    sections = _sections()
    top = {n: t for n, t in sections.items() if "." not in n}
    assert top == TOP_LEVEL
    for number in sections:  # subsections sit under an existing section
        assert number.split(".")[0] in top, number
    for page in THEORY.glob("*.md"):  # one page per section, named by its number
        own = {n for _, n, _ in HEADING.findall(page.read_text("utf-8")) if "." not in n}
        assert own == (set() if page.name == "index.md" else {page.name.split("-")[0]}), page.name


def test_every_file_is_scanned():
    names = {_id(p) for p in FILES}
    assert {"README.md", "docs/explanation/theory/3-exponents.md", "scalingtool/cli/run.py", "recipes/phase.toml"} <= names


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_citations_resolve(path):
    sections = set(_sections())
    text = path.read_text("utf-8")
    missing = sorted({n for n in CITATION.findall(text) if n not in sections})
    assert not missing, f"{_id(path)} cites sections that the theory pages do not have: {missing}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_no_reference_to_what_a_user_cannot_see(path):
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        for pattern, what in PRIVATE:
            assert not pattern.search(line), f"{_id(path)}:{number} mentions {what}: {line.strip()}"


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))], ids=_id)
def test_links_stay_in_the_repository(path):
    text = path.read_text("utf-8")
    assert not WEB.search(text), f"{_id(path)} has a web link: {WEB.search(text).group(0)}..."
    for target in LINK.findall(text):
        file = target.split("#", 1)[0]
        if not file:  # an anchor in the same page
            continue
        resolved = (path.parent / file).resolve()
        assert resolved.is_relative_to(ROOT), f"{_id(path)} links outside the repository: {target}"
        if path.is_relative_to(DOCS) and resolved.relative_to(DOCS).as_posix() in GENERATED:
            continue  # a reference page the site build generates (its strict build checks the link)
        assert resolved.exists(), f"{_id(path)} links to a missing file: {target}"


def test_the_checks_catch_what_they_are_for():
    """The patterns are not vacuous: each bad example trips its check."""
    bad = ["see " + "SP" + "EC §3", "see [x](../" + "shared/x.md)", "fixed in issue 4", "the closing note",
           "the " + "brief's bound"]
    for text, (pattern, _) in zip(bad, PRIVATE):
        assert pattern.search(text), text
    assert CITATION.findall("theory §3.4 and §7") == ["3.4", "7"]
    assert LINK.findall("![a](docs/gallery/x.png) [b](docs/theory.md#3) ") == ["docs/gallery/x.png", "docs/theory.md#3"]
    assert WEB.search("see https://example.org")


def test_the_generated_pages_are_the_generators():
    """The link check's list of generated pages is the generator's own."""
    import importlib.util  # docs/gen_ref.py is a build hook, not a package module

    spec = importlib.util.spec_from_file_location("gen_ref", DOCS / "gen_ref.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.PAGES) == GENERATED

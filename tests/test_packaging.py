"""The package's metadata: one version, the declared license, the Python
versions, and install commands that work. (.ci/package builds the wheel and
the sdist, checks them with twine and installs and runs each.)"""

from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import kinesis_mock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    pyproject: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return pyproject


def test_the_installed_metadata_has_the_package_version() -> None:
    assert importlib.metadata.version("kinesis-mock") == kinesis_mock.__version__, (
        "stale metadata: pip install -e . again"
    )


def test_the_version_is_defined_once_as_a_literal(project: dict[str, Any]) -> None:
    # pyproject.toml reads kinesis_mock.__version__ without importing the
    # package, which works only for a plain literal assignment.
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]
    assert dynamic["version"] == {"attr": "kinesis_mock.__version__"}
    tree = ast.parse((ROOT / "kinesis_mock" / "__init__.py").read_text())
    values = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        )
    ]
    assert len(values) == 1
    assert isinstance(values[0], ast.Constant)
    assert values[0].value == kinesis_mock.__version__
    assert str(Version(kinesis_mock.__version__)) == kinesis_mock.__version__  # normalized


def test_the_license_file_is_the_declared_license(project: dict[str, Any]) -> None:
    assert project["project"]["license"] == "Apache-2.0"
    assert project["project"]["license-files"] == ["LICENSE", "NOTICE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text
    assert "Copyright 2026 The kinesis-mock authors" in (ROOT / "NOTICE").read_text()
    # PEP 639: a license expression and a License classifier never together.
    assert not [c for c in project["project"]["classifiers"] if c.startswith("License ::")]


def test_the_python_versions_agree(project: dict[str, Any]) -> None:
    requires = SpecifierSet(project["project"]["requires-python"])
    prefix = "Programming Language :: Python :: 3."
    classified = sorted(
        Version(c.removeprefix("Programming Language :: Python :: "))
        for c in project["project"]["classifiers"]
        if c.startswith(prefix)
    )
    assert classified == [Version(f"3.{minor}") for minor in range(10, 14)]
    assert all(version in requires for version in classified)
    assert Version("3.9") not in requires
    assert project["tool"]["ruff"]["target-version"] == "py310"
    assert project["tool"]["mypy"]["python_version"] == "3.10"


def test_no_install_command_needs_the_package_on_pypi() -> None:
    # Until kinesis-mock is published, README and docs install it from a
    # clone, a path or the repository (`"kinesis-mock[server] @ git+..."`).
    # Drop this test when the first release is on PyPI.
    bare = re.compile(r'pip install "?kinesis-mock(\[[a-z,]+\])?"?(?!\s*@)(?=[\s`]|$)')
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
    found = [
        f"{page.relative_to(ROOT)}: {match.group()}"
        for page in pages
        for match in bare.finditer(page.read_text())
    ]
    assert found == []


def test_the_changelogs_newest_section_names_the_packages_version() -> None:
    """The section in progress says which version it will be released as."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## (.+)$", changelog, re.MULTILINE)
    assert newest is not None
    assert re.search(rf"\b{re.escape(kinesis_mock.__version__)}\b", newest.group(1)), newest.group(
        1
    )

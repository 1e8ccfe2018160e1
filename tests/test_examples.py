"""The README's examples hold: the Lambda handler example's own test passes,
the trap it avoids is real, every Python snippet in README.md defines the
names it uses, and every file README.md names exists."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import NoRegionError

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LAMBDA_EXAMPLE = ROOT / "examples" / "lambda_handler"


def test_the_lambda_handler_example_passes() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=-q",
            "-p",
            "no:cacheprovider",
            str(LAMBDA_EXAMPLE),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_the_handler_imported_outside_a_mock_needs_a_region(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What the example's fixture avoids: the module makes its client at import.
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.syspath_prepend(str(LAMBDA_EXAMPLE))
    monkeypatch.delitem(sys.modules, "orders_handler", raising=False)
    try:
        with pytest.raises(NoRegionError):
            importlib.import_module("orders_handler")
    finally:
        sys.modules.pop("orders_handler", None)


def _python_snippets() -> list[tuple[int, str]]:
    """README's Python code blocks, with the line each starts on."""
    return [
        (README[: match.start()].count("\n") + 1, match.group(1))
        for match in re.finditer(r"```python\n(.*?)```", README, re.S)
    ]


def test_readme_python_snippets_are_python() -> None:
    snippets = _python_snippets()
    assert len(snippets) > 10
    for line, code in snippets:
        try:
            compile(code, f"README.md:{line}", "exec")
        except SyntaxError as error:  # pragma: no cover - the failure's message
            pytest.fail(f"README.md line {line}: {error}")


def test_readme_python_snippets_define_every_name(tmp_path: Path) -> None:
    # Each snippet stands alone: its imports, clients and handles are in it.
    ruff = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff (a dev extra) is not installed")
    for line, code in _python_snippets():
        (tmp_path / f"readme_line_{line}.py").write_text(code, encoding="utf-8")
    run = subprocess.run(
        [ruff, "check", "--isolated", "--select", "F821", "--output-format", "concise", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"`((?:tests|examples|benchmarks|docs)/[\w./-]*\w)`", README))
    named |= set(re.findall(r"\]\(((?:docs/)?[\w.-]+\.md)\)", README))
    assert "tests/test_with_moto.py" in named
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []

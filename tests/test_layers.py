"""The import-linter contracts in pyproject.toml keep up with the package:
a new top-level module is one protocol/ and arns.py may not import."""

from __future__ import annotations

import pkgutil
from pathlib import Path
from typing import Any

import pytest

import kinesis_mock

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; CI runs lint-imports there


def _contract(name: str) -> dict[str, Any]:
    pyproject = Path(__file__).parent.parent / "pyproject.toml"
    contracts = tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]
    found: dict[str, Any] = next(c for c in contracts if c["name"] == name)
    return found


def test_the_leaves_may_import_no_other_module_of_the_package() -> None:
    contract = _contract("protocol and arns import nothing else of kinesis_mock")
    leaves = set(contract["source_modules"])
    assert leaves == {"kinesis_mock.protocol", "kinesis_mock.arns"}
    others = {
        f"kinesis_mock.{module.name}"
        for module in pkgutil.iter_modules(kinesis_mock.__path__)
        if module.name != "__main__"
    }
    assert set(contract["forbidden_modules"]) == others - leaves


def test_the_layers_contract_has_no_exceptions() -> None:
    contract = _contract("transport above pipeline above services above protocol")
    assert "ignore_imports" not in contract

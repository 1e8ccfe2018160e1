"""The watcher that starts the ``requests`` interception at the end of the
first import of ``requests`` (kinesis_mock.transport.requests_watch), run in
this process on a package of its own (``requests`` is loaded here already;
tests/test_lazy_import.py runs the real thing in fresh interpreters)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests  # noqa: F401 - the callback waits for requests to be loaded
import responses  # noqa: F401 - ... and responses, completely

from kinesis_mock.transport import requests_watch


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package the watcher watches in place of requests."""
    name = f"watched_pkg_{tmp_path.name.replace('-', '_')}"
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(requests_watch, "WATCHED", (name,))
    importlib.invalidate_caches()
    yield name
    sys.modules.pop(name, None)
    requests_watch.cancel()


def _watchers() -> list[object]:
    return [f for f in sys.meta_path if isinstance(f, requests_watch._Watcher)]


def test_the_callback_runs_once_at_the_end_of_the_import(package: str) -> None:
    seen: list[object] = []
    requests_watch.when_imported(lambda: seen.append(sys.modules[package].VALUE))
    assert len(_watchers()) == 1
    module = importlib.import_module(package)
    assert seen == [42]  # the package had run
    # The module is as its own loader made it, and the watcher is gone.
    assert type(module.__loader__).__name__ != "_AnnouncingLoader"
    assert module.__spec__ is not None
    assert type(module.__spec__.loader).__name__ != "_AnnouncingLoader"
    assert _watchers() == []
    del sys.modules[package]
    importlib.import_module(package)
    assert seen == [42]


def test_a_cancelled_or_replaced_callback_never_runs(package: str) -> None:
    seen: list[str] = []
    requests_watch.when_imported(lambda: seen.append("first"))
    requests_watch.when_imported(lambda: seen.append("second"))
    assert len(_watchers()) == 1  # the second replaced the first
    requests_watch.cancel()
    assert _watchers() == []
    importlib.import_module(package)
    assert seen == []


def test_other_imports_pass_the_watcher_by(package: str) -> None:
    seen: list[str] = []
    requests_watch.when_imported(lambda: seen.append("ran"))
    importlib.import_module("json")
    assert seen == []
    assert len(_watchers()) == 1
    # A watched name no finder knows is left to the import system to refuse.
    watcher = _watchers()[0]
    assert watcher.find_spec(package + "_absent", None) is None  # type: ignore[attr-defined]

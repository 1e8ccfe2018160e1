"""Start the ``requests`` transport when ``requests`` is first imported.

A mock that intercepts raw ``requests`` calls needs ``responses`` (and
``requests`` itself) only in a process that uses ``requests``; botocore and
boto3 do not. When the first mock starts before anything has imported
``requests``, it asks :func:`when_imported` to start the transport at the end
of that import, rather than loading both (some 45 ms) up front.

The watcher is an import finder placed first on ``sys.meta_path``: it finds
``requests`` with the finders after it and wraps the loader it got, so that
the callback runs once the package has run (every ``requests`` call goes
through a module loaded by then); everything else about the module and its
loader is as it would have been.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

# ``requests``, and ``responses`` (which imports it): when ``responses`` is
# what imports ``requests`` (moto does), the interception, which needs
# ``responses``, can only start at the end of ``responses``' own import.
WATCHED = ("requests", "responses")


class _AnnouncingLoader(importlib.abc.Loader):
    """The real loader of a watched package, announcing when it has run."""

    def __init__(self, loader: Any, announce: Callable[[str], None], name: str) -> None:
        self._loader = loader
        self._announce = announce
        self._name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        # Loaded by the real loader: inspect and importlib.resources see it.
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._announce(self._name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _Watcher(importlib.abc.MetaPathFinder):
    def __init__(self, announce: Callable[[str], None]) -> None:
        self._announce = announce

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in WATCHED:
            return None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _AnnouncingLoader(spec.loader, self._announce, fullname)
                return spec
        return None


_lock = threading.Lock()
_watcher: _Watcher | None = None


def _finished(name: str, just_run: str) -> bool:
    """Whether module ``name`` has been imported and is not still running
    (``just_run``, the one whose loader just returned, counts as finished)."""
    module = sys.modules.get(name)
    if module is None:
        return False
    if name == just_run:
        return True
    return not getattr(getattr(module, "__spec__", None), "_initializing", False)


def _ready(just_run: str) -> bool:
    """``requests`` imported, and ``responses`` either not imported at all
    or imported completely: the interception can load and start."""
    return _finished("requests", just_run) and (
        "responses" not in sys.modules or _finished("responses", just_run)
    )


def when_imported(callback: Callable[[], None]) -> None:
    """Call ``callback`` once, at the end of the first import of ``requests``
    from now on, or of ``responses`` when that is what imports ``requests``
    (replacing a callback still waiting)."""
    global _watcher

    def announce(name: str) -> None:
        if _ready(just_run=name) and cancel_if(watcher):
            callback()

    watcher = _Watcher(announce)
    with _lock:
        _remove()
        _watcher = watcher
        sys.meta_path.insert(0, watcher)


def cancel() -> None:
    """Forget a callback still waiting for ``requests``."""
    with _lock:
        _remove()


def cancel_if(watcher: _Watcher) -> bool:
    """Remove ``watcher`` if it is the one waiting; whether it was."""
    with _lock:
        if _watcher is not watcher:
            return False
        _remove()
        return True


def _remove() -> None:
    global _watcher
    if _watcher is not None and _watcher in sys.meta_path:
        sys.meta_path.remove(_watcher)
    _watcher = None

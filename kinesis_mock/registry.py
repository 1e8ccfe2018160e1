"""Backends keyed by (service, account id, region).

The in-process mock has one registry (:data:`REGISTRY`), reset when the
outermost mock ends; every server started with :func:`kinesis_mock.server.start`
has its own, so a mock starting or ending in the same process never touches
a server's streams. A server with a data directory has a registry that keeps
its state on disk (:class:`kinesis_mock.storage.StoredRegistry`); this one
keeps everything in memory.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Generic, Protocol, cast, runtime_checkable

from . import clock
from .faults import Faults
from .journal import Journal
from .services.base import B, Backend, ServiceDefinition
from .settings import Settings

if TYPE_CHECKING:
    from .storage import Store

Key = tuple[str, str, str]  # (service state name, account, region)


@runtime_checkable
class ServedBackend(Protocol):
    """A backend whose answers name where its clients reach it (Kinesis
    Video's data endpoints and session URLs): the registry that makes it
    sets ``registry``, whose ``endpoint_url`` it reads when it answers."""

    registry: Registry | None


class Registry:
    # Where the state is kept on disk: only a server's data directory.
    store: Store | None = None

    def __init__(self, settings: Settings | None = None) -> None:
        self._lock = threading.Lock()
        self._backends: dict[Key, Backend] = {}
        self.settings = settings if settings is not None else Settings()
        # The URL of the server answering from this registry, set by
        # kinesis_mock.server.start once it listens; None in process, where
        # clients reach the mock by AWS host names. A reset keeps it.
        self.endpoint_url: str | None = None
        # What tests arrange and read back (km.faults, km.calls()); a reset
        # clears both.
        self.faults = Faults()
        self.journal = Journal()

    def backend(self, service: ServiceDefinition[B], account: str, region: str) -> B:
        """The backend of ``service`` in an account and region, made on first
        use (unlocked and not advanced: :meth:`open` is how to use it)."""
        key = (service.state_name, account, region)
        backend = self._backends.get(key)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = service.backend_factory(account, region, self.settings)
                    self._adopt(key, backend)
                    self._backends[key] = backend
        # Definitions sharing a state name share its backend type.
        return cast(B, backend)

    def _adopt(self, key: Key, backend: Any) -> None:
        """Make ``backend`` (new, or loaded from a data directory) this registry's."""
        if isinstance(backend, ServedBackend):
            backend.registry = self

    def open(
        self,
        service: ServiceDefinition[B],
        account: str,
        region: str,
        operation: str | None = None,
    ) -> Opened[B]:
        """The backend of ``service`` in an account and region, locked and
        with every clock-driven transition due by now applied: the one way
        anything (a request, the test handle, the CLI) reads or changes state.
        Use it as ``with registry.open(...) as backend:``. ``operation``
        names the call it is opened for (a data directory saves the state
        after calls that can change it; None: any)."""
        return Opened(self.backend(service, account, region))

    def backends(self, state_name: str) -> dict[tuple[str, str], Any]:
        """The existing backends of one service, by (account, region)."""
        with self._lock:
            return {
                (account, region): backend
                for (name, account, region), backend in self._backends.items()
                if name == state_name
            }

    def forget(self, account: str | None = None, region: str | None = None) -> int:
        """Drop the state of every service in one account and/or region (all
        of it when neither is given), keeping settings, faults and the
        journal; returns how many backends went."""
        with self._lock:
            doomed = [
                key
                for key in self._backends
                if (account is None or key[1] == account) and (region is None or key[2] == region)
            ]
            for key in doomed:
                del self._backends[key]
            self._dropped(doomed)
        return len(doomed)

    def reset(self, settings: Settings | None = None) -> None:
        with self._lock:
            self._backends.clear()
            self._dropped(None)
            self.settings = settings if settings is not None else Settings()
        self.faults.clear()
        self.journal.clear()

    def _dropped(self, keys: list[Key] | None) -> None:
        """The backends of ``keys`` (all when None) were dropped; called
        under the registry's lock (a data directory forgets them too)."""

    def close(self) -> None:
        """The server answering from this registry has stopped (a data
        directory is closed, so another server can open it)."""


# The ``operation`` of an opening that only looks (changes nothing).
LOOK = "(look)"


class Opened(Generic[B]):
    """``with`` support for :meth:`Registry.open`. A plain class, not a
    generator context manager: every mocked call goes through it, and this
    costs a fifth as much."""

    __slots__ = ("_backend",)

    def __init__(self, backend: B) -> None:
        self._backend = backend

    def __enter__(self) -> B:
        backend = self._backend
        backend.lock.acquire()
        try:
            backend.advance(clock.now())
        except BaseException:
            backend.lock.release()
            raise
        return backend

    def __exit__(self, *_: object) -> None:
        self._backend.lock.release()


# The in-process mock's state.
REGISTRY = Registry()

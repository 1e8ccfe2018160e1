"""Backends keyed by (service, account id, region), reset when a mock ends."""

from __future__ import annotations

import threading
from typing import Any

from .services.base import Backend, ServiceDefinition
from .settings import Settings


class Registry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._backends: dict[tuple[str, str, str], Backend] = {}
        self.settings = Settings()

    def backend(self, service: ServiceDefinition, account: str, region: str) -> Any:
        key = (service.state_name, account, region)
        backend = self._backends.get(key)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = service.backend_factory(account, region, self.settings)
                    self._backends[key] = backend
        return backend

    def backends(self, state_name: str) -> dict[tuple[str, str], Any]:
        """The existing backends of one service, by (account, region)."""
        with self._lock:
            return {
                (account, region): backend
                for (name, account, region), backend in self._backends.items()
                if name == state_name
            }

    def reset(self, settings: Settings | None = None) -> None:
        with self._lock:
            self._backends.clear()
            self.settings = settings if settings is not None else Settings()


REGISTRY = Registry()

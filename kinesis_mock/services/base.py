"""What every mocked service provides to the protocol layer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..settings import Settings

Params = dict[str, Any]


class Backend(Protocol):
    """State of one service in one account and region."""

    lock: threading.RLock

    def advance(self, now: float) -> None:
        """Complete the state transitions that are due at ``now``."""


Handler = Callable[[Any, Params], Mapping[str, Any] | None]
BackendFactory = Callable[[str, str, Settings], Backend]


@dataclass
class ServiceDefinition:
    """A mocked service: its botocore model name, its handlers and its state.

    ``state_name`` lets several botocore services share one backend (the
    Kinesis Video data-plane clients see the control plane's streams).
    ``report_order`` records, per shape name, the order in which the service
    reports a structure's members (a request's included) in validation errors,
    or lists an enum's values, where it differs from the model's order.
    """

    name: str
    state_name: str
    backend_factory: BackendFactory
    handlers: dict[str, Handler] = field(default_factory=dict)
    report_order: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def operation(self, name: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of operation ``name``."""

        def register(handler: Handler) -> Handler:
            self.handlers[name] = handler
            return handler

        return register

"""What every mocked service provides to the pipeline.

A :class:`ServiceDefinition` is generic in its backend type ``B``: its
factory makes a ``B`` and its handlers and fault hooks take one, so mypy
checks each handler's backend argument against the service it registers on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol

from ..settings import Settings

Params = dict[str, Any]


class Backend(Protocol):
    """State of one service in one account and region."""

    lock: threading.RLock

    def advance(self, now: float) -> bool:
        """Complete the state transitions that are due at ``now``; whether
        any was (a server with a data directory then saves the state)."""


# The backend type of a service. A bare ``ServiceDefinition`` (where several
# services are held together) means ``ServiceDefinition[Any]``: a default
# typing.TypeVar takes only from Python 3.13, so the type checker reads it
# from typing_extensions (a dependency of mypy).
if TYPE_CHECKING:
    from typing_extensions import TypeVar

    B = TypeVar("B", bound=Backend, default=Any)
else:
    from typing import TypeVar

    B = TypeVar("B", bound=Backend)

# An operation's handler: the validated input, against the backend of the
# caller's account and region, to the output (or a raised ServiceError).
Handler = Callable[[B, Params], Mapping[str, Any] | None]
# The backend of one account and region: (account, region, settings) -> B.
BackendFactory = Callable[[str, str, Settings], B]


@dataclass(frozen=True)
class FaultTarget:
    """What one call is about, for matching the faults a test arranged
    (``kinesis_mock.faults``): its stream (by name), shard and consumer
    where it names them, and whether the stream is KMS-encrypted."""

    stream: str | None = None
    shard: str | None = None
    consumer: str | None = None
    encrypted: bool = False


def stream_name_in(params: Params | None) -> str | None:
    """The stream a request names, without looking it up: ``StreamName``, or
    the name in ``StreamARN``, or in a ``ConsumerARN``'s stream part."""
    params = params or {}
    name = params.get("StreamName")
    arn = params.get("StreamARN")
    if name is None and isinstance(arn, str):
        name = arn.rpartition("/")[2]
    consumer_arn = params.get("ConsumerARN")
    if name is None and isinstance(consumer_arn, str) and "/consumer/" in consumer_arn:
        name = consumer_arn.partition("/consumer/")[0].rpartition("/")[2]
    return name if isinstance(name, str) else None


def named_target(backend: object, operation: str, params: Params) -> FaultTarget:
    """The target a request names directly (what a service without its own
    reading offers)."""
    return FaultTarget(stream=stream_name_in(params))


def no_message(backend: object, operation: str, code: str, target: FaultTarget) -> str | None:
    return None


# An entry-batch operation run with some entries failing: the handler's
# work, given ``decide(entries, shard_ids)`` which returns, by entry index,
# the (error code, message or None for the service's text) of the entries
# that fail.
EntryDecision = Callable[[list[Any], list[str]], dict[int, tuple[str, str | None]]]
EntryHandler = Callable[[B, Params, EntryDecision], Mapping[str, Any]]


@dataclass
class ServiceDefinition(Generic[B]):
    """A mocked service: its botocore model name, its handlers and its state.

    ``state_name`` lets several botocore services share one backend (the
    Kinesis Video data-plane clients see the control plane's streams).
    ``report_order`` records, per shape name, the order in which the service
    reports a structure's members (a request's included) in validation errors,
    or lists an enum's values, where it differs from the model's order.
    """

    name: str
    state_name: str
    backend_factory: BackendFactory[B]
    handlers: dict[str, Handler[B]] = field(default_factory=dict)
    report_order: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # For arranged faults: what a call is about (under the backend's lock),
    # the service's text for an error on it (None: the model's description),
    # and the operations whose entries can fail one by one.
    fault_target: Callable[[B, str, Params], FaultTarget] = named_target
    fault_message: Callable[[B, str, str, FaultTarget], str | None] = no_message
    entry_handlers: dict[str, EntryHandler[B]] = field(default_factory=dict)

    def operation(self, name: str) -> Callable[[Handler[B]], Handler[B]]:
        """Register the decorated function as the handler of operation ``name``."""

        def register(handler: Handler[B]) -> Handler[B]:
            self.handlers[name] = handler
            return handler

        return register

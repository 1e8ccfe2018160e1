"""Faults a test arranges: calls that fail or slow down, and PutRecords
entries that fail, each deterministic (or seeded) and counted.

A registry holds one :class:`Faults`; the request pipeline consults it only
while it holds a fault, so a mock without faults pays one truth test per call.
Errors are the ones the operation's model lists, or the common errors every
AWS operation may answer, rendered with the service's message for them.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore import xform_name

from .protocol.errors import ServiceError
from .protocol.model import service_spec
from .services.base import EntryDecision, FaultTarget, ServiceDefinition

# The errors every operation may answer besides its modeled ones, with their
# status and the text the API reference's "Common Errors" gives them.
COMMON_ERRORS: dict[str, tuple[int, str]] = {
    "InternalFailure": (
        500,
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    "ServiceUnavailable": (503, "The request has failed due to a temporary failure of the server."),
    "ThrottlingException": (400, "Rate exceeded"),
    "RequestExpired": (
        400,
        "The request reached the service more than 15 minutes after the date stamp on the "
        "request or more than 15 minutes after the request expiration date (such as for "
        "pre-signed URLs), or the date stamp on the request is more than 15 minutes in the "
        "future.",
    ),
    "IncompleteSignature": (400, "The request signature does not conform to AWS standards."),
    "InvalidClientTokenId": (
        403,
        "The security token included in the request is invalid.",
    ),
    "OptInRequired": (403, "The AWS access key ID needs a subscription for the service."),
}

# What a failed PutRecords entry may carry (PutRecordsResultEntry.ErrorCode).
ENTRY_ERRORS = ("ProvisionedThroughputExceededException", "InternalFailure")

_ONCE = object()
_TAG = re.compile(r"<[^>]+>")


# One ServiceError subclass per arranged (code, status), made on first use.
_ARRANGED: dict[tuple[str, int], type[ServiceError]] = {}


def arranged_error(code: str, status: int, message: str | None) -> ServiceError:
    """An error a test arranged, rendered as the service's error ``code``."""
    kind = _ARRANGED.get((code, status))
    if kind is None:
        kind = type(code, (ServiceError,), {"code": code, "status": status})
        _ARRANGED[(code, status)] = kind
    return kind(message)


EntryPredicate = Callable[[Mapping[str, Any]], bool]


@dataclass(eq=False, repr=False)
class Fault:
    """One arranged fault, and what it has done so far.

    ``calls`` counts the calls it matched (operation, stream, shard,
    consumer); ``fired`` those it acted on. A fault that can fire no more is
    ``spent``.
    """

    service: str
    operations: frozenset[str]
    error: str | None
    message: str | None
    delay: float
    times: int | None
    nth: int | None
    probability: float | None
    stream: str | None = None
    shard: str | None = None
    consumer: str | None = None
    # PutRecords entry faults: which entries fail.
    indexes: frozenset[int] | None = None
    partition_keys: frozenset[str] | None = None
    where: EntryPredicate | None = None
    for_entries: bool = False
    seed: int | None = None
    calls: int = 0
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __repr__(self) -> str:
        return f"<Fault {_summary(self)}: fired {self.fired} time(s) in {self.calls} call(s)>"

    @property
    def spent(self) -> bool:
        if self.nth is not None:
            return self.calls >= self.nth
        return self.times is not None and self.fired >= self.times

    def describe(self) -> dict[str, Any]:
        """The fault as plain data (the server's admin API lists these)."""
        return {
            "service": self.service,
            "operations": sorted(self.operations),
            "error": self.error,
            "message": self.message,
            "delay": self.delay,
            "times": self.times,
            "nth": self.nth,
            "probability": self.probability,
            "seed": self.seed,
            "stream": self.stream,
            "shard": self.shard,
            "consumer": self.consumer,
            "indexes": sorted(self.indexes) if self.indexes is not None else None,
            "partition_keys": (
                sorted(self.partition_keys) if self.partition_keys is not None else None
            ),
            "where": self.where is not None,
            "calls": self.calls,
            "fired": self.fired,
        }

    def matches(self, service: str, operation: str, target: FaultTarget) -> bool:
        if service != self.service or operation not in self.operations:
            return False
        if self.stream is not None and target.stream != self.stream:
            return False
        if self.shard is not None and target.shard is not None and target.shard != self.shard:
            return False
        if self.shard is not None and target.shard is None and not self.for_entries:
            return False
        if self.consumer is not None and target.consumer != self.consumer:
            return False
        # The service answers KMS errors only for streams it encrypts.
        return not (self.error or "").startswith("KMS") or target.encrypted

    def selects(self, index: int, entry: Mapping[str, Any], shard: str) -> bool:
        """Whether this (entry) fault fails the request entry at ``index``,
        bound for ``shard``."""
        if self.shard is not None and shard != self.shard:
            return False
        if self.indexes is not None and index not in self.indexes:
            return False
        if self.partition_keys is not None and entry.get("PartitionKey") not in self.partition_keys:
            return False
        return self.where is None or bool(self.where(entry))

    def _take(self) -> bool:
        """Count one matching call; true if the fault acts on it."""
        if self.spent:
            return False
        self.calls += 1
        if self.nth is not None:
            firing = self.calls == self.nth
        elif self.probability is not None:
            firing = self._random.random() < self.probability
        else:
            firing = True
        if firing:
            self.fired += 1
        return firing


@dataclass
class Verdict:
    """What the arranged faults do to one call."""

    delay: float = 0.0
    error: ServiceError | None = None


# The keywords fail() and delay() share: which calls a fault applies to.
_WHICH_CALLS = ("times", "nth", "probability", "seed", "stream", "shard", "consumer", "service")


def _which_calls(arguments: dict[str, Any]) -> dict[str, Any]:
    return {name: arguments[name] for name in _WHICH_CALLS}


class Faults:
    """The faults of one registry (``km.faults``): arrange, list, clear, assert."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        # Read without the lock on every call: true while any fault is held.
        self.armed = False

    # -- arranging ----------------------------------------------------------

    def fail(
        self,
        operation: str | Iterable[str],
        error: str,
        *,
        message: str | None = None,
        times: Any = _ONCE,
        nth: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        stream: str | None = None,
        shard: str | None = None,
        consumer: str | None = None,
        delay: float = 0.0,
        service: str | None = None,
    ) -> Fault:
        """Fail calls of ``operation`` (a name such as ``"PutRecord"`` or
        ``"put_record"``, several, or ``"*"``) with ``error``: one the
        operation's model lists, or a common error (``InternalFailure``,
        ``ServiceUnavailable``, ``ThrottlingException``, ...).

        By default the next matching call fails; ``times=N`` the next N
        (``None``: every one until cleared); ``nth=N`` only the Nth;
        ``probability=p`` (with ``seed``) each with chance p. ``stream``,
        ``shard`` and ``consumer`` narrow the calls it matches; ``delay``
        adds latency (real seconds) before the error. The message is the
        service's for that error unless ``message`` is given. KMS errors fire
        only on calls to a KMS-encrypted stream, as the service's do.
        """
        return self._on_calls(operation, error, message, delay, **_which_calls(locals()))

    def delay(
        self,
        operation: str | Iterable[str],
        seconds: float,
        *,
        times: Any = _ONCE,
        nth: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        stream: str | None = None,
        shard: str | None = None,
        consumer: str | None = None,
        service: str | None = None,
    ) -> Fault:
        """Delay calls of ``operation`` by ``seconds`` of real time (then
        answer them normally); which calls, as for :meth:`fail`."""
        return self._on_calls(operation, None, None, seconds, **_which_calls(locals()))

    def _on_calls(
        self,
        operation: str | Iterable[str],
        error: str | None,
        message: str | None,
        delay: float,
        *,
        times: Any,
        nth: int | None,
        probability: float | None,
        seed: int | None,
        stream: str | None,
        shard: str | None,
        consumer: str | None,
        service: str | None,
    ) -> Fault:
        """A fault on whole calls (:meth:`fail`, or :meth:`delay` when
        ``error`` is None)."""
        definition, operations = _resolve(service, operation, error)
        return self._add(
            Fault(
                service=definition.name,
                operations=operations,
                error=error,
                message=message,
                delay=_seconds(delay),
                **_firing(times, nth, probability),
                seed=seed,
                stream=stream,
                shard=shard,
                consumer=consumer,
            ),
            seed,
        )

    def fail_records(
        self,
        *,
        index: int | Iterable[int] | None = None,
        partition_key: str | Iterable[str] | None = None,
        where: EntryPredicate | None = None,
        error: str = "ProvisionedThroughputExceededException",
        message: str | None = None,
        times: Any = _ONCE,
        nth: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        stream: str | None = None,
        shard: str | None = None,
    ) -> Fault:
        """Fail chosen entries of PutRecords calls, as the service reports a
        partly failed batch: the call succeeds, ``FailedRecordCount`` counts
        the failed entries, each carries ``ErrorCode`` and ``ErrorMessage``,
        and only the other entries are stored.

        Entries are chosen by position in the request (``index``), by
        ``partition_key``, by ``where(entry)`` (the request entry: ``Data``,
        ``PartitionKey``, ``ExplicitHashKey``), by the ``shard`` they go to,
        or any combination (all must hold); with none, every entry fails.
        ``times``/``nth``/``probability`` count the PutRecords calls in which
        some entry is chosen.
        """
        if error not in ENTRY_ERRORS:
            raise ValueError(
                f"a PutRecords entry fails with one of {', '.join(ENTRY_ERRORS)}, not {error!r}"
            )
        definition, operations = _resolve("kinesis", "PutRecords", None)
        indexes = _frozen(index, int, "index")
        keys = _frozen(partition_key, str, "partition_key")
        if where is not None and not callable(where):
            raise TypeError("where must be a function of the request entry")
        return self._add(
            Fault(
                service=definition.name,
                operations=operations,
                error=error,
                message=message,
                delay=0.0,
                **_firing(times, nth, probability),
                seed=seed,
                stream=stream,
                shard=shard,
                indexes=indexes,
                partition_keys=keys,
                where=where,
                for_entries=True,
            ),
            seed,
        )

    def _add(self, fault: Fault, seed: int | None) -> Fault:
        fault._random.seed(seed)
        with self._lock:
            self._faults.append(fault)
            self.armed = True
        return fault

    # -- inspecting ---------------------------------------------------------

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))

    def __len__(self) -> int:
        return len(self._faults)

    def unfired(self) -> list[Fault]:
        """The faults that have not fired yet."""
        return [fault for fault in self if fault.fired == 0]

    def assert_all_fired(self) -> None:
        """Fail (AssertionError) if some arranged fault never fired: the code
        under test never made the call the test meant to break."""
        unfired = self.unfired()
        if unfired:
            described = "; ".join(_summary(fault) for fault in unfired)
            raise AssertionError(f"{len(unfired)} arranged fault(s) never fired: {described}")

    def remove(self, fault: Fault) -> None:
        with self._lock:
            self._faults.remove(fault)
            self.armed = bool(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.armed = False

    # -- consulting (the request pipeline) ------------------------------------

    def consult(
        self,
        definition: ServiceDefinition,
        operation: str,
        target: FaultTarget,
        render_message: Callable[[str], str | None],
    ) -> Verdict:
        """What the call faults do to one call: its summed delay, and the
        first error that fires. Entry faults are left to :meth:`for_entries`."""
        verdict = Verdict()
        with self._lock:
            for fault in self._faults:
                if fault.for_entries or not fault.matches(definition.name, operation, target):
                    continue
                if not fault._take():
                    continue
                verdict.delay += fault.delay
                if fault.error is not None:
                    status = _status(definition, fault.error)
                    message = fault.message
                    if message is None:
                        message = render_message(fault.error) or _documented(
                            definition, fault.error
                        )
                    verdict.error = arranged_error(fault.error, status, message)
                    break
        return verdict

    def entry_faults(self, service: str, operation: str, target: FaultTarget) -> list[Fault]:
        """The entry faults that apply to one PutRecords call."""
        with self._lock:
            return [
                fault
                for fault in self._faults
                if fault.for_entries
                and not fault.spent
                and fault.matches(service, operation, target)
            ]

    def entry_decision(self, chosen: list[Fault]) -> EntryDecision:
        """How ``chosen`` entry faults fail the entries of one call: each
        fault takes the entries it selects (that no earlier fault took), and
        counts the call when it selected some."""

        def decide(entries: list[Any], shards: list[str]) -> dict[int, tuple[str, str | None]]:
            failures: dict[int, tuple[str, str | None]] = {}
            for fault in chosen:
                selected = [
                    index
                    for index, (entry, shard) in enumerate(zip(entries, shards, strict=True))
                    if index not in failures and fault.selects(index, entry, shard)
                ]
                if not selected:
                    continue
                with self._lock:
                    acting = fault._take()
                if acting:
                    assert fault.error is not None
                    for index in selected:
                        failures[index] = (fault.error, fault.message)
            return failures

        return decide


def _resolve(
    service: str | None, operation: str | Iterable[str], error: str | None
) -> tuple[ServiceDefinition, frozenset[str]]:
    """The service and model operation names a fault names, checking that
    ``error`` is one each of them can answer."""
    from .services.catalog import SERVICES

    wanted = [operation] if isinstance(operation, str) else list(operation)
    if not wanted or not all(isinstance(name, str) for name in wanted):
        raise TypeError("operation must be an operation name, or several")
    if service is not None and service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(sorted(SERVICES))}")
    candidates = [SERVICES[service]] if service is not None else list(SERVICES.values())
    if "*" in wanted:
        definition = candidates[0]
        names = [
            name
            for name in service_spec(definition.name).operation_names
            if error is None or _answers(definition, name, error)
        ]
        return definition, frozenset(names)
    by_service: dict[str, list[str]] = {}
    for definition in candidates:
        known = {
            spelled: name
            for name in service_spec(definition.name).operation_names
            for spelled in (name, xform_name(name))
        }
        found = [known[name] for name in wanted if name in known]
        if len(found) == len(wanted):
            by_service[definition.name] = found
    if not by_service:
        raise ValueError(f"no mocked service has the operation(s) {', '.join(wanted)}")
    # Kinesis Data Streams first; otherwise the name must say which service.
    chosen = "kinesis" if "kinesis" in by_service else None
    if chosen is None:
        if len(by_service) > 1:
            raise ValueError(
                f"{', '.join(wanted)} is an operation of {', '.join(sorted(by_service))}: "
                "pass service=..."
            )
        (chosen,) = by_service
    definition = SERVICES[chosen]
    names = by_service[chosen]
    if error is not None:
        for name in names:
            if not _answers(definition, name, error):
                listed = sorted(
                    {shape.name for shape in service_spec(chosen).operation(name).error_shapes}
                )
                raise ValueError(
                    f"{name} does not answer {error}: its model lists "
                    f"{', '.join(listed) or 'no errors'}; every operation may also answer "
                    f"{', '.join(COMMON_ERRORS)}"
                )
    return definition, frozenset(names)


def _answers(definition: ServiceDefinition, operation: str, error: str) -> bool:
    if error in COMMON_ERRORS:
        return True
    shapes = service_spec(definition.name).operation(operation).error_shapes
    return any(shape.name == error for shape in shapes)


def _status(definition: ServiceDefinition, error: str) -> int:
    info = service_spec(definition.name).errors.get(error)
    if info is not None:
        return info.status
    return COMMON_ERRORS.get(error, (400, ""))[0]


def _documented(definition: ServiceDefinition, error: str) -> str:
    """The model's description of ``error``, for errors whose service text
    was never recorded."""
    common = COMMON_ERRORS.get(error)
    if common is not None:
        return common[1]
    shape = service_spec(definition.name).model.shape_for(error)
    text = " ".join(_TAG.sub("", shape.documentation).split())
    return text or error


def _firing(times: Any, nth: int | None, probability: float | None) -> dict[str, Any]:
    """The firing rule: ``times`` defaults to once, or to every matching
    call when a probability decides."""
    if times is _ONCE:
        times = None if probability is not None or nth is not None else 1
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be a positive int or None, not {times!r}")
    if nth is not None and (isinstance(nth, bool) or not isinstance(nth, int) or nth < 1):
        raise ValueError(f"nth must be a positive int, not {nth!r}")
    if probability is not None and not (
        isinstance(probability, (int, float)) and 0 <= probability <= 1
    ):
        raise ValueError(f"probability must be between 0 and 1, not {probability!r}")
    if nth is not None and probability is not None:
        raise ValueError("give nth or probability, not both")
    return {"times": times, "nth": nth, "probability": probability}


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"a delay is zero or more seconds, not {value!r}")
    return float(value)


def _frozen(value: Any, kind: type, name: str) -> frozenset[Any] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, (kind, str)) else list(value)
    if not all(isinstance(item, kind) and not isinstance(item, bool) for item in values):
        raise TypeError(f"{name} must be a {kind.__name__} or several")
    return frozenset(values)


def _summary(fault: Fault) -> str:
    what = fault.error or f"delay {fault.delay}s"
    if fault.for_entries:
        what = f"entries fail with {fault.error}"
    scope = ", ".join(
        f"{key}={value}"
        for key, value in (("stream", fault.stream), ("shard", fault.shard))
        if value is not None
    )
    operations = ",".join(sorted(fault.operations))
    return f"{operations} -> {what}" + (f" ({scope})" if scope else "")

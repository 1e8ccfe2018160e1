"""The journal: every call a registry answered, in order, for assertions.

Each entry keeps references to the parsed parameters and the result (no
copies), so recording costs one small object per call. Memory stays bounded
however many records pass: the journal keeps the latest :data:`JOURNAL_LIMIT`
calls, and the parameters and results only of the latest ones whose request
and response bodies add up to :data:`JOURNAL_PAYLOAD_BYTES`; older calls keep
their service, operation, place, stream and outcome (``trimmed`` is true).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

from .services.base import stream_name_in

JOURNAL_LIMIT = 100_000
JOURNAL_PAYLOAD_BYTES = 1024 * 1024


class Call:
    """One answered call: what was asked, of whom, and how it ended.

    ``error`` is the error code the caller got (None when it succeeded),
    ``message`` its message; ``result`` the output the operation returned
    (None when it failed); ``at`` the mock's time when it was answered.
    ``trimmed``: the journal let go of ``params`` and ``result`` (both None)
    to stay within its memory bound.
    """

    __slots__ = (
        "_stream",
        "account",
        "at",
        "error",
        "message",
        "operation",
        "params",
        "region",
        "result",
        "service",
        "size",
        "trimmed",
    )

    def __init__(
        self,
        service: str,
        operation: str,
        account: str,
        region: str,
        params: dict[str, Any] | None,
        result: Any,
        error: str | None,
        message: str | None,
        at: float,
    ) -> None:
        self.service = service
        self.operation = operation
        self.account = account
        self.region = region
        self.params = params
        self.result = result
        self.error = error
        self.message = message
        self.at = at
        # Bytes of request and response body this entry keeps alive.
        self.size = 0
        self.trimmed = False
        self._stream: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def stream(self) -> str | None:
        """The stream the call named (by ``StreamName`` or ``StreamARN``)."""
        if self.trimmed:
            return self._stream
        return stream_name_in(self.params)

    def describe(self) -> dict[str, Any]:
        """The call as JSON-ready data (the server's admin API lists these):
        blobs appear as their length."""
        return {
            "service": self.service,
            "operation": self.operation,
            "account": self.account,
            "region": self.region,
            "params": _plain(self.params),
            "error": self.error,
            "message": self.message,
            "at": self.at,
            "trimmed": self.trimmed,
        }

    def __repr__(self) -> str:
        outcome = "ok" if self.error is None else self.error
        return f"<Call {self.service}.{self.operation} {self.account}/{self.region} -> {outcome}>"


class Journal:
    """The calls one registry answered, oldest first (``km.calls()``)."""

    def __init__(
        self, limit: int = JOURNAL_LIMIT, payload_bytes: int = JOURNAL_PAYLOAD_BYTES
    ) -> None:
        self._lock = threading.Lock()
        self._calls: deque[Call] = deque(maxlen=limit)
        # The calls still holding their params and result, oldest first.
        self._holding: deque[Call] = deque()
        self._held = 0
        self._payload_bytes = payload_bytes

    def record(self, call: Call, size: int) -> None:
        """Add ``call``, whose request and response bodies were ``size`` bytes."""
        # Under the lock: a reader copying the deque must not see it change.
        with self._lock:
            self._calls.append(call)
            call.size = size
            self._holding.append(call)
            self._held += size
            holding = self._holding
            while (self._held > self._payload_bytes and len(holding) > 1) or len(holding) > len(
                self._calls
            ):
                self._trim(holding.popleft())

    def _trim(self, call: Call) -> None:
        self._held -= call.size
        call._stream = call.stream
        call.trimmed = True
        call.params = None
        call.result = None

    def calls(
        self,
        operation: str | None = None,
        *,
        service: str | None = None,
        stream: str | None = None,
        error: str | None = None,
        ok: bool | None = None,
        account: str | None = None,
        region: str | None = None,
    ) -> list[Call]:
        """The calls that match every filter given, oldest first.
        ``operation`` takes the model's name (``"PutRecords"``) or boto3's
        (``"put_records"``)."""
        with self._lock:
            found = list(self._calls)
        if operation is not None:
            from botocore import xform_name

            found = [
                call for call in found if operation in (call.operation, xform_name(call.operation))
            ]
        for name, value in (("service", service), ("account", account), ("region", region)):
            if value is not None:
                found = [call for call in found if getattr(call, name) == value]
        if stream is not None:
            found = [call for call in found if call.stream == stream]
        if error is not None:
            found = [call for call in found if call.error == error]
        if ok is not None:
            found = [call for call in found if call.ok == ok]
        return found

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls())

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._holding.clear()
            self._held = 0


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": len(value)}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)

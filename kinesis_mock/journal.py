"""The journal: every call a registry answered, in order, for assertions.

Each entry keeps references to the parsed parameters and the result (no
copies), so recording costs one small object per call. The journal keeps the
latest :data:`JOURNAL_LIMIT` calls, so a long-running server stays bounded.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

JOURNAL_LIMIT = 100_000


class Call:
    """One answered call: what was asked, of whom, and how it ended.

    ``error`` is the error code the caller got (None when it succeeded),
    ``message`` its message; ``result`` the output the operation returned
    (None when it failed); ``at`` the mock's time when it was answered.
    """

    __slots__ = (
        "account",
        "at",
        "error",
        "message",
        "operation",
        "params",
        "region",
        "result",
        "service",
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

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def stream(self) -> str | None:
        """The stream the call named (by ``StreamName`` or ``StreamARN``)."""
        params = self.params or {}
        name = params.get("StreamName")
        if name is None and isinstance(params.get("StreamARN"), str):
            name = params["StreamARN"].rpartition("/")[2]
        if name is None and isinstance(params.get("ConsumerARN"), str):
            name = params["ConsumerARN"].split("/consumer/")[0].rpartition("/")[2]
        return name if isinstance(name, str) else None

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
        }

    def __repr__(self) -> str:
        outcome = "ok" if self.error is None else self.error
        return f"<Call {self.service}.{self.operation} {self.account}/{self.region} -> {outcome}>"


class Journal:
    """The calls one registry answered, oldest first (``km.calls()``)."""

    def __init__(self, limit: int = JOURNAL_LIMIT) -> None:
        self._lock = threading.Lock()
        self._calls: deque[Call] = deque(maxlen=limit)

    def record(self, call: Call) -> None:
        # Under the lock: a reader copying the deque must not see it change.
        with self._lock:
            self._calls.append(call)

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

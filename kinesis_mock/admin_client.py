"""A client of a kinesis-mock server's admin API (``/_kinesis_mock/``), for
tests whose server runs in another process or a container:

    from kinesis_mock.admin_client import AdminClient

    admin = AdminClient("http://127.0.0.1:4567")
    admin.wait_until_healthy()
    admin.reset()
    admin.fail("PutRecord", "ProvisionedThroughputExceededException", times=2)
    admin.calls(operation="PutRecord", ok=False)

Standard library only (urllib), so it works wherever kinesis-mock installs.
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class AdminError(RuntimeError):
    """The admin API refused a request; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class AdminClient:
    """The admin API of the server at ``endpoint_url``. ``cafile``: the
    certificate to trust for an HTTPS server (a ``--tls`` server prints it)."""

    def __init__(self, endpoint_url: str, *, cafile: str | None = None, timeout: float = 10.0):
        self.base = endpoint_url.rstrip("/") + "/_kinesis_mock/"
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=cafile) if cafile else None

    # -- the server -----------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "version": ..., "account": ...}`` while the
        server answers (``account``: where unsigned-for requests go)."""
        return self._call("GET", "health")

    def wait_until_healthy(self, timeout: float = 30.0) -> dict[str, Any]:
        """Poll :meth:`health` until the server answers (a container just
        started); raises TimeoutError naming the last failure."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.health()
            except (OSError, AdminError) as error:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{self.base}health did not answer: {error}") from error
                time.sleep(0.1)

    def reset(self, account: str | None = None, region: str | None = None) -> None:
        """Forget everything, or one account's and/or region's state."""
        body = {key: value for key, value in (("account", account), ("region", region)) if value}
        self._call("POST", "reset", body)

    def state(self, account: str | None = None, region: str | None = None) -> list[dict[str, Any]]:
        """Per account and region: streams (status, shards, records, ...),
        Kinesis Video streams and signaling channels."""
        query = {key: value for key, value in (("account", account), ("region", region)) if value}
        return list(self._call("GET", "state", query=query)["accounts"])

    def streams(self, account: str | None = None, region: str | None = None) -> dict[str, Any]:
        """The Kinesis streams of one account and region in the state
        summary, by name: by default the server's default account and
        ``AWS_DEFAULT_REGION`` (else us-east-1), as ``km.streams()`` reads."""
        account = account or str(self.health()["account"])
        region = region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        for place in self.state(account, region):
            return {stream["name"]: stream for stream in place["streams"]}
        return {}

    # -- faults, journal, clock --------------------------------------------------

    def fail(self, operation: str | list[str], error: str, **options: Any) -> dict[str, Any]:
        """Arrange failing calls, as ``km.faults.fail`` does (no predicates)."""
        return dict(
            self._call("POST", "faults", {"operation": operation, "error": error, **options})[
                "fault"
            ]
        )

    def delay(self, operation: str | list[str], seconds: float, **options: Any) -> dict[str, Any]:
        body = {"kind": "delay", "operation": operation, "seconds": seconds, **options}
        return dict(self._call("POST", "faults", body)["fault"])

    def fail_records(self, **options: Any) -> dict[str, Any]:
        """Arrange failing PutRecords entries (``index``, ``partition_key``, ``shard``)."""
        return dict(self._call("POST", "faults", {"kind": "fail_records", **options})["fault"])

    def faults(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "faults")["faults"])

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def calls(self, **filters: Any) -> list[dict[str, Any]]:
        """The journal, filtered by operation, service, stream, error, ok,
        account, region."""
        query = {
            key: ("true" if value else "false") if isinstance(value, bool) else str(value)
            for key, value in filters.items()
        }
        return list(self._call("GET", "calls", query=query)["calls"])

    def clear_calls(self) -> None:
        self._call("DELETE", "calls")

    def now(self) -> float:
        return float(self._call("GET", "clock")["now"])

    def advance(self, seconds: float) -> float:
        """Move the server's clock ahead; returns the new time."""
        return float(self._call("POST", "clock", {"advance": seconds})["now"])

    # -- transport ---------------------------------------------------------------

    def _call(
        self,
        method: str,
        resource: str,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        url = self.base + resource
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self._context
            ) as answer:
                document: dict[str, Any] = json.loads(answer.read() or b"{}")
                return document
        except urllib.error.HTTPError as refused:
            try:
                message = json.loads(refused.read()).get("error", refused.reason)
            except ValueError:
                message = str(refused.reason)
            raise AdminError(refused.code, str(message)) from None

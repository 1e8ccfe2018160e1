"""botocore transport: a ``before-send`` handler answers mocked services.

The handler is registered in botocore's built-in handlers when kinesis_mock
is imported, so every session and client created afterwards carries it; it
answers only while a mock is active and only for the services we mock, which
it learns from the event name botocore gives (``before-send.<service id>.<op>``).

Clients created before kinesis_mock was imported do not carry the handler;
for them a guard on ``Endpoint._send`` answers mocked services from the
request's signature scope, so a mocked call never reaches the network.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

from botocore import handlers as botocore_handlers
from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint

from ..protocol.auth import credential_scope
from ..protocol.dispatch import handle
from ..protocol.wire import Response
from ..services.catalog import service_for_event_id, service_for_signing_name
from .convert import to_request


class _Switch:
    """How many mocks are active; the transports answer only while it is > 0."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.depth = 0

    def enter(self) -> int:
        with self._lock:
            self.depth += 1
            return self.depth

    def exit(self) -> int:
        with self._lock:
            self.depth -= 1
            return self.depth

    @property
    def active(self) -> bool:
        return self.depth > 0


SWITCH = _Switch()


class _RawBody:
    """The part of urllib3's response that botocore reads a body through; an
    event stream's messages are produced as botocore reads them."""

    def __init__(self, body: bytes | Iterator[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter([body]) if isinstance(body, bytes) else body

    def stream(self, amt: int | None = None, decode_content: bool = True) -> Iterator[bytes]:
        for chunk in self._chunks:
            if chunk:
                yield chunk

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        return b"".join(self._chunks)

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


def to_botocore_response(url: str, response: Response) -> AWSResponse:
    # AWSResponse makes its own case-insensitive copy of the headers.
    return AWSResponse(url, response.status, response.headers, _RawBody(response.body))


def before_send(request: Any, event_name: str = "", **kwargs: Any) -> AWSResponse | None:
    if not SWITCH.active:
        return None
    service_id, _, operation = event_name.partition(".")[2].partition(".")
    service = service_for_event_id(service_id)
    if service is None:
        return None
    plain = to_request(request.method, request.url, request.headers, request.body, operation)
    return to_botocore_response(request.url, handle(service, plain))


_original_send = Endpoint._send


def _guarded_send(self: Endpoint, request: Any) -> Any:
    if SWITCH.active:
        plain = to_request(request.method, request.url, request.headers, request.body)
        service = service_for_signing_name(credential_scope(plain).service, plain.path)
        if service is not None:
            return to_botocore_response(request.url, handle(service, plain))
    return _original_send(self, request)


_HANDLER_SPEC = ("before-send", before_send)


def install() -> None:
    """Register the handler for sessions created from now on (idempotent)."""
    if _HANDLER_SPEC not in botocore_handlers.BUILTIN_HANDLERS:
        botocore_handlers.BUILTIN_HANDLERS.append(_HANDLER_SPEC)
    Endpoint._send = _guarded_send


def _default_session() -> Any:
    boto3 = sys.modules.get("boto3")
    return getattr(boto3, "DEFAULT_SESSION", None)


# boto3's default session, if it was made before this module was imported:
# only such a session lacks the handler (later ones get it from the built-in
# handlers, and registering it twice would answer every call twice).
_SESSION_BEFORE_IMPORT = _default_session()


def register_on_default_session() -> None:
    """Add the handler to boto3's default session if it was made before import."""
    session = _default_session()
    if session is not None and session is _SESSION_BEFORE_IMPORT:
        session._session.register("before-send", before_send, unique_id="kinesis-mock")

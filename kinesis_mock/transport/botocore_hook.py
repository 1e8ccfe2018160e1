"""botocore transport: a ``before-send`` handler answers mocked services.

The handler is registered first among botocore's built-in handlers when the
first mock starts (:func:`install`; importing kinesis_mock patches nothing),
so every session and client created afterwards runs it before any other
(moto's included); it answers only while a mock is active and only for the
services we mock, which it learns from the event name botocore gives
(``before-send.<service id>.<op>``).

Clients created before the first mock started do not carry the handler;
for them a guard on ``Endpoint._send`` (and aiobotocore's ``AioEndpoint._send``)
recognises mocked services from every signal the request carries (see
:mod:`.recognise`), so a mocked call never reaches the network, signed or not.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from botocore import handlers as botocore_handlers
from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint

from ..pipeline import handle
from ..protocol.wire import Response
from ..services.catalog import service_for_event_id
from .aio import AsyncContent, DualResponse
from .convert import to_request
from .recognise import LOCAL_SERVERS, recognise
from .seal import Depth, refuse_if_sealed

# Active mocks: the transports answer only while there is one.
SWITCH = Depth()


class _RawBody:
    """The part of urllib3's response that botocore reads a body through (and,
    as ``content``, of aiohttp's that aiobotocore reads); an event stream's
    messages are produced as they are read."""

    def __init__(self, url: str, body: bytes | Iterator[bytes]) -> None:
        # A whole body (not an event stream), which DualResponse.content
        # takes as it is.
        self.whole = body if isinstance(body, bytes) else None
        self._chunks: Iterator[bytes] = iter([body]) if isinstance(body, bytes) else body
        self.url = url
        self._content: AsyncContent | None = None

    @property
    def content(self) -> AsyncContent:
        """aiohttp's reader, made when aiobotocore first reads through it."""
        if self._content is None:
            self._content = AsyncContent(self._chunks)
        return self._content

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

    release = close  # aiohttp's name


def to_botocore_response(url: str, response: Response) -> AWSResponse:
    # AWSResponse makes its own case-insensitive copy of the headers.
    return DualResponse(url, response.status, response.headers, _RawBody(url, response.body))


def before_send(request: Any, event_name: str = "", **kwargs: Any) -> AWSResponse | None:
    if not SWITCH.active:
        return None
    service_id, _, operation = event_name.partition(".")[2].partition(".")
    service = service_for_event_id(service_id)
    if service is None or (LOCAL_SERVERS and urlsplit(request.url).netloc in LOCAL_SERVERS):
        return None
    plain = to_request(request.method, request.url, request.headers, request.body, operation)
    return to_botocore_response(request.url, handle(service, plain))


def _answer_unhandled(endpoint: Any, request: Any) -> AWSResponse | None:
    """For a request no before-send handler answered (its client predates
    the handler): our answer if it is ours; otherwise ``None`` to send it,
    unless the active mock refuses other services."""
    if not SWITCH.active:
        return None
    prefix = getattr(endpoint, "_endpoint_prefix", None)
    recognised = recognise(request.url, request.headers, prefix)
    if recognised is None:
        refuse_if_sealed(request.url, prefix, any_endpoint=True)
        return None
    plain = to_request(request.method, request.url, request.headers, request.body)
    return to_botocore_response(request.url, handle(recognised.service, plain))


_original_send = Endpoint._send


def _guarded_send(self: Endpoint, request: Any) -> Any:
    answer = _answer_unhandled(self, request)
    if answer is not None:
        return answer
    return _original_send(self, request)


# First among the built-in handlers: a mocked call is ours even when another
# mock (moto's) also registered a before-send handler.
_HANDLER_SPEC = ("before-send", before_send, botocore_handlers.REGISTER_FIRST)


_installed = False


def install() -> None:
    """Register the handler for sessions created from now on, and guard the
    send paths of clients made before. Done once, when the first mock starts
    (a mock's ``start`` calls it each time; later calls return at once)."""
    global _installed, _session_before_install
    if _installed:
        return
    _installed = True
    # boto3's default session, if made before now: only such a session lacks
    # the handler (later ones get it from the built-in handlers).
    _session_before_install = _default_session()
    if _HANDLER_SPEC not in botocore_handlers.BUILTIN_HANDLERS:
        botocore_handlers.BUILTIN_HANDLERS.append(_HANDLER_SPEC)
    Endpoint._send = _guarded_send
    _guard_aiobotocore()


def _guard_aiobotocore() -> None:
    """aiobotocore's endpoint has its own (async) send path; guard it too if
    aiobotocore is imported. Called on install and whenever a mock starts."""
    module = sys.modules.get("aiobotocore.endpoint")
    endpoint = getattr(module, "AioEndpoint", None)
    if endpoint is None or getattr(endpoint._send, "_kinesis_mock_guard", False):
        return
    original = endpoint._send

    async def guarded(self: Any, request: Any) -> Any:
        answer = _answer_unhandled(self, request)
        if answer is not None:
            return answer
        return await original(self, request)

    guarded._kinesis_mock_guard = True  # type: ignore[attr-defined]
    endpoint._send = guarded


def ensure_guards() -> None:
    """Re-check the guards when a mock starts: aiobotocore may have been
    imported since, and moto's stubber must leave our services to us."""
    _guard_aiobotocore()
    _defer_moto()
    _defer_moto_requests()


def _defer_moto() -> None:
    """moto's before-send stubber answers every AWS service it knows. On a
    session made before our handler existed, it would answer Kinesis calls
    from its own state; while a mock of ours is active it declines them."""
    module = sys.modules.get("moto.core.botocore_stubber")
    stubber = getattr(module, "BotocoreStubber", None)
    if stubber is None or getattr(stubber.__call__, "_kinesis_mock_guard", False):
        return
    original = stubber.__call__

    def call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if SWITCH.active and (
            service_for_event_id(event_name.partition(".")[2].partition(".")[0]) is not None
        ):
            return None
        return original(self, event_name, request, **kwargs)

    call._kinesis_mock_guard = True  # type: ignore[attr-defined]
    stubber.__call__ = call


def _defer_moto_requests() -> None:
    """moto's ``responses`` mock sees raw ``requests`` calls before ours when
    it started after ours; it hands ours back."""
    moto_mock = getattr(sys.modules.get("moto.core.models"), "responses_mock", None)
    if moto_mock is None or getattr(moto_mock._on_request, "_kinesis_mock_guard", False):
        return
    from . import requests_hook  # moto's mock brings responses: loading ours costs little

    original = moto_mock._on_request

    def on_request(adapter: Any, request: Any, **kwargs: Any) -> Any:
        answer = requests_hook.answer_if_ours(adapter, request, **kwargs)
        return answer if answer is not None else original(adapter, request, **kwargs)

    on_request._kinesis_mock_guard = True  # type: ignore[attr-defined]
    moto_mock._on_request = on_request


def _default_session() -> Any:
    boto3 = sys.modules.get("boto3")
    return getattr(boto3, "DEFAULT_SESSION", None)


# boto3's default session, if it was made before install(): only such a
# session lacks the handler (later ones get it from the built-in handlers,
# and registering it twice would answer every call twice).
_session_before_install: Any = None


def register_on_default_session() -> None:
    """Add the handler to boto3's default session if it was made before install()."""
    session = _default_session()
    if session is not None and session is _session_before_install:
        session._session.get_component("event_emitter").register_first(
            "before-send", before_send, unique_id="kinesis-mock"
        )

"""HTTP transport: the same engine as an ASGI application.

Served by hypercorn (HTTP/1.1, HTTP/2, TLS) through :mod:`kinesis_mock.server`;
each request is turned into the engine's plain Request and answered by the
same pipeline as in-process calls. Handlers run in a worker thread, so a slow
call never stalls the event loop. A bug in the mock is answered as a 500
InternalFailure naming it, and logged once with its traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

from ..protocol.auth import credential_scope
from ..protocol.dispatch import EventStream, handle, internal_failure
from ..protocol.wire import Request, Response
from ..registry import Registry
from ..services.base import ServiceDefinition
from ..services.catalog import SERVICES, service_for_signing_name

log = logging.getLogger("kinesis_mock.server")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_KINESIS_TARGET = "Kinesis_20131202."
# Largest request body read. Bodies up to it reach the pipeline, which answers
# an oversized request with the service's own errors (a 10 MiB PutRecords
# batch is ~14 MiB of base64 JSON); beyond it the server answers 413 without
# buffering the rest, as the service's front end does.
MAX_BODY = 64 * 1024 * 1024


class _TooLarge(Exception):
    pass


def _service_for(request: Request) -> ServiceDefinition:
    scope = credential_scope(request)
    if scope.service is not None:
        service = service_for_signing_name(scope.service, request.path)
        if service is not None:
            return service
    target = request.header("X-Amz-Target") or ""
    if target.startswith(_KINESIS_TARGET) or request.path in ("", "/"):
        return SERVICES["kinesis"]
    service = service_for_signing_name("kinesisvideo", request.path)
    return service if service is not None else SERVICES["kinesis"]


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionAbortedError("client went away mid-request")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge(size)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


App = Callable[[Scope, Receive, Send], Awaitable[None]]


def make_app(registry: Registry) -> App:
    """The ASGI application answering from ``registry``'s state."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await _serve(registry, scope, receive, send)

    return app


async def _serve(registry: Registry, scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    try:
        body = await _body(receive)
    except ConnectionAbortedError:
        return  # nothing to answer, nothing stored
    except _TooLarge:
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"text/plain"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": b"Request Entity Too Large"})
        return
    headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
    request = Request(
        method=scope["method"],
        path=scope["path"],
        headers=_CaseInsensitive(headers),
        body=body,
        query=parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True),
        verify_signature=True,
    )
    loop = asyncio.get_running_loop()
    service = _service_for(request)
    target = request.header("X-Amz-Target") or ""
    try:
        response: Response = await loop.run_in_executor(None, handle, service, request, registry)
    except Exception as error:  # a bug in the mock: say so, not "AWS is down"
        log.exception(
            "kinesis-mock internal error answering %s %s %s", request.method, request.path, target
        )
        response = internal_failure(service, request, error)
    log.info("%s %s %s -> %d", request.method, request.path, target, response.status)
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": [
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()
            ],
        }
    )
    if isinstance(response.body, bytes):
        await send({"type": "http.response.body", "body": response.body})
        return
    # An event stream: each message goes out as the engine produces it.
    chunks: Iterator[bytes] = response.body
    while True:
        try:
            chunk = await loop.run_in_executor(None, next, chunks, None)
        except Exception as error:
            log.exception("kinesis-mock internal error in the event stream of %s", target)
            if not isinstance(chunks, EventStream):
                return  # the connection is cut: the client sees it fail
            chunk = chunks.failure_frame(error)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            break
        if chunk is None:
            break
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


class _CaseInsensitive(dict[str, str]):
    """Header lookup regardless of case (HTTP/2 sends lower-case names)."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__({key.lower(): value for key, value in headers.items()})

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

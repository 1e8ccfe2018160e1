"""HTTP transport: the same engine as an ASGI application.

Served by hypercorn (HTTP/1.1, HTTP/2, TLS) through :mod:`kinesis_mock.server`;
each request is turned into the engine's plain Request and answered by the
same pipeline as in-process calls. Handlers run in a worker thread, so a slow
call never stalls the event loop (but for the Kinesis calls a plain-HTTP/1.1
server answers on the loop, :mod:`kinesis_mock.transport.http1`, which cost a
fraction of hypercorn's per-request machinery); an event stream waiting for
its next event holds no thread (it is polled from the loop), so any number of subscribers
leave other calls answering at once. A bug in the mock is answered as a 500
InternalFailure naming it, and logged once with its traceback. Pages in a
browser may call it (CORS: :mod:`kinesis_mock.transport.cors`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

from ..pipeline import EventStream, internal_failure
from ..protocol.wire import Request, Response
from ..registry import Registry
from ..services.base import ServiceDefinition
from ..services.catalog import SERVICES, service_for_path, signing_name_of
from . import admin, cors, media_urls
from .recognise import recognise_request

log = logging.getLogger("kinesis_mock.server")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# Largest request body read. Bodies up to it reach the pipeline, which answers
# an oversized request with the service's own errors (a 10 MiB PutRecords
# batch is ~14 MiB of base64 JSON); beyond it the server answers 413 without
# buffering the rest, as the service's front end does.
MAX_BODY = 64 * 1024 * 1024


class _TooLarge(Exception):
    pass


class _Stalled(Exception):
    pass


def _service_for(request: Request) -> tuple[ServiceDefinition[Any], str]:
    """The mocked service a request to the server is for, and the signing
    name its credential must carry. Everything sent here is ours: without a
    signal naming a service, the path goes by the services' operation URIs
    (``/`` is Kinesis Data Streams'), and the catalog's first service
    answers the rest."""
    recognised = recognise_request(request)
    if recognised is not None:
        return recognised.service, recognised.signing_name
    service = service_for_path(request.path) or next(iter(SERVICES.values()))
    return service, signing_name_of(service)


async def _body(receive: Receive, timeout: float | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            message = await asyncio.wait_for(receive(), timeout)
        except asyncio.TimeoutError:
            raise _Stalled from None
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


def make_app(
    registry: Registry, *, read_timeout: float | None = None, admin_anywhere: bool = False
) -> ServerApp:
    """The ASGI application answering from ``registry``'s state."""
    return ServerApp(registry, read_timeout, admin_anywhere)


class ServerApp:
    """The ASGI application of one server. ``read_timeout``: seconds a client
    may pause in the middle of sending a request body (None: no limit).
    ``admin_anywhere``: answer the admin API from any client, not only this
    machine's."""

    def __init__(
        self, registry: Registry, read_timeout: float | None, admin_anywhere: bool = False
    ) -> None:
        self.registry = registry
        self.read_timeout = read_timeout
        self.admin_anywhere = admin_anywhere
        self._closing = False
        self._ticker: _Ticker | None = None

    def close(self) -> None:
        """End open event streams at their next poll (the server is stopping;
        any thread may call it)."""
        self._closing = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http":
            await self._serve(scope, receive, send)
        elif scope["type"] == "websocket":
            # No WebSocket signaling is served: refuse the handshake cleanly
            # (403) rather than leave hypercorn to answer a bare 500.
            await receive()
            await send({"type": "websocket.close", "code": 1008})

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _CaseInsensitive(
            {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        )
        allow = cors.response_headers(headers)
        try:
            body = await _body(receive, self.read_timeout)
        except ConnectionAbortedError:
            return  # nothing to answer, nothing stored
        except _TooLarge:
            await _plain(send, 413, b"Request Entity Too Large", allow)
            return
        except _Stalled:
            log.info("closing a connection whose request body stalled for %ss", self.read_timeout)
            await _plain(send, 408, b"Request Timeout", allow)
            return
        preflight = cors.preflight_headers(scope["method"], headers)
        if preflight is not None:
            await _start(send, 200, preflight)
            await send({"type": "http.response.body", "body": b""})
            return
        request = Request(
            method=scope["method"],
            path=scope["path"],
            headers=headers,
            body=body,
            query=parse_qs(
                scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
            ),
            verify_signature=True,
        )
        loop = asyncio.get_running_loop()
        if admin.is_admin(request.path):
            client = scope.get("client")
            answered = await loop.run_in_executor(
                None,
                admin.answer,
                self.registry,
                request,
                client[0] if client else None,
                self.admin_anywhere,
            )
            log.info("%s %s -> %d", request.method, request.path, answered.status)
            await _start(send, answered.status, {**answered.headers, **allow})
            await send({"type": "http.response.body", "body": answered.body})
            return
        response: Response = await loop.run_in_executor(None, self.answer, request)
        target = request.header("X-Amz-Target") or ""
        await _start(send, response.status, whole_headers(response, allow))
        if isinstance(response.body, bytes):
            await send({"type": "http.response.body", "body": response.body})
            return
        # An event stream: each message goes out as the engine produces it.
        # After the body the next message is the client going away.
        gone = asyncio.ensure_future(receive())
        try:
            completed = await self._stream(response.body, gone, send, target)
        finally:
            gone.cancel()
            close = getattr(response.body, "close", None)
            if close is not None:
                close()
        if completed:
            await send({"type": "http.response.body", "body": b""})

    def answer(self, request: Request) -> Response:
        """The engine's answer to a request that is not for the admin API
        (run in a worker thread, or on the loop by the HTTP/1.1 fast path:
        :mod:`kinesis_mock.transport.http1`)."""
        # A request signed for another service is refused as the mocked
        # service's endpoint would refuse it.
        service, request.signing_name = _service_for(request)
        target = request.header("X-Amz-Target") or ""
        try:
            response = media_urls.answer(service, request, self.registry)
        except Exception as error:  # a bug in the mock: say so, not "AWS is down"
            log.exception(
                "kinesis-mock internal error answering %s %s %s",
                request.method,
                request.path,
                target,
            )
            response = internal_failure(service, request, error)
        if log.isEnabledFor(logging.INFO):
            log.info("%s", _request_line(request, target, response))
        return response

    async def _stream(
        self, chunks: Iterator[bytes], gone: asyncio.Future[Any], send: Send, target: str
    ) -> bool:
        """Send ``chunks`` until they end, the client goes or the server
        stops; False when the response cannot be completed."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                if isinstance(chunks, EventStream):
                    # Wait for the next event here, holding no thread.
                    while not chunks.ready():
                        if self._closing or gone.done():
                            return True
                        await self._tick(chunks.poll_seconds)
                if self._closing or gone.done():
                    return True
                chunk = await loop.run_in_executor(None, next, chunks, None)
            except Exception as error:
                log.exception("kinesis-mock internal error in the event stream of %s", target)
                if not isinstance(chunks, EventStream):
                    return False  # the connection is cut: the client sees it fail
                chunk = chunks.failure_frame(error)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                return True
            if chunk is None:
                return True
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def _tick(self, seconds: float) -> None:
        if self._ticker is None:
            self._ticker = _Ticker(seconds)
        await self._ticker.tick()


def whole_headers(response: Response, allow: dict[str, str]) -> dict[str, str]:
    """The headers ``response`` is sent with: its own, the CORS ones
    (``allow``) and, for a whole body, its length (never chunked)."""
    answer = {**response.headers, **allow}
    if (
        isinstance(response.body, bytes)
        and "Content-Length" not in answer
        and not any(name.lower() == "content-length" for name in answer)
    ):
        answer["Content-Length"] = str(len(response.body))
    return answer


def _request_line(request: Request, target: str, response: Response) -> str:
    """What the request log says of one call: ``POST / Kinesis_20131202.DescribeStream
    -> 400 ResourceNotFoundException`` (the error code as ``x-amzn-ErrorType``
    carries it, without the ``:``-suffix some services add)."""
    error = _CaseInsensitive(response.headers).get("x-amzn-errortype") or ""
    parts = (request.method, request.path, target, "->", str(response.status))
    return " ".join((*(part for part in parts if part), error.partition(":")[0])).rstrip()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _start(send: Send, status: int, headers: dict[str, str]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        }
    )


async def _plain(send: Send, status: int, text: bytes, extra: dict[str, str]) -> None:
    """A short text answer that closes the connection."""
    headers = {
        "Content-Type": "text/plain",
        "Content-Length": str(len(text)),
        "Connection": "close",
        **extra,
    }
    await _start(send, status, headers)
    await send({"type": "http.response.body", "body": text})


class _Ticker:
    """Wakes the event streams waiting on one loop every ``interval`` of real
    time. A thread, not the loop's timers: a test may freeze
    ``time.monotonic`` (freezegun), and the loop's clock with it, while a
    subscription still waits real seconds. The thread runs while some stream
    waits."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._waiters: list[asyncio.Future[None]] = []
        self._generation = 0  # the thread of this generation is the running one
        self._running = False

    async def tick(self) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiters.append(future)
        if not self._running:
            self._running = True
            self._generation += 1
            threading.Thread(
                target=self._run,
                args=(loop, self._generation),
                name="kinesis-mock-ticker",
                daemon=True,
            ).start()
        await future

    def _run(self, loop: asyncio.AbstractEventLoop, generation: int) -> None:
        sleeper = threading.Event()
        while generation == self._generation:
            sleeper.wait(self._interval)
            try:
                loop.call_soon_threadsafe(self._wake, generation)
            except RuntimeError:  # the loop has closed
                return

    def _wake(self, generation: int) -> None:
        if generation != self._generation:
            return
        waiters, self._waiters = self._waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(None)
        if not waiters:
            # Nobody waits: this thread stops; the next tick starts another.
            self._running = False
            self._generation += 1


class _CaseInsensitive(dict[str, str]):
    """Header lookup regardless of case (HTTP/2 sends lower-case names)."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__({key.lower(): value for key, value in headers.items()})

    @classmethod
    def lowered(cls, headers: dict[str, str]) -> _CaseInsensitive:
        """From ``headers`` whose names are lower-case already (no copy of
        each name)."""
        made = cls.__new__(cls)
        dict.update(made, headers)
        return made

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

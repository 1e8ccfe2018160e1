"""The HTTP/1.1 fast path: Kinesis Data Streams calls answered on the event
loop, without hypercorn's per-request machinery.

hypercorn (h11, its task groups and timers, a worker thread per call) spent
~0.7 ms of CPU on each request to a plain-HTTP server, ten times what the
engine spends answering a ListShards; kinesalite spends 0.5 ms in all
(benchmarks/server_peers.py). So on a plain-HTTP server each connection
starts here: a request that is a whole HTTP/1.1 ``POST /`` with a
Content-Length and an ``X-Amz-Target`` naming an operation the catalog
answers in one response (Kinesis Data Streams' calls but SubscribeToShard,
whose answer is an event stream) is answered at once, in the loop's thread,
by the same :meth:`ServerApp.answer
<kinesis_mock.transport.server.ServerApp.answer>` hypercorn's path uses; its
answer carries the same headers. Anything else — HTTP/2, an upgrade, a
chunked or ``Expect: 100-continue`` body, Kinesis Video, the admin API, a
CORS preflight, a malformed request, armed faults (a delay would stall the
loop) — hands the connection, with the bytes already read, to hypercorn,
which serves it from then on as if it had accepted it.

The hand-off is at the point where hypercorn accepts connections: its
``asyncio.start_server`` call, for the listening sockets registered here
(another hypercorn server in the process is served as before). Should a
later hypercorn accept connections some other way, every connection is
hypercorn's, as before this path existed.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import http
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ..protocol.wire import Request
from ..services.catalog import answers_in_one_response
from . import cors
from .server import ServerApp, _CaseInsensitive, whole_headers

log = logging.getLogger("kinesis_mock.server")

# Bodies up to this size are read here; a larger one goes to hypercorn.
FAST_BODY_LIMIT = 16 * 1024 * 1024
# A request head still incomplete at this size goes to hypercorn (which
# answers it as too large).
HEAD_LIMIT = 64 * 1024
# Answered with hypercorn; the fast path leaves them to it.
_HAND_OFF_HEADERS = frozenset(("transfer-encoding", "upgrade", "expect", "http2-settings"))

ConnectedCallback = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class _Listener:
    """What one registered listening socket serves with."""

    def __init__(self, app: ServerApp, keep_alive_timeout: float, read_timeout: float | None):
        self.app = app
        self.keep_alive_timeout = keep_alive_timeout
        self.read_timeout = read_timeout
        self.connections: set[_Connection] = set()


# Listening sockets served by this fast path, by file descriptor.
_LISTENERS: dict[int, _Listener] = {}


def register(
    fd: int, app: ServerApp, *, keep_alive_timeout: float, read_timeout: float | None
) -> None:
    """Serve the connections hypercorn accepts on the socket ``fd`` here
    first (call :func:`install` once, and :func:`unregister` at the end)."""
    _LISTENERS[fd] = _Listener(app, keep_alive_timeout, read_timeout)


def unregister(fd: int) -> None:
    _LISTENERS.pop(fd, None)


class _AsyncioOfHypercorn:
    """What hypercorn's serving module sees as ``asyncio``: the module
    itself, but ``start_server`` on a registered plain socket starts the
    fast path's connections."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def start_server(self, client_connected_cb: ConnectedCallback, **kwargs: Any) -> Any:
        sock = kwargs.get("sock")
        listener = None if sock is None else _LISTENERS.get(sock.fileno())
        if listener is None or kwargs.get("ssl") is not None:
            return await asyncio.start_server(client_connected_cb, **kwargs)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _Connection(listener, client_connected_cb), **kwargs
        )
        return _Server(server, listener)


class _Server:
    """The listening server hypercorn closes when it stops: closing it also
    closes the fast path's connections (each is between two requests: they
    are answered without yielding to the loop)."""

    def __init__(self, server: asyncio.AbstractServer, listener: _Listener) -> None:
        self._server = server
        self._listener = listener

    def close(self) -> None:
        self._server.close()
        for connection in list(self._listener.connections):
            connection.close()

    async def wait_closed(self) -> None:
        await self._server.wait_closed()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)


def install() -> bool:
    """Have hypercorn's asyncio server start registered sockets' connections
    here; False when this hypercorn does not accept connections as expected
    (then it serves them all, as before)."""
    try:
        import hypercorn.asyncio.run as serving
    except ImportError:
        return False
    current = getattr(serving, "asyncio", None)
    if isinstance(current, _AsyncioOfHypercorn):
        return True
    if current is not asyncio:
        return False
    setattr(serving, "asyncio", _AsyncioOfHypercorn())  # noqa: B010 (a module global)
    return True


_date_cache: tuple[int, str] = (0, "")


def _date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


@functools.cache
def _status_line(status: int) -> str:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return f"HTTP/1.1 {status} {reason}"


class _Connection(asyncio.Protocol):
    """One client connection, answered here until a request needs hypercorn."""

    def __init__(self, listener: _Listener, handed_to: ConnectedCallback) -> None:
        self._listener = listener
        self._handed_to = handed_to
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._timer: asyncio.TimerHandle | None = None
        self._deadline: float | None = None
        self._eof = False
        self._paused = False  # the client reads its answers too slowly

    # -- asyncio.Protocol ----------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._listener.connections.add(self)
        self._wait(self._listener.keep_alive_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._listener.connections.discard(self)
        self._stop_timer()
        self._transport = None

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._paused:
            self._answer_what_is_whole()

    def eof_received(self) -> bool | None:
        self._eof = True
        if self._buffer:
            self._hand_off()  # hypercorn answers what a half-closed client sent
            return True
        return None  # close

    def pause_writing(self) -> None:
        self._paused = True
        if self._transport is not None:
            self._transport.pause_reading()

    def resume_writing(self) -> None:
        self._paused = False
        if self._transport is not None:
            self._transport.resume_reading()
            self._answer_what_is_whole()

    # -- the fast path ---------------------------------------------------------

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def _answer_what_is_whole(self) -> None:
        while self._transport is not None and self._buffer and not self._paused:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > HEAD_LIMIT:
                    self._hand_off()
                else:
                    self._wait(self._listener.read_timeout)
                return
            parsed = self._parse_head(bytes(self._buffer[:end]))
            if parsed is None:
                self._hand_off()
                return
            headers, length, close = parsed
            start = end + 4
            if len(self._buffer) < start + length:
                self._wait(self._listener.read_timeout)
                return  # the rest of the body is on its way
            body = bytes(self._buffer[start : start + length])
            del self._buffer[: start + length]
            self._cancel_timer()
            self._answer(headers, body, close)
        if self._transport is not None and not self._buffer:
            self._wait(self._listener.keep_alive_timeout)

    def _parse_head(self, head: bytes) -> tuple[dict[str, str], int, bool] | None:
        """The headers (lower-case names), body length and whether to close
        after answering, of a request the fast path answers; None for any
        other (hypercorn's)."""
        if self._listener.app.registry.faults.armed:
            return None
        text = head.decode("latin-1")
        lines = text.split("\r\n")
        # A bare LF (a line end h11 reads its own way) is hypercorn's to answer.
        if lines[0] != "POST / HTTP/1.1" or text.count("\n") != len(lines) - 1:
            return None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip() or " " in name or "\t" in name:
                return None  # malformed, or a folded line: hypercorn's answer
            headers[name.lower()] = value.strip(" \t")
        if len(headers) != len(lines) - 1:
            return None  # a header sent twice (Content-Length, say): hypercorn's
        target = headers.get("x-amz-target", "")
        # Calls answered in one response (SubscribeToShard's event stream is
        # hypercorn's), of the services the catalog lists by target prefix.
        if not answers_in_one_response(target):
            return None
        if not _HAND_OFF_HEADERS.isdisjoint(headers):
            return None
        length_text = headers.get("content-length", "0")
        if not length_text.isdigit() or not length_text.isascii():
            return None
        length = int(length_text)
        if length > FAST_BODY_LIMIT:
            return None
        close = "close" in headers.get("connection", "").lower()
        return headers, length, close

    def _answer(self, headers: dict[str, str], body: bytes, close: bool) -> None:
        transport = self._transport
        assert transport is not None
        app = self._listener.app
        request = Request(
            method="POST",
            path="/",
            headers=_CaseInsensitive.lowered(headers),
            body=body,
            query={},
            verify_signature=True,
        )
        response = app.answer(request)
        if not isinstance(response.body, bytes):
            # Not a call answered here after all: nothing is sent rather
            # than a wrong answer.
            log.error("kinesis-mock: an event stream answered %s", headers.get("x-amz-target"))
            close_body = getattr(response.body, "close", None)
            if close_body is not None:
                close_body()
            transport.abort()
            return
        sent = whole_headers(response, cors.response_headers(headers))
        lines = [_status_line(response.status)]
        lines += [f"{name}: {value}" for name, value in sent.items()]
        lines.append(f"Date: {_date()}")
        if close:
            lines.append("Connection: close")
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body)
        if close:
            transport.close()
            self._transport = None

    # -- timers and the hand-off -------------------------------------------------

    def _wait(self, seconds: float | None) -> None:
        """Close the connection (or give a partial request to hypercorn)
        when nothing arrives for ``seconds`` (None: no limit). One timer
        serves a connection's requests: moving the deadline later costs no
        timer of its own."""
        if seconds is None or self._transport is None:
            self._deadline = None
            return
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + seconds
        if self._timer is None or self._deadline < self._timer.when():
            self._arm(loop, self._deadline)

    def _arm(self, loop: asyncio.AbstractEventLoop, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_at(when, self._timed_out)

    def _cancel_timer(self) -> None:
        self._deadline = None

    def _stop_timer(self) -> None:
        self._deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if self._deadline is None or self._transport is None:
            return
        loop = asyncio.get_running_loop()
        if loop.time() < self._deadline:
            self._arm(loop, self._deadline)  # the deadline moved on meanwhile
        elif self._buffer:
            self._hand_off()  # hypercorn answers a stalled request as it does
        else:
            self.close()

    def _hand_off(self) -> None:
        """Give the connection, and what it sent that is not answered yet,
        to hypercorn, as if hypercorn had accepted it now."""
        transport = self._transport
        if transport is None:
            return
        self._stop_timer()
        self._listener.connections.discard(self)
        self._transport = None
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, self._handed_to, loop=loop)
        transport.set_protocol(protocol)
        protocol.connection_made(transport)
        if self._buffer:
            reader.feed_data(bytes(self._buffer))
            self._buffer.clear()
        if self._eof:
            reader.feed_eof()
        if self._paused:
            self._paused = False
            transport.resume_reading()

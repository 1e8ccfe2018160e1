"""HTTP/2: finish the streams in flight when the client sends GOAWAY.

The Node.js AWS SDK v3 (``NodeHttp2Handler``, one session per call) closes
its session with GOAWAY(NO_ERROR) as soon as the response headers arrive,
then reads the body. RFC 9113 section 6.8 lets the streams already open
complete after a GOAWAY (only new ones are refused), and the GOAWAY's
sender closes the connection once they have. Two layers of the stock stack
end them at once instead:

- h2 moves its connection state machine to CLOSED on receiving any GOAWAY
  (python-hyper/h2#1181, open), after which the server may send no more
  DATA and the client's WINDOW_UPDATEs are protocol errors;
- hypercorn's ``H2Protocol`` answers h2's ``ConnectionTerminated`` by
  closing the connection.

So a response larger than the client's 64 KiB flow-control window was cut
("Session closed with error code 1", truncated JSON) and a SubscribeToShard
event stream ended before its first event. Rust's h2 had the same bug
(hyperium/h2#886).

The fix, for the connections of a server whose config is a
:class:`GracefulConfig` (kinesis-mock's; another hypercorn server in the
same process keeps the stock behaviour): a GOAWAY(NO_ERROR) from the client
leaves the connection open. Its streams complete; then the client closes
the connection, as it said it would, or the keep-alive timeout does. The
server does not close it first: over TLS, a close while the client still
sends (its last WINDOW_UPDATE) ends in an SSL error hypercorn leaves
unhandled. A GOAWAY carrying an error still closes the connection at once.
"""

from __future__ import annotations

from typing import Any

import h2.errors
import h2.events
import hypercorn.protocol
from hypercorn.config import Config
from hypercorn.events import Closed
from hypercorn.protocol.h2 import H2Protocol
from hyperframe.frame import Frame, GoAwayFrame


class GracefulConfig(Config):
    """A hypercorn config whose HTTP/2 connections finish their open streams
    after the client's GOAWAY."""


class GracefulH2Protocol(H2Protocol):
    """hypercorn's HTTP/2 connection, which lets streams in flight complete
    after the client's GOAWAY(NO_ERROR) when its config is a
    :class:`GracefulConfig`."""

    def __init__(self, app: Any, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(app, config, *args, **kwargs)
        # h2 dispatches each received frame through this (private) table;
        # only the GOAWAY entry changes, for this connection only. Should a
        # later h2 drop the table, the connection keeps the stock behaviour.
        table = getattr(self.connection, "_frame_dispatch_table", {})
        self._graceful = isinstance(config, GracefulConfig) and GoAwayFrame in table
        if not self._graceful:
            return
        stock = table[GoAwayFrame]

        def receive_goaway(frame: GoAwayFrame) -> tuple[list[Frame], list[h2.events.Event]]:
            if frame.error_code != h2.errors.ErrorCodes.NO_ERROR:
                return stock(frame)  # type: ignore[no-any-return]
            # The stock handler, less its move to CLOSED and its discarding
            # of the frames not yet sent.
            event = h2.events.ConnectionTerminated()
            event.error_code = h2.errors.ErrorCodes.NO_ERROR
            event.last_stream_id = frame.last_stream_id
            event.additional_data = frame.additional_data or None
            return [], [event]

        table[GoAwayFrame] = receive_goaway

    async def _handle_events(self, events: list[h2.events.Event]) -> None:
        if not self._graceful:
            await super()._handle_events(events)
            return
        # The stock handling of ConnectionTerminated is to close at once.
        terminated = [e for e in events if isinstance(e, h2.events.ConnectionTerminated)]
        await super()._handle_events([e for e in events if e not in terminated])
        if any(e.error_code != h2.errors.ErrorCodes.NO_ERROR for e in terminated):
            await self.send(Closed())


def install() -> None:
    """Have hypercorn build its HTTP/2 connections with
    :class:`GracefulH2Protocol`, which behaves as the stock class unless the
    server's config is a :class:`GracefulConfig`."""
    hypercorn.protocol.H2Protocol = GracefulH2Protocol  # type: ignore[attr-defined]

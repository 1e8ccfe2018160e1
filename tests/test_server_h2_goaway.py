"""HTTP/2 streams in flight complete after the client's GOAWAY (RFC 9113
section 6.8), as the Node.js SDK, which closes its session as soon as the
response headers arrive, needs. Driven frame by frame with the h2 package."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import h2.config
import h2.connection
import h2.errors
import h2.events
import pytest
from hyperframe.frame import GoAwayFrame
from test_server import client_for, signed_headers

from kinesis_mock import server

RECORD = 100 * 1024


@pytest.fixture
def h2_server() -> Iterator[Any]:
    with server.start(port=0) as handle:
        kinesis = client_for(handle)
        kinesis.create_stream(StreamName="s", ShardCount=1)
        # Three times the client's 64 KiB flow-control window.
        for i in range(3):
            kinesis.put_record(StreamName="s", Data=bytes([i]) * RECORD, PartitionKey="k")
        yield handle


def _get_records_request(handle: Any) -> tuple[list[tuple[str, str]], bytes]:
    iterator = client_for(handle).get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    body = json.dumps({"ShardIterator": iterator}).encode()
    url = handle.endpoint_url + "/"
    signed = signed_headers(url, "GetRecords", body)
    headers = [
        (":method", "POST"),
        (":scheme", "http"),
        (":authority", f"{handle.host}:{handle.port}"),
        (":path", "/"),
        *((name.lower(), value) for name, value in signed.items()),
        ("content-length", str(len(body))),
    ]
    return headers, body


def _goaway(error_code: h2.errors.ErrorCodes) -> bytes:
    # Written past the client's state machine, which, like the server's,
    # would take no more frames once it has sent a GOAWAY.
    frame = GoAwayFrame(0)
    frame.last_stream_id = 0
    frame.error_code = error_code
    return bytes(frame.serialize())


def _exchange(handle: Any, error_code: h2.errors.ErrorCodes) -> tuple[int | None, bytes, bool]:
    """Send GetRecords on a new HTTP/2 connection, then GOAWAY as soon as
    the response headers arrive; returns the status, the body received and
    whether the stream ended."""
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    status = None
    body = b""
    with socket.create_connection((handle.host, handle.port), timeout=10) as sock:
        client.initiate_connection()
        headers, payload = _get_records_request(handle)
        client.send_headers(1, headers)
        client.send_data(1, payload, end_stream=True)
        sock.sendall(client.data_to_send())
        try:
            while data := sock.recv(65536):
                for event in client.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        status = int(dict(event.headers)[b":status"])
                        sock.sendall(client.data_to_send() + _goaway(error_code))
                    elif isinstance(event, h2.events.DataReceived):
                        body += event.data
                        client.acknowledge_received_data(event.flow_controlled_length, 1)
                    elif isinstance(event, h2.events.StreamEnded):
                        return status, body, True
                    elif isinstance(event, h2.events.StreamReset):
                        return status, body, False
                sock.sendall(client.data_to_send())
        except (BrokenPipeError, ConnectionResetError):
            pass
        return status, body, False  # the server closed the connection


def test_a_response_completes_after_the_clients_goaway(h2_server: Any) -> None:
    status, body, ended = _exchange(h2_server, h2.errors.ErrorCodes.NO_ERROR)
    assert (status, ended) == (200, True)
    records = json.loads(body)["Records"]
    assert len(records) == 3


def test_a_goaway_with_an_error_still_closes_at_once(h2_server: Any) -> None:
    status, body, ended = _exchange(h2_server, h2.errors.ErrorCodes.PROTOCOL_ERROR)
    assert status == 200
    assert not ended
    assert len(body) < 3 * RECORD

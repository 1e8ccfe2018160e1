"""The plain-HTTP/1.1 fast path (kinesis_mock.transport.http1): Kinesis
calls answered on the event loop, everything else handed to hypercorn on
the same connection, with the same answers. Read as raw HTTP/1.1 bytes."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any, BinaryIO

import pytest
from botocore.config import Config
from test_server import client_for, signed_headers

from kinesis_mock import server
from kinesis_mock.transport import http1


@pytest.fixture
def handle() -> Iterator[Any]:
    with server.start(port=0, read_timeout=2.0, keep_alive_timeout=2.0) as running:
        yield running


@pytest.fixture
def answered_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The targets the fast path answers (not hypercorn)."""
    targets: list[str] = []
    answer = http1._Connection._answer

    def spy(self: Any, headers: dict[str, str], body: bytes, close: bool) -> None:
        targets.append(headers["x-amz-target"].rpartition(".")[2])
        answer(self, headers, body, close)

    monkeypatch.setattr(http1._Connection, "_answer", spy)
    return targets


def kinesis(handle: Any, target: str, payload: dict[str, Any], **extra: str) -> bytes:
    body = json.dumps(payload).encode()
    headers = {**signed_headers(handle.endpoint_url + "/", target, body), **extra}
    lines = ["POST / HTTP/1.1", "Host: localhost"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_answer(stream: BinaryIO) -> tuple[int, dict[str, str], bytes]:
    """One answer from a kept-alive connection: status, headers (lower-case
    names) and the body its Content-Length frames."""
    status_line = stream.readline().decode("latin-1")
    headers = {}
    while (line := stream.readline().decode("latin-1").rstrip("\r\n")) != "":
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = stream.read(int(headers["content-length"]))
    return int(status_line.split()[1]), headers, body


def test_pipelined_calls_then_an_admin_request_on_one_connection(
    handle: Any, answered_here: list[str]
) -> None:
    with socket.create_connection((handle.host, handle.port), timeout=5) as sock:
        stream = sock.makefile("rb")
        sock.sendall(
            kinesis(handle, "CreateStream", {"StreamName": "s", "ShardCount": 2})
            + kinesis(handle, "ListShards", {"StreamName": "s"})
            + kinesis(handle, "DescribeStream", {"StreamName": "missing"})
        )
        created, listed, missing = (read_answer(stream) for _ in range(3))
        assert created[0] == 200
        assert [s["ShardId"] for s in json.loads(listed[2])["Shards"]] == [
            "shardId-000000000000",
            "shardId-000000000001",
        ]
        assert missing[0] == 400
        assert missing[1]["x-amzn-errortype"] == "ResourceNotFoundException"
        assert json.loads(missing[2])["__type"] == "ResourceNotFoundException"
        assert "date" in listed[1] and "x-amzn-requestid" in listed[1]
        # hypercorn takes the connection over for a request that is not a
        # Kinesis call, and answers it.
        sock.sendall(b"GET /_kinesis_mock/state HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, _, body = read_answer(stream)
        assert status == 200
        assert json.loads(body)
        # ... and the calls after it.
        sock.sendall(kinesis(handle, "ListStreams", {}))
        status, _, body = read_answer(stream)
        assert json.loads(body)["StreamNames"] == ["s"]
    assert answered_here == ["CreateStream", "ListShards", "DescribeStream"]


def test_a_body_arriving_in_parts_and_cors_headers(handle: Any, answered_here: list[str]) -> None:
    request = kinesis(handle, "ListStreams", {}, Origin="http://page.example")
    with socket.create_connection((handle.host, handle.port), timeout=5) as sock:
        stream = sock.makefile("rb")
        sock.sendall(request[:-5])
        time.sleep(0.1)
        sock.sendall(request[-5:])
        status, headers, body = read_answer(stream)
    assert status == 200
    assert json.loads(body)["StreamNames"] == []
    assert headers["access-control-allow-origin"] == "*"
    assert answered_here == ["ListStreams"]


def test_connection_close_is_honoured(handle: Any, answered_here: list[str]) -> None:
    with socket.create_connection((handle.host, handle.port), timeout=5) as sock:
        sock.sendall(kinesis(handle, "ListStreams", {}, Connection="close"))
        received = b""
        while chunk := sock.recv(65536):  # ends: the server closes
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nConnection: close\r\n" in received
    assert answered_here == ["ListStreams"]


def test_hypercorn_answers_what_the_fast_path_does_not(
    handle: Any, answered_here: list[str]
) -> None:
    client = client_for(handle, config=Config(retries={"total_max_attempts": 1}))
    client.create_stream(StreamName="s", ShardCount=1)
    # Armed faults (a delay would stall the loop) go to hypercorn.
    handle.registry.faults.fail("ListStreams", "LimitExceededException", times=1)
    with pytest.raises(client.exceptions.LimitExceededException):
        client.list_streams()
    assert client.list_streams()["StreamNames"] == ["s"]
    # The connection stays hypercorn's once handed over.
    assert answered_here == ["CreateStream"]


@pytest.mark.parametrize(
    "odd_line",
    [
        " folded-onto-the-previous: line",  # obsolete line folding
        "X-Twice: 1\r\nX-Twice: 2",  # a header sent twice
        "X-Bare: lf\nX-Other: 1",  # a line ended by a bare LF
        "Name With Space: 1",
    ],
)
def test_a_head_with_an_odd_line_is_answered_by_hypercorn(
    handle: Any, answered_here: list[str], odd_line: str
) -> None:
    # The fast path takes only heads whose every line is a plain header;
    # anything else gets hypercorn's answer on the same connection.
    request = kinesis(handle, "Kinesis_20131202.ListStreams", {})
    head, _, body = request.partition(b"\r\n\r\n")
    request = head + b"\r\n" + odd_line.encode() + b"\r\n\r\n" + body
    with socket.create_connection((handle.host, handle.port), timeout=5) as sock:
        sock.sendall(request)
        status_line = sock.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 ")
    assert answered_here == []


def test_a_connection_idle_after_its_calls_is_closed(answered_here: list[str]) -> None:
    with (
        server.start(port=0, keep_alive_timeout=0.3) as handle,
        socket.create_connection((handle.host, handle.port), timeout=5) as sock,
    ):
        stream = sock.makefile("rb")
        for _ in range(3):  # each call moves the deadline on
            sock.sendall(kinesis(handle, "ListStreams", {}))
            assert read_answer(stream)[0] == 200
            time.sleep(0.1)
        assert stream.read() == b""  # closed by the server
    assert answered_here == ["ListStreams"] * 3

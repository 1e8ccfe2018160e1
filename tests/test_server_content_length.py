"""Every whole answer the server sends carries its Content-Length, never
chunked, refusals included, as the service's front end sends them. Read as
raw HTTP/1.1 bytes, so nothing in a client library hides the framing."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from test_server import signed_headers

from kinesis_mock import server
from kinesis_mock.services.kinesis import KINESIS


@pytest.fixture(scope="module")
def handle() -> Iterator[Any]:
    with server.start(port=0, read_timeout=0.5) as running:
        yield running


def exchange(handle: Any, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as it is; the status, headers (lower-case names) and
    body of the answer, read until the server closes the connection."""
    with socket.create_connection((handle.host, handle.port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def http(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def kinesis(handle: Any, target: str, body: bytes) -> bytes:
    return http("POST", "/", signed_headers(handle.endpoint_url + "/", target, body), body)


def assert_framed(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, str]:
    got, headers, body = answer
    assert got == status
    assert "transfer-encoding" not in headers
    assert headers["content-length"] == str(len(body))
    return headers


def test_answers_and_errors(handle: Any) -> None:
    assert_framed(exchange(handle, kinesis(handle, "ListStreams", b"{}")), 200)
    headers = assert_framed(
        exchange(handle, kinesis(handle, "DescribeStream", b'{"StreamName":"gone"}')), 400
    )
    assert headers["x-amzn-errortype"] == "ResourceNotFoundException"


def test_refusals_before_any_operation(handle: Any) -> None:
    # No signature, no route: the front end's XML refusals.
    assert_framed(exchange(handle, http("GET", "/", {})), 403)
    untyped = http("POST", "/", {"X-Amz-Target": "Kinesis_20131202.ListStreams"}, b"{}")
    assert_framed(exchange(handle, untyped), 403)
    unsigned = http(
        "POST",
        "/",
        {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "Kinesis_20131202.ListStreams",
        },
        b"{}",
    )
    assert_framed(exchange(handle, unsigned), 400)
    # Kinesis Video's REST paths, unsigned.
    assert_framed(exchange(handle, http("POST", "/listStreams", {}, b"{}")), 400)


def test_a_cors_preflight(handle: Any) -> None:
    assert_framed(exchange(handle, http("OPTIONS", "/", {"Origin": "http://localhost"})), 200)


def test_a_bug_in_the_mock(handle: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def list_streams_with_a_bug(backend: Any, params: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(KINESIS.handlers, "ListStreams", list_streams_with_a_bug)
    assert_framed(exchange(handle, kinesis(handle, "ListStreams", b"{}")), 500)


def test_a_stalled_request_body(handle: Any) -> None:
    stalled = http("POST", "/", {"Content-Length": "100"})
    assert_framed(exchange(handle, stalled), 408)

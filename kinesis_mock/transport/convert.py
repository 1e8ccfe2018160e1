"""Turn what a client was about to send into the engine's plain Request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..protocol.wire import Request


def body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        # Only a request that is ours is read; a seekable body is put back
        # where it was (botocore may read it again on a retry).
        try:
            position: int | None = body.tell()
        except (AttributeError, OSError):
            position = None  # a pipe or a socket: read once
        data = body.read()
        if position is not None:
            body.seek(position)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    # An iterable of chunks.
    return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body)


def to_request(
    method: str,
    url: str,
    headers: Mapping[str, Any],
    body: Any,
    operation: str | None = None,
) -> Request:
    parts = urlsplit(url)
    # The client's own (case-insensitive) header mapping is kept as it is:
    # the pipeline reads only a few headers, so copying all would cost more.
    return Request(
        method=method.upper(),
        path=parts.path or "/",
        headers=headers,
        body=body_bytes(body),
        query=parse_qs(parts.query, keep_blank_values=True) if parts.query else {},
        operation=operation,
    )

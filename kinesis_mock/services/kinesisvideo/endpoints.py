"""Where Kinesis Video sends its clients next: the data endpoints, signaling
endpoints, relays and session URLs its answers name.

In process they are AWS-shaped hosts (``<id>.kinesisvideo.<region>.amazonaws.com``),
which the in-process hook answers whatever the id. Served over HTTP they are
the server's own URL, so that clients outside the process (the CLI, other
SDKs, a media player) come back to the mock rather than to AWS."""

from __future__ import annotations

import secrets
import string
from urllib.parse import urlsplit

from .backend import KinesisVideoBackend


def random_host_label() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def _aws_host(backend: KinesisVideoBackend, prefix: str) -> str:
    # AWS prefixes some hosts with a letter saying what they serve ("m-",
    # "r-", "w-", "b-"); the mock copies that in process.
    return f"{prefix}{random_host_label()}.kinesisvideo.{backend.region}.amazonaws.com"


def https_endpoint(backend: KinesisVideoBackend, prefix: str = "") -> str:
    """A data-plane endpoint (no path: the server routes each operation by
    its own URI, as AWS's data endpoints do)."""
    served = backend.endpoint_url
    if served is not None:
        return served
    return f"https://{_aws_host(backend, prefix)}"


def websocket_endpoint(backend: KinesisVideoBackend, prefix: str = "") -> str:
    """A WSS signaling endpoint; a server's is ws:// or wss:// as it serves
    HTTP or HTTPS (it names the server; the server speaks no WebSocket)."""
    served = backend.endpoint_url
    if served is not None:
        parts = urlsplit(served)
        return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return f"wss://{_aws_host(backend, prefix)}"


def relay_address(backend: KinesisVideoBackend) -> str:
    """host:port of a TURN relay for ICE server URIs. A server names itself,
    so no WebRTC peer reaches out to AWS; it runs no TURN relay."""
    served = backend.endpoint_url
    if served is not None:
        return urlsplit(served).netloc
    return f"{_aws_host(backend, '')}:443"

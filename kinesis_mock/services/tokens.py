"""Opaque, tamper-evident pagination tokens.

Shard iterators have their own binary form (see kinesis/iterators.py).

A token is a (standard alphabet) base64 payload with an HMAC over it, keyed by a secret made once
per process (or kept in a server's data directory, so that tokens outlive a
restart): a token the mock did not issue, or one that was changed, fails to
open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

_SECRET = secrets.token_bytes(32)
_MAC_SIZE = 16
# Secrets this process sealed with before it adopted another (see
# adopt_secret): their tokens still open.
_EARLIER: tuple[bytes, ...] = ()


def secret() -> bytes:
    """The secret tokens are sealed with."""
    return _SECRET


def adopt_secret(secret: bytes) -> None:
    """Seal with ``secret`` from now on (a server with a data directory
    adopts the one it stored, so that tokens issued before a restart still
    open); tokens sealed with the secrets used before still open."""
    global _SECRET, _EARLIER
    if secret != _SECRET:
        _EARLIER = (_SECRET, *(known for known in _EARLIER if known != secret))
        _SECRET = secret


def seal(payload: dict[str, Any]) -> str:
    data = json.dumps(payload, separators=(",", ":")).encode()
    mac = hmac.new(_SECRET, data, hashlib.sha256).digest()[:_MAC_SIZE]
    return base64.b64encode(mac + data).decode("ascii")


def unseal(token: str) -> dict[str, Any] | None:
    """The payload of a token this process sealed, or ``None``."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    mac, data = raw[:_MAC_SIZE], raw[_MAC_SIZE:]
    expected = hmac.new(_SECRET, data, hashlib.sha256).digest()[:_MAC_SIZE]
    if not hmac.compare_digest(mac, expected) and not any(
        hmac.compare_digest(mac, hmac.new(earlier, data, hashlib.sha256).digest()[:_MAC_SIZE])
        for earlier in _EARLIER
    ):
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None

"""Opaque, tamper-evident pagination tokens.

Shard iterators have their own binary form (see kinesis/iterators.py).

A token is a (standard alphabet) base64 payload with an HMAC over it, keyed by a secret made once
per process: a token the mock did not issue, or one that was changed, fails
to open.
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
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None

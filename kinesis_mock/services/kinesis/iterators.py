"""Shard iterators: opaque, tamper-evident tokens naming a read position.

An iterator is shaped like the service's (kinesalite's getShardIterator.js
and getRecords.js recorded them): standard base64 of a binary form that
starts with the version bytes 00 00 00 00 00 00 00 01 and is 152 bytes long,
16 more for each 16 characters of the stream name past the first 13. After
the version come a MAC of the position and the position itself,
enciphered with a keystream drawn from the MAC, both keyed by a secret made
once per process (or kept in a server's data directory, so that iterators
outlive a restart): the position cannot be read, and a token the mock did
not issue, or one that was changed, fails to open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime, timezone

from ...protocol.errors import ExpiredIteratorException

ITERATOR_LIFETIME_MS = 300_000

_VERSION = bytes(7) + b"\x01"
_MAC_SIZE = 16
_BASE_SIZE = 152
_SECRET = secrets.token_bytes(32)
# Secrets this process signed with before it adopted another (see
# adopt_secret): their iterators still open.
_EARLIER: tuple[bytes, ...] = ()
# Issue time (ms) and record index; then account, region, stream name and
# shard id, each as a 2-byte length and UTF-8 text.
_NUMBERS = struct.Struct(">qq")
_LENGTH = struct.Struct(">H")


@dataclass(frozen=True)
class IteratorPosition:
    account: str
    region: str
    stream_name: str
    shard_id: str
    index: int
    issued_ms: int


def _size(stream_name: str, needed: int) -> int:
    """The token's length in bytes: the recorded one for the stream name,
    or (for an unusually long account or region) the next block that holds
    the position."""
    size = _BASE_SIZE + (len(stream_name) + 2) // 16 * 16
    overflow = needed - size
    return size if overflow <= 0 else size + (overflow + 15) // 16 * 16


def secret() -> bytes:
    """The secret iterators are signed and enciphered with."""
    return _SECRET


def adopt_secret(secret: bytes) -> None:
    """Sign with ``secret`` from now on (a server with a data directory
    adopts the one it stored, so that iterators issued before a restart
    still open); iterators signed with the secrets used before still open."""
    global _SECRET, _EARLIER
    if secret != _SECRET:
        _EARLIER = (_SECRET, *(known for known in _EARLIER if known != secret))
        _SECRET = secret


def _mac(plain: bytes, secret: bytes) -> bytes:
    # Keyed BLAKE2b: a MAC in one call (GetRecords makes and opens one per page).
    return hashlib.blake2b(plain, key=secret, digest_size=_MAC_SIZE).digest()


def _xor(data: bytes, mac: bytes, secret: bytes) -> bytes:
    stream = hashlib.shake_256(secret + mac).digest(len(data))
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def make_iterator(position: IteratorPosition) -> str:
    fields = [_NUMBERS.pack(position.issued_ms, position.index)]
    for text in (position.account, position.region, position.stream_name, position.shard_id):
        data = text.encode()
        fields += [_LENGTH.pack(len(data)), data]
    body = b"".join(fields)
    overhead = len(_VERSION) + _MAC_SIZE
    plain = body.ljust(_size(position.stream_name, overhead + len(body)) - overhead, b"\0")
    mac = _mac(plain, _SECRET)
    return base64.b64encode(_VERSION + mac + _xor(plain, mac, _SECRET)).decode("ascii")


def open_iterator(token: str) -> IteratorPosition | None:
    """The position an iterator names, or ``None`` if the mock did not issue it."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if (
        len(raw) < _BASE_SIZE
        or (len(raw) - _BASE_SIZE) % 16
        or not raw.startswith(_VERSION)
        or base64.b64encode(raw).decode("ascii") != token
    ):
        return None
    mac = raw[len(_VERSION) : len(_VERSION) + _MAC_SIZE]
    sealed = raw[len(_VERSION) + _MAC_SIZE :]
    plain = _xor(sealed, mac, _SECRET)
    if not hmac.compare_digest(mac, _mac(plain, _SECRET)):
        for earlier in _EARLIER:
            plain = _xor(sealed, mac, earlier)
            if hmac.compare_digest(mac, _mac(plain, earlier)):
                break
        else:
            return None
    issued_ms, index = _NUMBERS.unpack_from(plain)
    offset = _NUMBERS.size
    texts: list[str] = []
    for _ in range(4):
        (length,) = _LENGTH.unpack_from(plain, offset)
        offset += _LENGTH.size
        texts.append(plain[offset : offset + length].decode())
        offset += length
    account, region, stream_name, shard_id = texts
    return IteratorPosition(account, region, stream_name, shard_id, index, issued_ms)


def expired_iterator(issued_ms: int, now_ms: int) -> ExpiredIteratorException:
    """The service's error for an iterator issued at ``issued_ms`` read at ``now_ms``."""
    return ExpiredIteratorException(
        f"Iterator expired. The iterator was created at time {_java_date(issued_ms)} while "
        f"right now it is {_java_date(now_ms)} which is further in the future than the "
        f"tolerated delay of {ITERATOR_LIFETIME_MS} milliseconds."
    )


def _java_date(ms: int) -> str:
    """A time as Java's Date.toString() prints it in UTC."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")

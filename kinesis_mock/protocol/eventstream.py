"""The ``application/vnd.amazon.eventstream`` framing botocore reads event
streams from (SubscribeToShard).

A message is: total length and headers length (4 bytes each, big-endian), a
CRC32 of those 8 bytes, the headers (name length, name, value type 7 for a
string, value length, value), the payload, and a CRC32 of all before it.
"""

from __future__ import annotations

import binascii

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = b"\x07"


def _headers(headers: dict[str, str]) -> bytes:
    encoded = b""
    for name, value in headers.items():
        name_bytes, value_bytes = name.encode(), value.encode()
        encoded += (
            len(name_bytes).to_bytes(1, "big")
            + name_bytes
            + _STRING
            + len(value_bytes).to_bytes(2, "big")
            + value_bytes
        )
    return encoded


def message(headers: dict[str, str], payload: bytes) -> bytes:
    header_bytes = _headers(headers)
    total = 12 + len(header_bytes) + len(payload) + 4
    prelude = total.to_bytes(4, "big") + len(header_bytes).to_bytes(4, "big")
    body = prelude + binascii.crc32(prelude).to_bytes(4, "big") + header_bytes + payload
    return body + binascii.crc32(body).to_bytes(4, "big")


def event(event_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    return message(
        {
            ":event-type": event_type,
            ":content-type": content_type,
            ":message-type": "event",
        },
        payload,
    )


def exception(code: str, payload: bytes, content_type: str = "application/json") -> bytes:
    return message(
        {
            ":exception-type": code,
            ":content-type": content_type,
            ":message-type": "exception",
        },
        payload,
    )

"""Shard iterators: opaque, tamper-evident tokens naming a read position."""

from __future__ import annotations

from dataclasses import dataclass

from ..tokens import seal, unseal

ITERATOR_LIFETIME_MS = 300_000


@dataclass(frozen=True)
class IteratorPosition:
    account: str
    region: str
    stream_name: str
    shard_id: str
    index: int
    issued_ms: int


def make_iterator(position: IteratorPosition) -> str:
    return seal(
        {
            "k": "it",
            "a": position.account,
            "r": position.region,
            "n": position.stream_name,
            "s": position.shard_id,
            "p": position.index,
            "t": position.issued_ms,
        }
    )


def open_iterator(token: str) -> IteratorPosition | None:
    """The position an iterator names, or ``None`` if the mock did not issue it."""
    payload = unseal(token)
    if payload is None or payload.get("k") != "it":
        return None
    try:
        return IteratorPosition(
            account=str(payload["a"]),
            region=str(payload["r"]),
            stream_name=str(payload["n"]),
            shard_id=str(payload["s"]),
            index=int(payload["p"]),
            issued_ms=int(payload["t"]),
        )
    except (KeyError, TypeError, ValueError):
        return None

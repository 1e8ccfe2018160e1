"""A Kinesis Video stream's media: fragments and the log that keeps them in
order, and the millisecond times they are read by."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ... import clock


def epoch_ms(moment: datetime) -> int:
    """A request's timestamp in epoch milliseconds, as fragments keep theirs."""
    return round(moment.timestamp() * 1000)


def now_ms() -> int:
    """The server time now, in epoch milliseconds."""
    return round(clock.now() * 1000)


@dataclass(eq=False, slots=True)
class Fragment:
    number: str
    payload: bytes
    producer_ms: int
    server_ms: int
    duration_ms: int

    @property
    def size(self) -> int:
        return len(self.payload)

    def view(self) -> dict[str, Any]:
        return {
            "FragmentNumber": self.number,
            "FragmentSizeInBytes": self.size,
            "ProducerTimestamp": self.producer_ms / 1000,
            "ServerTimestamp": self.server_ms / 1000,
            "FragmentLengthInMilliseconds": self.duration_ms,
        }


# AWS fragment numbers are long decimal strings that grow with each fragment.
_FRAGMENT_NUMBER_BASE = 91343852333181432392682062607743920146264440923


def fragment_number(serial: int) -> str:
    """The number of a stream's ``serial``-th fragment (from 1)."""
    return str(_FRAGMENT_NUMBER_BASE + serial)


class FragmentLog:
    """A stream's media fragments in server-timestamp order, with sorted
    indexes by fragment number and producer timestamp so range reads bisect
    instead of scanning."""

    def __init__(self) -> None:
        self.fragments: list[Fragment] = []
        self._server_ms: list[int] = []
        self._by_number: dict[str, Fragment] = {}
        # (producer ms, serial, fragment): the serial breaks ties, so
        # fragments themselves are never compared.
        self._producer: list[tuple[int, int, Fragment]] = []
        self._count = 0
        self.longest_ms = 1  # the longest fragment yet, to bound overlap searches

    def add(self, payload: bytes, producer_ms: int, server_ms: int, duration_ms: int) -> Fragment:
        self._count += 1
        fragment = Fragment(
            fragment_number(self._count), payload, producer_ms, server_ms, duration_ms
        )
        self._insert(fragment)
        return fragment

    def _insert(self, fragment: Fragment) -> None:
        """Index a new fragment (the ``self._count``-th)."""
        at = bisect.bisect_right(self._server_ms, fragment.server_ms)
        self._server_ms.insert(at, fragment.server_ms)
        self.fragments.insert(at, fragment)
        self._by_number[fragment.number] = fragment
        bisect.insort(self._producer, (fragment.producer_ms, self._count, fragment))
        self.longest_ms = max(self.longest_ms, fragment.duration_ms)

    def get(self, number: str) -> Fragment | None:
        return self._by_number.get(number)

    def between(self, by_producer: bool, start_ms: int, end_ms: int) -> list[Fragment]:
        """Fragments whose timestamp of the chosen kind is in [start, end]."""
        if by_producer:
            lo = bisect.bisect_left(self._producer, (start_ms, -1))
            hi = bisect.bisect_right(self._producer, (end_ms, 1 << 62))
            return [fragment for _, _, fragment in self._producer[lo:hi]]
        lo = bisect.bisect_left(self._server_ms, start_ms)
        hi = bisect.bisect_right(self._server_ms, end_ms)
        return self.fragments[lo:hi]

    def position(self, fragment: Fragment) -> int:
        """The index of a fragment in server order."""
        at = bisect.bisect_left(self._server_ms, fragment.server_ms)
        while self.fragments[at] is not fragment:
            at += 1
        return at

    def from_server_ms(self, start_ms: int) -> int:
        return bisect.bisect_left(self._server_ms, start_ms)

    def from_producer_ms(self, start_ms: int) -> int:
        """The server-order index of the first fragment produced at or after
        ``start_ms`` (GetMedia's PRODUCER_TIMESTAMP start)."""
        lo = bisect.bisect_left(self._producer, (start_ms, -1))
        if lo == len(self._producer):
            return len(self.fragments)
        return self.position(self._producer[lo][2])

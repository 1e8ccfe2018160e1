"""The per-shard record log.

Each shard keeps its records in parallel arrays, indexed by the record's
position in the shard: payloads, partition keys and arrival times (ms). A
record's sequence number is computed from its index and arrival time, so it
costs no memory; finding a sequence number is arithmetic, finding a time is a
binary search, reading is a slice, and trimming by retention moves a start
offset (the arrays are compacted once the trimmed part dominates).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any

from .sequence import INDEX_SHIFT, TIME_SHIFT, SequenceParts, shard_sequence_base

# A record as GetRecords returns it (the model's ``Record`` shape), with the
# arrival time in epoch seconds.
Record = dict[str, Any]


# Partition keys seen lately, each kept once: a test writes the same few
# keys again and again, and each record then keeps a reference to one string
# rather than a copy of its own (some 50 bytes a record). Bounded: emptied
# when full, so unique keys cost nothing more than before.
_SHARED_KEYS: dict[str, str] = {}
_SHARED_KEYS_KEPT = 1024


def _shared_keys(keys: Sequence[str]) -> Iterator[str]:
    """Each of ``keys`` as the one copy kept (the table emptied first when full)."""
    if len(_SHARED_KEYS) >= _SHARED_KEYS_KEPT:
        _SHARED_KEYS.clear()
    return map(_SHARED_KEYS.setdefault, keys, keys)


class ShardLog:
    """The records of one shard, oldest first."""

    __slots__ = (
        "_arrival_ms",
        "_base",
        "_data",
        "_encryption",
        "_keys",
        "_sequence_base",
        "_start",
        "created_secs",
        "shard_index",
    )

    def __init__(self, created_secs: int, shard_index: int) -> None:
        self.created_secs = created_secs
        self.shard_index = shard_index
        self._sequence_base = shard_sequence_base(created_secs, shard_index)
        self._data: list[bytes] = []
        self._keys: list[str] = []
        self._arrival_ms = array("q")
        # Record index of the first element of the arrays; grows on compaction.
        # Records are numbered from 1: index 0 is the shard's starting sequence
        # number, which is below every record's.
        self._base = 1
        # Array position of the oldest retained record.
        self._start = 0
        # (first record index, encryption type) each time it changed; None
        # for unencrypted records, which the service shows without the member.
        self._encryption: list[tuple[int, str | None]] = [(1, None)]

    # -- positions ----------------------------------------------------------

    @property
    def first_index(self) -> int:
        """Record index of the oldest retained record."""
        return self._base + self._start

    @property
    def end_index(self) -> int:
        """Record index the next record will get."""
        return self._base + len(self._data)

    def __len__(self) -> int:
        return len(self._data) - self._start

    def successor(self, created_secs: int, shard_index: int) -> ShardLog:
        """An empty log for a shard a reshard of this one makes, kept the
        way this one is (a server's data directory keeps both on disk)."""
        return ShardLog(created_secs, shard_index)

    # -- writing -------------------------------------------------------------

    def append(self, data: bytes, partition_key: str, arrival_ms: int) -> str:
        """Store a record; returns its sequence number."""
        index = self._base + len(self._data)
        self._data.append(data)
        self._keys.extend(_shared_keys((partition_key,)))
        self._arrival_ms.append(arrival_ms)
        return self.sequence_number(index, arrival_ms)

    def extend(self, data: list[bytes], partition_keys: list[str], arrival_ms: int) -> list[str]:
        """Store records that arrived together; returns their sequence numbers."""
        first = self._base + len(self._data)
        self._data.extend(data)
        self._keys.extend(_shared_keys(partition_keys))
        self._arrival_ms.extend([arrival_ms] * len(data))
        return list(self._consecutive_numbers(first, len(data), arrival_ms))

    def set_encryption(self, encryption_type: str) -> None:
        """Records written from now on carry ``encryption_type``."""
        shown = None if encryption_type == "NONE" else encryption_type
        if self._encryption[-1][1] != shown:
            self._encryption.append((self.end_index, shown))

    # -- sequence numbers -----------------------------------------------------

    def _consecutive_numbers(self, first: int, count: int, arrival_ms: int) -> Iterator[str]:
        """The sequence numbers of ``count`` records from index ``first`` on,
        all arrived within the second of ``arrival_ms``: the index field
        shares no bit with the others, so they are one step apart, and
        ``range`` makes them in C."""
        common = self._sequence_base | ((arrival_ms // 1000) << TIME_SHIFT)
        step = 1 << INDEX_SHIFT
        start = common | (first << INDEX_SHIFT)
        return map(str, range(start, start + count * step, step))

    def sequence_number(self, index: int, arrival_ms: int) -> str:
        return str(
            self._sequence_base | (index << INDEX_SHIFT) | ((arrival_ms // 1000) << TIME_SHIFT)
        )

    def starting_sequence_number(self) -> str:
        return self.sequence_number(0, self.created_secs * 1000)

    def owns(self, parts: SequenceParts) -> bool:
        """Whether a parsed sequence number names this shard."""
        return (
            parts.version == 2
            and parts.shard_index == self.shard_index
            and parts.shard_created == self.created_secs
        )

    # -- retention -------------------------------------------------------------

    def trim_before(self, cutoff_ms: int) -> None:
        """Forget records that arrived before ``cutoff_ms``."""
        arrivals = self._arrival_ms
        if self._start >= len(arrivals) or arrivals[self._start] >= cutoff_ms:
            return
        self._start = bisect.bisect_left(arrivals, cutoff_ms, lo=self._start)
        if self._start > 1024 and self._start * 2 > len(arrivals):
            self._compact()

    def _compact(self) -> None:
        start = self._start
        self._data = self._data[start:]
        self._keys = self._keys[start:]
        self._arrival_ms = self._arrival_ms[start:]
        self._base += start
        self._start = 0

    # -- reading ------------------------------------------------------------------

    def continuation(self, index: int) -> str:
        """The sequence number to resume after, for a reader about to read
        ``index``: the record before it, or the shard's start."""
        previous = index - 1
        if previous < max(self._base, 1):
            return self.starting_sequence_number()
        return self.sequence_number(previous, self._arrival_ms[previous - self._base])

    def index_at_time(self, timestamp_ms: int) -> int:
        """Index of the first retained record that arrived at or after ``timestamp_ms``."""
        position = bisect.bisect_left(self._arrival_ms, timestamp_ms, lo=self._start)
        return self._base + position

    def arrival_ms_at(self, index: int) -> int:
        return self._arrival_ms[index - self._base]

    def read(self, index: int, limit: int, max_bytes: int) -> tuple[list[Record], int]:
        """Up to ``limit`` records from ``index`` on (at least one, then no more
        than ``max_bytes`` of data and keys), shaped like the model's ``Record``
        with every member present; returns them and the index to read next."""
        return self._read(index, limit, max_bytes, True)

    def page(self, index: int, limit: int, max_bytes: int) -> tuple[list[Record], int]:
        """:meth:`read` for a response: an unencrypted record has no
        ``EncryptionType`` member at all (rather than None), so rendering it
        drops nothing."""
        return self._read(index, limit, max_bytes, False)

    def _read(
        self, index: int, limit: int, max_bytes: int, complete: bool
    ) -> tuple[list[Record], int]:
        """:meth:`read` and :meth:`page`; ``complete`` as :meth:`_records`
        takes it (a log that keeps its records elsewhere reads here)."""
        base = self._base
        position = max(index - base, self._start)
        stop = min(position + limit, len(self._data))
        data = self._data[position:stop]
        keys = self._keys[position:stop]
        arrivals = self._arrival_ms[position:stop]
        size = sum(map(len, data)) + sum(map(len, keys))
        if size > max_bytes:
            # Rare: cut the page at the byte cap (keeping at least one record).
            size = 0
            for count, (payload, key) in enumerate(zip(data, keys, strict=True)):
                size += len(payload) + len(key)
                if size > max_bytes and count:
                    del data[count:], keys[count:], arrivals[count:]
                    stop = position + count
                    break
        return self._records(base + position, data, keys, arrivals, complete), base + stop

    def _records(
        self,
        first: int,
        data: list[bytes],
        keys: list[str],
        arrivals: Sequence[int],
        complete: bool = True,
    ) -> list[Record]:
        """Records from index ``first`` on, shaped like the model's ``Record``
        (without ``EncryptionType`` when none is shown, unless ``complete``)."""
        encryption = self._encryption
        if len(encryption) == 1 or first >= encryption[-1][0]:
            kinds = None
            kind = encryption[-1][1] if first >= encryption[-1][0] else encryption[0][1]
        else:
            kinds = [self._encryption_at(first + offset) for offset in range(len(data))]
            kind = None
        numbers: Iterable[str]
        if arrivals and min(arrivals) // 1000 == max(arrivals) // 1000:
            # Arrived within one second (a batch, a busy producer).
            numbers = self._consecutive_numbers(first, len(data), arrivals[0])
        else:
            numbers = [
                self.sequence_number(first + offset, arrival)
                for offset, arrival in enumerate(arrivals)
            ]
        records = [
            {
                "SequenceNumber": number,
                "ApproximateArrivalTimestamp": arrival / 1000,
                "Data": payload,
                # Records sent without a key (AUTO distribution) are stored with "".
                "PartitionKey": key or None,
            }
            for number, payload, key, arrival in zip(numbers, data, keys, arrivals, strict=True)
        ]
        if complete or kinds is not None or kind is not None:
            for record, shown in zip(records, kinds or repeat(kind, len(records)), strict=True):
                record["EncryptionType"] = shown
        return records

    def _encryption_at(self, index: int) -> str | None:
        change = bisect.bisect_right(self._encryption, index, key=lambda change: change[0]) - 1
        return self._encryption[change][1]

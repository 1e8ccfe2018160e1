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
from dataclasses import dataclass

from .sequence import SequenceParts, make_sequence_number


@dataclass(frozen=True)
class StoredRecord:
    sequence_number: str
    arrival_ms: int
    data: bytes
    partition_key: str
    encryption_type: str


class ShardLog:
    """The records of one shard, oldest first."""

    __slots__ = (
        "_arrival_ms",
        "_base",
        "_data",
        "_encryption",
        "_keys",
        "_start",
        "created_secs",
        "shard_index",
    )

    def __init__(self, created_secs: int, shard_index: int) -> None:
        self.created_secs = created_secs
        self.shard_index = shard_index
        self._data: list[bytes] = []
        self._keys: list[str] = []
        self._arrival_ms = array("q")
        # Record index of the first element of the arrays; grows on compaction.
        # Records are numbered from 1: index 0 is the shard's starting sequence
        # number, which is below every record's.
        self._base = 1
        # Array position of the oldest retained record.
        self._start = 0
        # (first record index, encryption type) each time it changed.
        self._encryption: list[tuple[int, str]] = [(1, "NONE")]

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

    # -- writing -------------------------------------------------------------

    def append(self, data: bytes, partition_key: str, arrival_ms: int) -> str:
        """Store a record; returns its sequence number."""
        index = self._base + len(self._data)
        self._data.append(data)
        self._keys.append(partition_key)
        self._arrival_ms.append(arrival_ms)
        return self.sequence_number(index, arrival_ms)

    def set_encryption(self, encryption_type: str) -> None:
        """Records written from now on carry ``encryption_type``."""
        if self._encryption[-1][1] != encryption_type:
            self._encryption.append((self.end_index, encryption_type))

    # -- sequence numbers -----------------------------------------------------

    def sequence_number(self, index: int, arrival_ms: int) -> str:
        return make_sequence_number(
            SequenceParts(self.created_secs, self.shard_index, index, arrival_ms // 1000)
        )

    def starting_sequence_number(self) -> str:
        return make_sequence_number(
            SequenceParts(self.created_secs, self.shard_index, 0, self.created_secs)
        )

    def owns(self, parts: SequenceParts) -> bool:
        """Whether a parsed sequence number names this shard."""
        return parts.shard_index == self.shard_index and parts.shard_created == self.created_secs

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

    def index_at_time(self, timestamp_ms: int) -> int:
        """Index of the first retained record that arrived at or after ``timestamp_ms``."""
        position = bisect.bisect_left(self._arrival_ms, timestamp_ms, lo=self._start)
        return self._base + position

    def arrival_ms_at(self, index: int) -> int:
        return self._arrival_ms[index - self._base]

    def read(self, index: int, limit: int, max_bytes: int) -> tuple[list[StoredRecord], int]:
        """Up to ``limit`` records from ``index`` on (at least one, then no more
        than ``max_bytes`` of data and keys); returns them and the next index."""
        position = max(index - self._base, self._start)
        stop = min(position + limit, len(self._data))
        records: list[StoredRecord] = []
        size = 0
        data, keys, arrivals = self._data, self._keys, self._arrival_ms
        encryption = self._encryption
        change = bisect.bisect_right(encryption, (self._base + position, "\uffff")) - 1
        for offset in range(position, stop):
            payload = data[offset]
            key = keys[offset]
            size += len(payload) + len(key)
            if size > max_bytes and records:
                stop = offset
                break
            record_index = self._base + offset
            while change + 1 < len(encryption) and encryption[change + 1][0] <= record_index:
                change += 1
            arrival = arrivals[offset]
            records.append(
                StoredRecord(
                    self.sequence_number(record_index, arrival),
                    arrival,
                    payload,
                    key,
                    encryption[change][1],
                )
            )
        return records, self._base + stop

"""Shard logs and fragment logs whose payloads live in the data directory.

They answer exactly as the in-memory :class:`ShardLog` and
:class:`FragmentLog` do. What a call adds waits in memory until the call
ends and its backend commits (:meth:`Owner.commit`); then it is on disk and
only small metadata stays in memory: a record's arrival time (8 bytes, for
sequence numbers, AT_TIMESTAMP and lag), a fragment's timestamps and size.
Reads fetch payloads from SQLite, so memory follows what is served, not
what is stored.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..services.kinesis.records import Record, ShardLog
from ..services.kinesisvideo.fragments import Fragment, FragmentLog, fragment_number

if TYPE_CHECKING:
    from .store import Owner

# A row id is (log id << INDEX_BITS) | position in the log, so one log's rows
# are one contiguous, ordered range of an INTEGER PRIMARY KEY table: keyed
# by (log, index) as a WITHOUT ROWID table would be, but records of 1 KiB
# and more went in 2 to 4 times faster (a WITHOUT ROWID row keeps at most
# about a KiB in its b-tree cell and overflows sooner). 2^38 records a
# shard, 2^25 logs.
INDEX_BITS = 38
INDEX_MASK = (1 << INDEX_BITS) - 1


def row_range(log_id: int) -> tuple[int, int]:
    """The row ids of one log: [low, high)."""
    return log_id << INDEX_BITS, (log_id + 1) << INDEX_BITS


class StoredShardLog(ShardLog):
    """A :class:`ShardLog` whose records are rows of the ``records`` table.

    ``_data`` and ``_keys`` hold only the records not yet committed (from
    index ``_stored`` on); ``_arrival_ms`` holds every retained record's
    arrival time, as in memory.
    """

    __slots__ = ("_changed", "_dirty", "_new", "_owner", "_runs", "_stored", "_trimmed", "log_id")

    def __init__(self, owner: Owner, log_id: int, created_secs: int, shard_index: int) -> None:
        super().__init__(created_secs, shard_index)
        self._owner = owner
        self.log_id = log_id
        # Index of the first record not yet in the store.
        self._stored = 1
        # (first index, count, arrival ms) of the records added together
        # since the last commit: one ``arrivals`` row each.
        self._runs: list[tuple[int, int, int]] = []
        self._new = True  # its ``logs`` row is not written yet
        self._changed = False  # its ``logs`` row is out of date
        self._trimmed = False  # records before first_index are to be deleted
        self._dirty = False  # on its owner's list of logs to commit

    @classmethod
    def restore(
        cls,
        owner: Owner,
        log_id: int,
        created_secs: int,
        shard_index: int,
        first_index: int,
        encryption: str,
        runs: Iterable[tuple[int, int, int]],
    ) -> StoredShardLog:
        """The log as committed: its ``logs`` row and its ``arrivals`` rows
        (row id, arrival ms, count) in order."""
        log = cls(owner, log_id, created_secs, shard_index)
        log._new = False
        log._encryption = [(index, kind) for index, kind in json.loads(encryption)]
        arrivals = log._arrival_ms
        base = None
        for row_id, arrival_ms, count in runs:
            if base is None:
                base = row_id & INDEX_MASK
            arrivals.extend(itertools.repeat(arrival_ms, count))
        # The first run may begin before the oldest retained record.
        log._base = first_index if base is None else base
        log._start = first_index - log._base
        if log._start:
            log._compact()
        log._stored = log.end_index
        return log

    def successor(self, created_secs: int, shard_index: int) -> ShardLog:
        return self._owner.new_shard_log(created_secs, shard_index)

    # -- positions: every retained record has an arrival time -----------------

    @property
    def end_index(self) -> int:
        return self._base + len(self._arrival_ms)

    def __len__(self) -> int:
        return len(self._arrival_ms) - self._start

    # -- writing ----------------------------------------------------------------

    def _mark(self) -> None:
        if not self._dirty:
            self._dirty = True
            self._owner.dirty.append(self)

    def append(self, data: bytes, partition_key: str, arrival_ms: int) -> str:
        index = self._base + len(self._arrival_ms)
        self._arrival_ms.append(arrival_ms)
        self._data.append(data)
        self._keys.append(partition_key)
        self._runs.append((index, 1, arrival_ms))
        self._mark()
        return self.sequence_number(index, arrival_ms)

    def extend(self, data: list[bytes], partition_keys: list[str], arrival_ms: int) -> list[str]:
        first = self._base + len(self._arrival_ms)
        self._runs.append((first, len(data), arrival_ms))
        self._mark()
        self._data.extend(data)
        self._keys.extend(partition_keys)
        self._arrival_ms.extend(itertools.repeat(arrival_ms, len(data)))
        common = self._sequence_base | ((arrival_ms // 1000) << 36)
        return [str(common | (index << 80)) for index in range(first, first + len(data))]

    def set_encryption(self, encryption_type: str) -> None:
        before = len(self._encryption)
        super().set_encryption(encryption_type)
        if len(self._encryption) != before:
            self._changed = True
            self._mark()

    def trim_before(self, cutoff_ms: int) -> None:
        first = self.first_index
        super().trim_before(cutoff_ms)
        if self.first_index != first:
            self._changed = self._trimmed = True
            self._mark()

    def _compact(self) -> None:
        start = self._start
        self._arrival_ms = self._arrival_ms[start:]
        self._base += start
        self._start = 0

    # -- committing (under the backend's lock and the store's) --------------------

    def flush(self, connection: sqlite3.Connection) -> None:
        """Write what changed since the last commit, in the open transaction."""
        low, _ = row_range(self.log_id)
        encryption = json.dumps(self._encryption)
        if self._new:
            connection.execute(
                "INSERT INTO logs VALUES (?, ?, ?, ?, 'shard', ?, ?, ?, ?)",
                (
                    self.log_id,
                    *self._owner.key,
                    self.created_secs,
                    self.shard_index,
                    self.first_index,
                    encryption,
                ),
            )
        elif self._changed:
            connection.execute(
                "UPDATE logs SET first = ?, encryption = ? WHERE id = ?",
                (self.first_index, encryption, self.log_id),
            )
        if self._data:
            connection.executemany(
                "INSERT INTO records VALUES (?, ?, ?)",
                zip(itertools.count(low + self._stored), self._keys, self._data),
            )
            connection.executemany(
                "INSERT INTO arrivals VALUES (?, ?, ?)",
                [(low + first, arrival, count) for first, count, arrival in self._runs],
            )
        if self._trimmed:
            cut = low + self.first_index
            connection.execute("DELETE FROM records WHERE id >= ? AND id < ?", (low, cut))
            # Only runs wholly before the cut: the first retained record's
            # run keeps its arrival time.
            connection.execute(
                "DELETE FROM arrivals WHERE id >= ? AND id < ? AND id + count <= ?",
                (low, cut, cut),
            )

    def flushed(self) -> None:
        """The commit succeeded: what was pending is on disk."""
        self._stored += len(self._data)
        self._data = []
        self._keys = []
        self._runs = []
        self._new = self._changed = self._trimmed = self._dirty = False

    # -- reading -------------------------------------------------------------------

    def _read(
        self, index: int, limit: int, max_bytes: int, complete: bool
    ) -> tuple[list[Record], int]:
        base = self._base
        position = max(index - base, self._start)
        stop = min(position + limit, len(self._arrival_ms))
        first = base + position
        data: list[bytes] = []
        keys: list[str] = []
        size = 0
        capped = False
        stored_end = min(base + stop, self._stored)
        if first < stored_end:
            low, _ = row_range(self.log_id)
            cursor = self._owner.store.reader().execute(
                "SELECT key, data FROM records WHERE id >= ? AND id < ?",
                (low + first, low + stored_end),
            )
            try:
                for key, payload in cursor:
                    size += len(payload) + len(key)
                    if size > max_bytes and data:
                        capped = True
                        break
                    data.append(payload)
                    keys.append(key)
            finally:
                cursor.close()  # ends the read transaction
        if not capped:
            pending = self._stored
            for offset in range(max(first, pending) - pending, base + stop - pending):
                payload, key = self._data[offset], self._keys[offset]
                size += len(payload) + len(key)
                if size > max_bytes and data:
                    break
                data.append(payload)
                keys.append(key)
        count = len(data)
        arrivals = self._arrival_ms[position : position + count]
        following = base + stop if count == max(stop - position, 0) else first + count
        return self._records(first, data, keys, arrivals, complete), following


class StoredFragment(Fragment):
    """A fragment whose payload is read from the data directory when asked for."""

    __slots__ = ("_log", "_size", "serial")

    def __init__(
        self,
        log: StoredFragmentLog,
        serial: int,
        size: int,
        producer_ms: int,
        server_ms: int,
        duration_ms: int,
    ) -> None:
        self.number = fragment_number(serial)
        self.producer_ms = producer_ms
        self.server_ms = server_ms
        self.duration_ms = duration_ms
        self._log = log
        self._size = size
        self.serial = serial

    @property
    def payload(self) -> bytes:
        return self._log.payload_of(self.serial)

    @payload.setter
    def payload(self, _: bytes) -> None:
        raise AttributeError("a stored fragment's payload does not change")

    @property
    def size(self) -> int:
        return self._size


class StoredFragmentLog(FragmentLog):
    """A :class:`FragmentLog` whose fragments are rows of the ``fragments``
    table; in memory, each fragment's timestamps and size."""

    def __init__(self, owner: Owner, log_id: int) -> None:
        super().__init__()
        self._owner = owner
        self.log_id = log_id
        # Fragments added since the last commit, with their payloads.
        self._pending: dict[int, tuple[StoredFragment, bytes]] = {}
        self._new = True
        self._dirty = False

    @classmethod
    def restore(
        cls, owner: Owner, log_id: int, rows: Iterable[tuple[int, int, int, int, int]]
    ) -> StoredFragmentLog:
        """The log as committed, from its ``fragments`` rows (row id,
        producer ms, server ms, duration ms, size) in order."""
        log = cls(owner, log_id)
        log._new = False
        for row_id, producer_ms, server_ms, duration_ms, size in rows:
            log._count = row_id & INDEX_MASK
            log._insert(StoredFragment(log, log._count, size, producer_ms, server_ms, duration_ms))
        return log

    def add(self, payload: bytes, producer_ms: int, server_ms: int, duration_ms: int) -> Fragment:
        self._count += 1
        fragment = StoredFragment(
            self, self._count, len(payload), producer_ms, server_ms, duration_ms
        )
        self._pending[self._count] = (fragment, payload)
        self._insert(fragment)
        if not self._dirty:
            self._dirty = True
            self._owner.dirty.append(self)
        return fragment

    def payload_of(self, serial: int) -> bytes:
        pending = self._pending.get(serial)
        if pending is not None:
            return pending[1]
        low, _ = row_range(self.log_id)
        row = (
            self._owner.store.reader()
            .execute("SELECT payload FROM fragments WHERE id = ?", (low + serial,))
            .fetchone()
        )
        return bytes(row[0]) if row is not None else b""

    def flush(self, connection: sqlite3.Connection) -> None:
        low, _ = row_range(self.log_id)
        if self._new:
            connection.execute(
                "INSERT INTO logs VALUES (?, ?, ?, ?, 'media', 0, 0, 0, '[]')",
                (self.log_id, *self._owner.key),
            )
        connection.executemany(
            "INSERT INTO fragments VALUES (?, ?, ?, ?, ?, ?)",
            [
                (low + serial, f.producer_ms, f.server_ms, f.duration_ms, f.size, payload)
                for serial, (f, payload) in self._pending.items()
            ],
        )

    def flushed(self) -> None:
        self._pending = {}
        self._new = self._dirty = False

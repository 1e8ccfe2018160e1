"""The SQLite database of a data directory, and each backend's side of it.

What is kept, and when it is written:

- ``records`` and ``arrivals``: each shard's records (row id: log id and
  record index; partition key, data) and, per run of records stored
  together, their arrival time. ``fragments``: each Kinesis Video stream's
  media. Written incrementally: what a call added is inserted when the call
  ends, in the transaction that commits the call (one per call, at most).
- ``logs``: one row per shard log or fragment log (its owner, the shard's
  creation time and index, the oldest retained record, encryption changes).
- ``backends``: everything else of one service in one account and region
  (streams, shards and lineage, consumers, tags, policies, configurations,
  account settings, queues and channels, Kinesis Video streams, channels,
  sessions, pending transitions), pickled whole, with each log pickled as a
  reference to its row. Written by the commit of a call that can change it
  or that ran a clock-driven transition; a log no longer referenced is
  deleted in the same transaction.
- ``meta``: the format version and the secrets iterators and NextTokens are
  signed with, adopted at start so that they outlive a restart.

A call is answered only after its commit, so an acknowledged write is on
disk; a call cut short by a crash leaves nothing of itself (SQLite rolls an
unfinished transaction back).

The pickles are trusted: a data directory is the user's own, like a
database file, and must not come from someone else.
"""

from __future__ import annotations

import io
import os
import pickle
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ..services import tokens
from ..services.kinesis import iterators
from ..services.kinesis.backend import KinesisBackend
from ..services.kinesisvideo.backend import KinesisVideoBackend
from ..settings import Settings
from .logs import StoredFragmentLog, StoredShardLog, row_range

try:
    import fcntl
except ImportError:  # Windows: no advisory lock on the directory
    fcntl = None  # type: ignore[assignment]

DATABASE = "kinesis-mock.sqlite3"
LOCK = "kinesis-mock.lock"
# The layout of the tables and of the pickled state. Raise it when a class
# a backend pickles loses an attribute or gains one without a class-level
# default (a dataclass field with default_factory): older pickles would
# load without it, or when a pickled class or function moves to another
# module. A directory of another format is refused, not misread.
# 2: issue 14 moved pickled classes and scheduled functions (Kinesis
# resources, Kinesis Video fragments and configurations) and the NextToken format.
FORMAT = b"2"
# Seconds between checkpoints (when something was committed since the last).
CHECKPOINT_SECONDS = 0.2
# The WAL size past which a checkpoint stops the writer to start the WAL over.
WAL_LIMIT = 64 << 20

Key = tuple[str, str, str]  # (service state name, account, region)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS backends (
    service TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, state BLOB NOT NULL,
    PRIMARY KEY (service, account, region)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
    kind TEXT NOT NULL, created INTEGER NOT NULL, shard INTEGER NOT NULL,
    first INTEGER NOT NULL, encryption TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_owner ON logs (service, account, region);
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, key TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS arrivals (
    id INTEGER PRIMARY KEY, arrival_ms INTEGER NOT NULL, count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fragments (
    id INTEGER PRIMARY KEY, producer_ms INTEGER NOT NULL, server_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL, size INTEGER NOT NULL, payload BLOB NOT NULL
);
"""


class StoreError(RuntimeError):
    """A data directory that cannot be used (in use, another format, closed)."""


class _Committed(Protocol):
    """What a commit writes: a log's changes since the last commit."""

    def flush(self, connection: sqlite3.Connection) -> None: ...

    def flushed(self) -> None: ...


class Store:
    """One data directory: a SQLite database in WAL mode, written through
    one connection under ``lock`` and read through one connection per
    thread (WAL lets readers run beside the writer)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock_file = _lock(self.directory / LOCK)
        self.lock = threading.Lock()
        self.closed = False
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        try:
            self._writer = self._connect(new_database=True)
            # Checkpoints (copying the WAL into the database, with an fsync
            # of each) run in a thread of their own, not in the commit that
            # fills the WAL: that took the mean time of a PutRecords commit
            # from 2 to 4 ms (benchmarks/persistence.py).
            self._writer.execute("PRAGMA wal_autocheckpoint = 0")
            self._writer.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}")
            self._writer.executescript(_SCHEMA)
            self._check_format()
            (highest,) = self._writer.execute("SELECT coalesce(max(id), 0) FROM logs").fetchone()
        except BaseException:
            self._lock_file.close()
            raise
        self._next_log_id = highest + 1
        self._commits = 0  # since the last checkpoint
        self._wake = threading.Event()
        self._checkpointer = threading.Thread(
            target=self._checkpoints, name="kinesis-mock-checkpoints", daemon=True
        )
        self._checkpointer.start()

    def _connect(self, new_database: bool = False) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.directory / DATABASE, isolation_level=None, check_same_thread=False
        )
        if new_database:
            # Only a new database takes it: records of a KiB or more then
            # need fewer pages (PutRecords commits went from 2.0 to 1.6 ms).
            connection.execute("PRAGMA page_size = 16384")
        connection.execute("PRAGMA journal_mode = WAL")
        # NORMAL, not FULL: in WAL mode a commit then writes the WAL without
        # an fsync (the WAL is synced at checkpoints). A committed
        # transaction survives the process crashing or being killed (the
        # OS has the WAL's pages); only an OS crash or power loss can take
        # back the last commits, and never leaves the database corrupt.
        # (https://www.sqlite.org/pragma.html#pragma_synchronous: "WAL mode
        # is always consistent with synchronous=NORMAL ... Transactions are
        # durable across application crashes regardless of the synchronous
        # setting or journal mode"; https://www.sqlite.org/wal.html.)
        # The guarantee asked of the server is the kill -9 one.
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA busy_timeout = 10000")
        return connection

    def _check_format(self) -> None:
        row = self._writer.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if row is None:
            self._writer.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        elif bytes(row[0]) != FORMAT:
            raise StoreError(
                f"it holds data of another kinesis-mock version (format "
                f"{bytes(row[0]).decode()}; this one reads {FORMAT.decode()})"
            )

    # -- connections ------------------------------------------------------------

    @property
    def writer(self) -> sqlite3.Connection:
        """The connection that writes; use it under ``lock``."""
        if self.closed:
            raise self._closed_error()
        return self._writer

    def reader(self) -> sqlite3.Connection:
        """This thread's connection for reading committed rows."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            with self.lock:
                if self.closed:
                    raise self._closed_error()
                connection = self._connect()
                self._readers.append(connection)
            self._local.connection = connection
        elif self.closed:
            raise self._closed_error()
        return connection

    def _closed_error(self) -> StoreError:
        return StoreError(
            f"kinesis-mock: the data directory {self.directory} is closed (its server "
            "stopped); start a server on it to read its records"
        )

    def _checkpoints(self) -> None:
        """Checkpoint the WAL every CHECKPOINT_SECONDS while there are commits:
        PASSIVE, copying what it can without waiting for (or holding up) the
        writer or readers. Under steady writes a passive checkpoint never
        catches up with the end of the WAL, so the WAL is never started
        over and grows; once it passes WAL_LIMIT, the writer waits while a
        RESTART checkpoint copies the little left and starts it over."""
        connection = self._connect()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        try:
            while not self.closed:
                self._wake.wait(CHECKPOINT_SECONDS)
                if not self._commits or self.closed:
                    continue
                self._commits = 0
                _, frames, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if frames * page_size > WAL_LIMIT:
                    with self.lock:
                        if not self.closed:
                            connection.execute("PRAGMA wal_checkpoint(RESTART)")
        finally:
            connection.close()

    def close(self) -> None:
        """Close the database (its WAL checkpointed into it) and let another
        server open the directory."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self._wake.set()
        self._checkpointer.join()
        with self.lock:
            for connection in self._readers:
                connection.close()
            try:
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                self._writer.close()
                self._lock_file.close()

    def transaction(self) -> _Transaction:
        """``with store.transaction() as connection:`` one write transaction,
        committed at the end (rolled back on an error), under ``lock``."""
        return _Transaction(self)

    # -- secrets -----------------------------------------------------------------

    def adopt_secrets(self) -> None:
        """Sign iterators and NextTokens with this directory's secrets (made
        from this process's on first use), so that those issued before a
        restart still open after it."""
        with self.transaction() as connection:
            for name, module in (("iterator-secret", iterators), ("token-secret", tokens)):
                row = connection.execute(
                    "SELECT value FROM meta WHERE name = ?", (name,)
                ).fetchone()
                if row is None:
                    connection.execute("INSERT INTO meta VALUES (?, ?)", (name, module.secret()))
                else:
                    module.adopt_secret(bytes(row[0]))

    # -- backends ------------------------------------------------------------------

    def saved(self) -> Iterator[tuple[Key, bytes]]:
        """Every saved backend: its key and its pickled state."""
        rows = self.writer.execute("SELECT service, account, region, state FROM backends")
        for service, account, region, state in rows.fetchall():
            yield (service, account, region), bytes(state)

    def new_log_id(self) -> int:
        with self.lock:
            log_id: int = self._next_log_id
            self._next_log_id += 1
        return log_id

    def log_ids(self, key: Key) -> set[int]:
        """The logs saved for one backend."""
        with self.lock:
            return _log_ids(self.writer, key)

    def restore(self, state: bytes, owner: Owner, registry: Any) -> Any:
        """A backend from its pickled state, its logs reading from this store."""
        return _Unpickler(io.BytesIO(state), owner, registry).load()

    def restore_log(self, owner: Owner, kind: str, log_id: int) -> Any:
        connection = self.writer
        row = connection.execute(
            "SELECT created, shard, first, encryption FROM logs WHERE id = ?", (log_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.directory} lacks log {log_id}: it is damaged")
        low, high = row_range(log_id)
        if kind == "shard":
            runs = connection.execute(
                "SELECT id, arrival_ms, count FROM arrivals WHERE id >= ? AND id < ?", (low, high)
            )
            created, shard, first, encryption = row
            return StoredShardLog.restore(owner, log_id, created, shard, first, encryption, runs)
        fragments = connection.execute(
            "SELECT id, producer_ms, server_ms, duration_ms, size FROM fragments "
            "WHERE id >= ? AND id < ?",
            (low, high),
        )
        return StoredFragmentLog.restore(owner, log_id, fragments)

    def snapshot(self, backend: Any, registry: Any) -> tuple[bytes, set[int]]:
        """``backend`` pickled, and the ids of the logs it references."""
        buffer = io.BytesIO()
        pickler = _Pickler(buffer, registry)
        pickler.dump(backend)
        return buffer.getvalue(), pickler.logs

    def delete_logs(self, connection: sqlite3.Connection, log_ids: Iterable[int]) -> None:
        for log_id in log_ids:
            low, high = row_range(log_id)
            for table in ("records", "arrivals", "fragments"):
                connection.execute(f"DELETE FROM {table} WHERE id >= ? AND id < ?", (low, high))
            connection.execute("DELETE FROM logs WHERE id = ?", (log_id,))

    def drop(self, owners: Iterable[Owner] | None) -> None:
        """Forget the saved state of ``owners``' backends (all when None)."""
        with self.transaction() as connection:
            if owners is None:
                for table in ("backends", "logs", "records", "arrivals", "fragments"):
                    connection.execute(f"DELETE FROM {table}")
                return
            for owner in owners:
                owner.dropped = True
                connection.execute(
                    "DELETE FROM backends WHERE service = ? AND account = ? AND region = ?",
                    owner.key,
                )
                self.delete_logs(connection, _log_ids(connection, owner.key) | owner.logs)


class _Transaction:
    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def __enter__(self) -> sqlite3.Connection:
        store = self._store
        store.lock.acquire()
        try:
            connection = store.writer
            connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            store.lock.release()
            raise
        return connection

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        store = self._store
        writer = store._writer
        try:
            if kind is None:
                try:
                    writer.execute("COMMIT")
                except BaseException:
                    if writer.in_transaction:  # a COMMIT that failed (a full disk...)
                        writer.execute("ROLLBACK")
                    raise
                store._commits += 1
            elif writer.in_transaction:
                writer.execute("ROLLBACK")
        finally:
            store.lock.release()


def _log_ids(connection: sqlite3.Connection, key: Key) -> set[int]:
    rows = connection.execute(
        "SELECT id FROM logs WHERE service = ? AND account = ? AND region = ?", key
    )
    return {log_id for (log_id,) in rows}


class Owner:
    """The store's side of one backend: the logs it owns and those with
    changes to commit (both guarded by the backend's lock)."""

    def __init__(self, store: Store, registry: Any, key: Key, log_ids: set[int]) -> None:
        self.store = store
        self.registry = registry
        self.key = key
        # Logs with changes since the last commit.
        self.dirty: list[_Committed] = []
        # Every log of this backend in the store or about to be.
        self.logs = log_ids
        # A log was made since the last commit: the backend must be saved
        # with its reference.
        self.new_logs = False
        # Forgotten (a reset): commit nothing more.
        self.dropped = False

    def new_shard_log(self, created_secs: int, shard_index: int) -> StoredShardLog:
        log = StoredShardLog(self, self.store.new_log_id(), created_secs, shard_index)
        self._made(log)
        return log

    def new_fragment_log(self) -> StoredFragmentLog:
        log = StoredFragmentLog(self, self.store.new_log_id())
        self._made(log)
        return log

    def _made(self, log: StoredShardLog | StoredFragmentLog) -> None:
        self.logs.add(log.log_id)
        self.dirty.append(log)
        log._dirty = True
        self.new_logs = True

    def restore_log(self, kind: str, log_id: int) -> Any:
        return self.store.restore_log(self, kind, log_id)

    def commit(self, backend: Any, save: bool) -> None:
        """Write what the call that just ran changed: the logs' new records
        and fragments, and, when ``save`` (or a log was made), the backend
        itself. One transaction; called under the backend's lock."""
        dirty = self.dirty
        save = save or self.new_logs
        if not dirty and not save:
            return
        store = self.store
        if store.closed or self.dropped:
            # A stopped server's state changed, or a reset raced this call:
            # nothing more is written.
            dirty.clear()
            return
        state = None
        if save:
            # Pickled outside the store's lock: other backends commit meanwhile.
            state, referenced = store.snapshot(backend, self.registry)
        with store.transaction() as connection:
            if self.dropped:
                return
            for log in dirty:
                log.flush(connection)
            if state is not None:
                connection.execute(
                    "INSERT OR REPLACE INTO backends VALUES (?, ?, ?, ?)", (*self.key, state)
                )
                store.delete_logs(connection, self.logs - referenced)
        for log in dirty:
            log.flushed()
        dirty.clear()
        if state is not None:
            self.logs &= referenced
            self.new_logs = False


_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


class _Pickler(pickle.Pickler):
    """Pickles a backend with its logs, its owner, the registry, its
    settings and its lock as references (persistent ids), resolved by
    :class:`_Unpickler` to the loading registry's own."""

    def __init__(self, file: io.BytesIO, registry: Any) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.registry = registry
        self.logs: set[int] = set()

    def persistent_id(self, obj: Any) -> Any:
        kind = _REFERENCES.get(type(obj))
        if kind is None:
            return ("registry",) if obj is self.registry else None
        if kind == "shard" or kind == "media":
            self.logs.add(obj.log_id)
            return (kind, obj.log_id)
        return (kind,)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, owner: Owner, registry: Any) -> None:
        super().__init__(file)
        self.owner = owner
        self.registry = registry

    def persistent_load(self, pid: Any) -> Any:
        kind = pid[0]
        if kind == "shard" or kind == "media":
            return self.owner.restore_log(kind, pid[1])
        if kind == "owner":
            return self.owner
        if kind == "registry":
            return self.registry
        if kind == "settings":
            return self.registry.settings
        if kind == "lock":
            return threading.RLock()
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


_REFERENCES: dict[type, str] = {
    StoredShardLog: "shard",
    StoredFragmentLog: "media",
    Owner: "owner",
    Settings: "settings",
    **dict.fromkeys(_LOCK_TYPES, "lock"),
}


def _lock(path: Path) -> io.BufferedRandom:
    """Hold an exclusive lock on the directory: two servers writing one
    database would each number logs as if alone. The kernel drops the lock
    when the process ends, however it ends."""
    handle = open(path, "a+b")  # noqa: SIM115 - held open until close()
    if fcntl is not None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreError("another kinesis-mock server is using it") from None
    return handle


def adopt(backend: Any, owner: Owner) -> None:
    """Have ``backend`` keep new shard logs and fragment logs in the store."""
    if isinstance(backend, KinesisBackend):
        backend.new_log = owner.new_shard_log
    elif isinstance(backend, KinesisVideoBackend):
        backend.new_media = owner.new_fragment_log

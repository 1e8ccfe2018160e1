"""A server's data directory (``kinesis-mock serve --data-dir DIR``): the
state of a server kept in SQLite, so that it survives a restart and a
``kill -9``.

Only a server started with a data directory uses this package; without one,
and in process, everything stays in memory. See :mod:`.store` for what is
kept and when it is written.
"""

from .registry import StoredRegistry, open_registry
from .store import Store, StoreError

__all__ = ["Store", "StoreError", "StoredRegistry", "open_registry"]

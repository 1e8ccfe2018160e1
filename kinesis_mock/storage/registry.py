"""The registry of a server with a data directory: the in-memory registry's
backends, loaded from the store at start and committed to it after each call."""

from __future__ import annotations

import os
from typing import Any

from .. import clock
from ..registry import LOOK, Key, Opened, Registry
from ..services.base import B, ServiceDefinition
from ..settings import Settings
from .store import Owner, Store, adopt

# Operations that change nothing a backend's pickle holds: reads, and the
# writes of records, which their shard logs commit themselves. After any
# other call (or one that ran a clock-driven transition) the backend is saved.
UNCHANGING = frozenset(
    {
        LOOK,
        # Kinesis Data Streams
        "DescribeAccountSettings",
        "DescribeLimits",
        "DescribeStream",
        "DescribeStreamConsumer",
        "DescribeStreamSummary",
        "GetRecords",
        "GetResourcePolicy",
        "GetShardIterator",
        "ListShards",
        "ListStreamConsumers",
        "ListStreams",
        "ListTagsForResource",
        "ListTagsForStream",
        "PutRecord",
        "PutRecords",
        # Kinesis Video Streams
        "DescribeEdgeConfiguration",
        "DescribeImageGenerationConfiguration",
        "DescribeMappedResourceConfiguration",
        "DescribeMediaStorageConfiguration",
        "DescribeNotificationConfiguration",
        "DescribeSignalingChannel",
        "DescribeStreamStorageConfiguration",
        "GetClip",
        "GetDataEndpoint",
        "GetIceServerConfig",
        "GetImages",
        "GetMedia",
        "GetMediaForFragmentList",
        "GetSignalingChannelEndpoint",
        "ListEdgeAgentConfigurations",
        "ListFragments",
        "ListSignalingChannels",
    }
)


class StoredRegistry(Registry):
    """A registry whose state lives in a data directory (:class:`Store`)."""

    store: Store

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        super().__init__(settings)
        self.store = store
        self._owners: dict[Key, Owner] = {}
        store.adopt_secrets()
        for key, state in store.saved():
            owner = self._owner(key)
            backend = store.restore(state, owner, self)
            self._adopt(key, backend)
            self._backends[key] = backend

    def _owner(self, key: Key) -> Owner:
        owner = self._owners.get(key)
        if owner is None:
            owner = self._owners[key] = Owner(self.store, self, key, self.store.log_ids(key))
        return owner

    def _adopt(self, key: Key, backend: Any) -> None:
        super()._adopt(key, backend)
        adopt(backend, self._owner(key))

    def open(
        self,
        service: ServiceDefinition[B],
        account: str,
        region: str,
        operation: str | None = None,
    ) -> _StoredOpened[B]:
        backend = self.backend(service, account, region)
        owner = self._owners.get((service.state_name, account, region))
        return _StoredOpened(backend, owner, operation not in UNCHANGING)

    def _dropped(self, keys: list[Key] | None) -> None:
        if keys is None:
            owners: list[Owner] | None = None
            for owner in self._owners.values():
                owner.dropped = True
            self._owners.clear()
        else:
            owners = [self._owners.pop(key) for key in keys if key in self._owners]
        self.store.drop(owners)

    def close(self) -> None:
        self.store.close()


class _StoredOpened(Opened[B]):
    """:class:`Registry.open` for a stored registry: after the call, its
    changes are committed (before the lock is released and the answer sent)."""

    __slots__ = ("_owner", "_save")

    def __init__(self, backend: B, owner: Owner | None, save: bool) -> None:
        super().__init__(backend)
        self._owner = owner
        self._save = save

    def __enter__(self) -> B:
        backend = self._backend
        backend.lock.acquire()
        try:
            if backend.advance(clock.now()):
                self._save = True
        except BaseException:
            backend.lock.release()
            raise
        return backend

    def __exit__(self, *_: object) -> None:
        try:
            if self._owner is not None:  # None: forgotten while the call ran
                self._owner.commit(self._backend, self._save)
        finally:
            self._backend.lock.release()


def open_registry(
    data_dir: str | os.PathLike[str], settings: Settings | None = None
) -> StoredRegistry:
    """A registry on the data directory ``data_dir`` (made if missing),
    with the state saved there loaded."""
    store = Store(data_dir)
    try:
        return StoredRegistry(store, settings)
    except BaseException:
        store.close()
        raise

"""Kinesis Data Streams state for one account and region."""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ...protocol.errors import (
    CrossAccountAccessDenied,
    InvalidArgumentException,
    LimitExceededException,
    NotActive,
    ResourceNotFoundException,
    ShardNotFound,
    StreamNotFound,
)
from ...settings import Settings
from ..backend_base import BackendBase
from .records import ShardLog

if TYPE_CHECKING:
    from .throughput import ShardLimits, StreamLimits

HASH_KEY_SPACE = 1 << 128

CREATING = "CREATING"
ACTIVE = "ACTIVE"
DELETING = "DELETING"
UPDATING = "UPDATING"

PROVISIONED = "PROVISIONED"
ON_DEMAND = "ON_DEMAND"

USER_PARTITION_KEY = "USER_PARTITION_KEY"
AUTO = "AUTO"

DEFAULT_RETENTION_HOURS = 24
DEFAULT_MAX_RECORD_SIZE_KIB = 1024

_STREAM_ARN = re.compile(r"arn:([\w-]+):kinesis:([^:]*):(\d{12}):stream/(.+)")
_ID_ALPHABET = string.ascii_lowercase + string.digits
# Partition keys whose shard a stream remembers (producers reuse their keys).
_KEY_ROUTE_CACHE = 100_000


@dataclass(eq=False)
class Shard:
    shard_id: str
    index: int
    starting_hash_key: int
    ending_hash_key: int
    created_at: float
    log: ShardLog
    parent_shard_id: str | None = None
    adjacent_parent_shard_id: str | None = None
    ending_sequence_number: str | None = None
    closed_at: float | None = None
    # Its capacity when throughput is enforced (throughput.py), made on first use.
    throughput: ShardLimits | None = field(default=None, repr=False)

    @property
    def is_open(self) -> bool:
        return self.ending_sequence_number is None

    def close(self, now: float) -> None:
        """No more records: the ending sequence number is above every record's."""
        self.ending_sequence_number = self.log.sequence_number(self.log.end_index, int(now * 1000))
        self.closed_at = now

    @property
    def parents(self) -> list[str]:
        return [p for p in (self.parent_shard_id, self.adjacent_parent_shard_id) if p]

    @functools.cached_property
    def _fixed_texts(self) -> tuple[str, str, str]:
        """The hash key range and starting sequence number as a description
        writes them: a shard's never change, and every ListShards and
        DescribeStream writes them (128-bit numbers made text each time)."""
        return (
            str(self.starting_hash_key),
            str(self.ending_hash_key),
            self.log.starting_sequence_number(),
        )

    def hash_key_range(self) -> dict[str, str]:
        starting, ending, _ = self._fixed_texts
        return {"StartingHashKey": starting, "EndingHashKey": ending}

    def describe(self) -> dict[str, Any]:
        """The model's ``Shard``, without the members that are unset (so a
        response drops nothing)."""
        numbers = {"StartingSequenceNumber": self._fixed_texts[2]}
        if self.ending_sequence_number is not None:
            numbers["EndingSequenceNumber"] = self.ending_sequence_number
        described: dict[str, Any] = {"ShardId": self.shard_id}
        if self.parent_shard_id is not None:
            described["ParentShardId"] = self.parent_shard_id
        if self.adjacent_parent_shard_id is not None:
            described["AdjacentParentShardId"] = self.adjacent_parent_shard_id
        described["HashKeyRange"] = self.hash_key_range()
        described["SequenceNumberRange"] = numbers
        return described


# UpdateShardCount and UpdateStreamMode count a stream's changes over the last
# 24 hours: the service allows 10 and 2 of them.
CHANGE_WINDOW = 24 * 3600
SCALING_CHANGES_PER_DAY = 10
MODE_CHANGES_PER_DAY = 2


def changes_in_window(times: list[float], now: float, limit: int, refused: str) -> list[float]:
    """The changes among ``times`` that still count against a daily
    ``limit``; when they have reached it, LimitExceededException ``refused``.
    The caller records its change (``[*changes, now]``) once nothing else
    can refuse the request."""
    recent = [t for t in times if now - t < CHANGE_WINDOW]
    if len(recent) >= limit:
        raise LimitExceededException(refused)
    return recent


def new_shard(
    index: int,
    starting_hash_key: int,
    ending_hash_key: int,
    created_at: float,
    log: ShardLog,
    parent: Shard | None = None,
    adjacent: Shard | None = None,
) -> Shard:
    """The ``index``-th shard of a stream: one of a new stream's, or a child
    of ``parent`` (and ``adjacent``, for a merge) in a reshard."""
    return Shard(
        shard_id=shard_id_for(index),
        index=index,
        starting_hash_key=starting_hash_key,
        ending_hash_key=ending_hash_key,
        created_at=created_at,
        log=log,
        parent_shard_id=parent.shard_id if parent is not None else None,
        adjacent_parent_shard_id=adjacent.shard_id if adjacent is not None else None,
    )


def shard_id_for(index: int) -> str:
    if index < 0:  # only a client's sequence number can name one
        return f"shardId--{-index:011d}"
    return f"shardId-{index:012d}"


def shard_index_from_id(shard_id: str) -> int | None:
    """The shard number a shard id names, read as the service does: the digits
    after the first ``-`` (``shardId-5`` and ``shardId-000000000005`` are the
    same shard), or ``None`` when they are not a number in 0 .. 2^31 - 1."""
    digits = shard_id.split("-", 1)[1] if "-" in shard_id else shard_id
    if not digits.isdigit() or not digits.isascii():
        return None
    index = int(digits)
    return index if index < 1 << 31 else None


def even_hash_ranges(count: int) -> list[tuple[int, int]]:
    """Split the 128-bit key space as the service does: equal integer steps,
    the last shard taking the remainder up to 2^128 - 1."""
    step = HASH_KEY_SPACE // count
    starts = [i * step for i in range(count)]
    ends = [start - 1 for start in starts[1:]] + [HASH_KEY_SPACE - 1]
    return list(zip(starts, ends, strict=True))


@dataclass(eq=False)
class Stream:
    name: str
    arn: str
    stream_id: str
    account: str
    region: str
    created_at: float
    mode: str
    status: str
    shards: list[Shard] = field(default_factory=list)
    retention_hours: int = DEFAULT_RETENTION_HOURS
    tags: dict[str, str] = field(default_factory=dict)
    encryption_type: str = "NONE"
    key_id: str | None = None
    shard_level_metrics: list[str] = field(default_factory=list)
    consumers: dict[str, Any] = field(default_factory=dict)
    max_record_size_kib: int = DEFAULT_MAX_RECORD_SIZE_KIB
    warm_throughput_mibps: int | None = None
    record_distribution_strategy: str = USER_PARTITION_KEY
    # When UpdateShardCount / UpdateStreamMode last changed the stream (the
    # service allows 10 and 2 of them in 24 hours).
    scaling_changes: list[float] = field(default_factory=list)
    mode_changes: list[float] = field(default_factory=list)
    policy: str | None = None
    # Throughput enforcement: None follows the mock's ``throughput`` option
    # (km.enforce_throughput); the limits in force, made on first use.
    enforce_throughput: bool | None = None
    throughput: StreamLimits | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # A server with a data directory pickles its streams: the routing
        # caches are rebuilt on use, and a producer's keys can be many.
        state = self.__dict__.copy()
        state["_routing"] = None
        state["_key_routes"] = {}
        return state

    def __post_init__(self) -> None:
        self._shards_by_id: dict[str, Shard] = {}
        self._routing: tuple[list[int], list[Shard]] | None = None
        # Partition key -> shard, for keys seen since the shards last changed.
        self._key_routes: dict[str, Shard] = {}
        self._next_auto_shard = 0
        self.shards_changed()

    def shards_changed(self) -> None:
        """Rebuild the shard indexes after shards were added or closed."""
        self._shards_by_id = {shard.shard_id: shard for shard in self.shards}
        self._routing = None
        self._key_routes = {}
        self.throughput = None  # an on-demand stream's shares follow its open shards

    def children_of(self, shard: Shard) -> list[Shard]:
        """The shards a split or merge of ``shard`` produced."""
        # Children always come after their parents in the shard list.
        return [
            child
            for child in self.shards[shard.index + 1 :]
            if shard.shard_id in (child.parent_shard_id, child.adjacent_parent_shard_id)
        ]

    def open_shards(self) -> list[Shard]:
        return [shard for shard in self.shards if shard.is_open]

    def shard(self, shard_id: str) -> Shard | None:
        """The shard named by a canonical id (``shardId-000000000005``)."""
        return self._shards_by_id.get(shard_id)

    def shard_for_hash_key(self, hash_key: int) -> Shard:
        """The open shard whose hash-key range holds ``hash_key``."""
        if self._routing is None:
            open_shards = sorted(self.open_shards(), key=lambda shard: shard.starting_hash_key)
            self._routing = ([shard.starting_hash_key for shard in open_shards], open_shards)
        starts, open_shards = self._routing
        return open_shards[bisect.bisect_right(starts, hash_key) - 1]

    def shard_for_partition_key(self, partition_key: str) -> Shard:
        """The open shard a partition key's MD5 hash falls in."""
        shard = self._key_routes.get(partition_key)
        if shard is None:
            digest = hashlib.md5(partition_key.encode()).digest()
            shard = self.shard_for_hash_key(int.from_bytes(digest, "big"))
            if len(self._key_routes) >= _KEY_ROUTE_CACHE:
                self._key_routes.clear()
            self._key_routes[partition_key] = shard
        return shard

    def shards_for_partition_keys(self, partition_keys: list[str]) -> list[Shard]:
        """The shard of each partition key, for a batch."""
        routes = self._key_routes
        found = list(map(routes.get, partition_keys))
        if None in found:
            found = [
                shard or self.shard_for_partition_key(key)
                for shard, key in zip(found, partition_keys, strict=True)
            ]
        return found  # type: ignore[return-value]

    def next_auto_shard(self) -> Shard:
        """The shard the AUTO distribution strategy puts the next record in:
        the open shards in turn, so records spread evenly."""
        open_shards = self.open_shards()
        self._next_auto_shard = (self._next_auto_shard + 1) % len(open_shards)
        return open_shards[self._next_auto_shard]

    def trim_expired(self, shard: Shard, now: float) -> None:
        """Drop the shard's records older than the retention period."""
        shard.log.trim_before(int((now - self.retention_hours * 3600) * 1000))

    @property
    def is_readable(self) -> bool:
        return self.status in (ACTIVE, UPDATING)

    def visible_shards(self, now: float) -> list[Shard]:
        """Shards a description lists: none while the stream is created or
        deleted, and no closed shard whose records have all passed retention."""
        if self.status in (CREATING, DELETING):
            return []
        horizon = now - self.retention_hours * 3600
        return [s for s in self.shards if s.closed_at is None or s.closed_at > horizon]

    def mode_details(self) -> dict[str, str]:
        return {"StreamMode": self.mode}

    def enhanced_monitoring(self) -> list[dict[str, list[str]]]:
        return [{"ShardLevelMetrics": list(self.shard_level_metrics)}]

    def warm_throughput(self) -> dict[str, int] | None:
        if self.warm_throughput_mibps is None:
            return None
        return {
            "TargetMiBps": self.warm_throughput_mibps,
            "CurrentMiBps": self.warm_throughput_mibps,
        }


def active_stream(backend: KinesisBackend, params: dict[str, Any]) -> Stream:
    """The stream a request names, which must be ACTIVE for the change asked."""
    stream = backend.find_stream(params)
    if stream.status != ACTIVE:
        raise NotActive("Stream", stream.name, stream.account, stream.status)
    return stream


# -- registered consumers ------------------------------------------------------
# RegisterStreamConsumer and CreateQueue share one limit per stream. botocore's
# kinesis model documents it on both: "Queues share this limit with enhanced
# fan-out consumers: both count as registered consumers on the stream", up to
# 20 "with On-demand Standard and Provisioned streams" and 50 "with On-demand
# Advantage streams" (CreateQueue: "20 on On-demand Standard and 50 on
# On-demand Advantage").
# The model has no stream-level Advantage flag: the service turns On-demand
# Advantage on for the account with the minimum throughput billing commitment
# (UpdateAccountSettings). So an ON_DEMAND stream is Advantage here while its
# account's MinimumThroughputBillingCommitment is not DISABLED, the same reading
# UpdateStreamWarmThroughput makes; a PROVISIONED stream never is.
REGISTERED_CONSUMERS_STANDARD = 20
REGISTERED_CONSUMERS_ADVANTAGE = 50


def registered_consumer_limit(backend: KinesisBackend, stream: Stream) -> int:
    """How many consumers and queues together the stream may have."""
    advantage = (
        stream.mode == ON_DEMAND
        and backend.minimum_throughput_commitment.get("Status") != "DISABLED"
    )
    return REGISTERED_CONSUMERS_ADVANTAGE if advantage else REGISTERED_CONSUMERS_STANDARD


def attached(backend: KinesisBackend, kind: str, stream: Stream) -> int:
    """How many of the account's ``kind`` ("queues" or "channels") read
    ``stream``. A scan of the account's queues or channels, which are few
    (ListQueues and ListChannels filter the same way)."""
    resources = backend.resources.get(kind, {}).values()
    return sum(1 for resource in resources if any(s is stream for s, _ in resource.streams))


def check_room_for_a_registered_consumer(backend: KinesisBackend, stream: Stream) -> None:
    """Refuse one more consumer or queue on a stream at its limit."""
    count = len(stream.consumers) + attached(backend, "queues", stream)
    limit = registered_consumer_limit(backend, stream)
    if count >= limit:
        raise LimitExceededException(
            f"Stream {stream.name} under account {stream.account} already has "
            f"{limit} registered consumers, the maximum."
        )


class HasStatus(Protocol):
    status: str


def _activate(resource: HasStatus, _due: float) -> None:
    if resource.status == CREATING:
        resource.status = ACTIVE


def _remove_resource(registry: dict[str, Any], name: str, resource: object, _due: float) -> None:
    if registry.get(name) is resource:
        del registry[name]


class KinesisBackend(BackendBase):
    """Streams of one account in one region, guarded by ``lock``."""

    # What keeps a new shard's records: memory, unless a server's data
    # directory gives this backend its own (kinesis_mock.storage).
    new_log: Callable[[int, int], ShardLog] = ShardLog

    def __init__(self, account: str, region: str, settings: Settings) -> None:
        super().__init__(account, region, settings)
        self.streams: dict[str, Stream] = {}
        self._names: list[str] = []  # sorted, for ListStreams
        self._by_id: dict[str, Stream] = {}
        # Other resources of the account and region (queues, channels), by kind and name.
        self.resources: dict[str, dict[str, Any]] = {}
        # Account-level settings (DescribeAccountSettings / UpdateAccountSettings).
        self.minimum_throughput_commitment: dict[str, Any] = {"Status": "DISABLED"}

    # -- clock-driven state changes -------------------------------------

    def transition(
        self,
        stream: Stream,
        leaving: str,
        delay: float,
        complete: Callable[[float], object] | None = None,
        *,
        now: float | None = None,
    ) -> None:
        """Put ``stream`` in ``leaving`` (CREATING, UPDATING, DELETING) for
        ``delay`` seconds (not at all when ``delay`` is 0 or less); then
        DELETING ends in its removal, any other state in ACTIVE after running
        ``complete``."""
        stream.status = leaving
        self.after(delay, functools.partial(self._transition, stream, leaving, complete), now=now)

    def _transition(
        self, stream: Stream, leaving: str, complete: Callable[[float], object] | None, at: float
    ) -> None:
        if self.streams.get(stream.name) is not stream or stream.status != leaving:
            return  # deleted, or changed since
        if leaving == DELETING:
            self._remove(stream)
            return
        if complete is not None:
            complete(at)
        stream.status = ACTIVE

    # Consumers, queues and channels go CREATING -> ACTIVE and DELETING ->
    # gone on their own delays (consumer_create_delay, consumer_delete_delay).

    def resource_created(self, resource: HasStatus, now: float) -> None:
        """A new consumer, queue or channel: CREATING for the configured
        delay, then ACTIVE (at once without a delay)."""
        resource.status = CREATING
        self.after(
            self.settings.consumer_create_delay, functools.partial(_activate, resource), now=now
        )

    def resource_deleted(self, registry: dict[str, Any], name: str) -> None:
        """Remove ``registry[name]`` (a consumer, queue or channel) after
        DELETING for the configured delay (at once without a delay)."""
        resource = registry[name]
        resource.status = DELETING
        self.after(
            self.settings.consumer_delete_delay,
            functools.partial(_remove_resource, registry, name, resource),
        )

    # -- streams ----------------------------------------------------------

    def resource_arn(self, kind: str, name: str) -> str:
        """The ARN of this account's and region's ``kind`` (stream, queue,
        channel) named ``name``."""
        return self.arn("kinesis", f"{kind}/{name}")

    def stream_arn(self, name: str) -> str:
        return self.resource_arn("stream", name)

    def new_stream_id(self) -> str:
        while True:
            head = "".join(secrets.choice(_ID_ALPHABET) for _ in range(20))
            tail = "".join(secrets.choice(_ID_ALPHABET) for _ in range(3))
            stream_id = f"{head}-{tail}"
            if stream_id not in self._by_id:
                return stream_id

    def add_stream(self, stream: Stream) -> None:
        self.streams[stream.name] = stream
        self._by_id[stream.stream_id] = stream
        bisect.insort(self._names, stream.name)

    def _remove(self, stream: Stream) -> None:
        del self.streams[stream.name]
        self._by_id.pop(stream.stream_id, None)
        index = bisect.bisect_left(self._names, stream.name)
        del self._names[index]

    def delete_stream(self, stream: Stream, now: float) -> None:
        self.transition(stream, DELETING, self.settings.stream_delete_delay, now=now)

    def names_after(self, exclusive_start: str | None) -> list[str]:
        """Stream names in order, starting after ``exclusive_start``."""
        if exclusive_start is None:
            return self._names
        return self._names[bisect.bisect_right(self._names, exclusive_start) :]

    def make_shards(self, count: int, created_at: float) -> list[Shard]:
        """A new stream's shards, splitting the key space evenly."""
        created = int(created_at)
        return [
            new_shard(index, start, end, created_at, self.new_log(created, index))
            for index, (start, end) in enumerate(even_hash_ranges(count))
        ]

    def requested_name(self, params: dict[str, Any]) -> str:
        """The stream name a request gives, directly or inside its ARN."""
        name = params.get("StreamName")
        if name is None and params.get("StreamARN"):
            name = str(params["StreamARN"]).rpartition("/")[2]
        return str(name)

    def canonical_shard_id(self, params: dict[str, Any], shard_id: str) -> str:
        """The canonical id of a shard id as the service reads it
        (``shardId-5``, ``5`` and ``x-5`` all name ``shardId-000000000005``).
        One it cannot read is refused before the stream is looked up."""
        index = shard_index_from_id(shard_id)
        if index is None:
            raise ShardNotFound(shard_id, self.requested_name(params), self.account)
        return shard_id_for(index)

    def provisioned_open_shards(self) -> int:
        """The open shards the account's shard limit counts (on-demand
        streams' shards do not)."""
        return sum(
            len(stream.open_shards())
            for stream in self.streams.values()
            if stream.mode == PROVISIONED
        )

    def check_shard_limit(self, added: int) -> None:
        """Refuse a request that would take the account's open provisioned
        shards past its shard limit, with the service's message."""
        limit = self.settings.shard_limit_for(self.region)
        current = self.provisioned_open_shards()
        if current + added > limit:
            raise LimitExceededException(
                f"This request would exceed the shard limit for the account {self.account} in "
                f"{self.region}. Current shard count for the account: {current}. "
                f"Limit: {limit}. Number of additional shards that would have resulted from "
                f"this request: {added}. Refer to the AWS Service Limits page "
                "(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
                "for current limits and how to request higher limits."
            )

    def find_stream(self, params: dict[str, Any]) -> Stream:
        """The stream a request names by ``StreamName``, ``StreamARN`` or ``StreamId``.

        When several are given they must agree. Raises the service's errors:
        ``ResourceNotFoundException`` for an unknown stream.
        """
        name: str | None = params.get("StreamName")
        arn: str | None = params.get("StreamARN")
        stream_id: str | None = params.get("StreamId")
        if arn is not None:
            match = _STREAM_ARN.fullmatch(arn)
            if match is None:
                raise InvalidArgumentException(f"StreamARN {arn} is invalid.")
            _, region, account, arn_name = match.groups()
            if account != self.account:
                raise CrossAccountAccessDenied(arn)
            if name is not None and name != arn_name:
                raise InvalidArgumentException(
                    f"StreamARN {arn} and StreamName {name} do not refer to the same stream."
                )
            name = arn_name
            if region != self.region:
                raise StreamNotFound(name, account)
        if name is None and stream_id is None:
            raise InvalidArgumentException("Either StreamName or StreamARN should be provided.")
        if name is not None:
            stream = self.streams.get(name)
            if stream is None:
                raise StreamNotFound(name, self.account)
            if stream_id is not None and stream.stream_id != stream_id:
                raise InvalidArgumentException(
                    f"StreamId {stream_id} does not refer to stream {name}."
                )
            return stream
        by_id = self._by_id.get(stream_id or "")
        if by_id is None:
            raise ResourceNotFoundException(
                f"Stream with id {stream_id} under account {self.account} not found."
            )
        return by_id

"""Resharding: SplitShard, MergeShards, UpdateShardCount.

Parents are closed (they keep their records until retention ends) and
children carry ParentShardId / AdjacentParentShardId, so a reader following
ChildShards reads every record once, in order per partition key. Uniform
scaling is done the way the service does it, as splits and then merges
(closing intermediate shards), so that no shard ever has more than two
parents.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    ShardNotFound,
    ShardNotOpen,
    ValidationException,
)
from ..base import Params
from .backend import (
    ON_DEMAND,
    PROVISIONED,
    SCALING_CHANGES_PER_DAY,
    UPDATING,
    KinesisBackend,
    Shard,
    Stream,
    active_stream,
    changes_in_window,
    even_hash_ranges,
    new_shard,
)
from .service import KINESIS

MAX_SHARDS_PER_STREAM = 10_000


def _new_shard(
    stream: Stream, start: int, end: int, now: float, parent: Shard, adjacent: Shard | None = None
) -> Shard:
    index = len(stream.shards)
    shard = new_shard(
        index, start, end, now, parent.log.successor(int(now), index), parent, adjacent
    )
    shard.log.set_encryption(stream.encryption_type)
    stream.shards.append(shard)
    return shard


def split(stream: Stream, shard: Shard, new_starting_hash_key: int, now: float) -> list[Shard]:
    shard.close(now)
    children = [
        _new_shard(stream, shard.starting_hash_key, new_starting_hash_key - 1, now, shard),
        _new_shard(stream, new_starting_hash_key, shard.ending_hash_key, now, shard),
    ]
    stream.shards_changed()
    return children


def merge(stream: Stream, shard: Shard, adjacent: Shard, now: float) -> Shard:
    shard.close(now)
    adjacent.close(now)
    start = min(shard.starting_hash_key, adjacent.starting_hash_key)
    end = max(shard.ending_hash_key, adjacent.ending_hash_key)
    child = _new_shard(stream, start, end, now, shard, adjacent)
    stream.shards_changed()
    return child


def scale_uniformly(stream: Stream, target: int, now: float) -> None:
    """Leave ``target`` open shards with equal hash-key ranges."""
    ranges = even_hash_ranges(target)
    boundaries = {start for start, _ in ranges[1:]}
    # Split every open shard at the target boundaries inside it.
    pieces: list[Shard] = []
    for shard in sorted(stream.open_shards(), key=lambda s: s.starting_hash_key):
        current = shard
        for boundary in sorted(
            b for b in boundaries if shard.starting_hash_key < b <= shard.ending_hash_key
        ):
            left, current = split(stream, current, boundary, now)
            pieces.append(left)
        pieces.append(current)
    # Merge the pieces that make up each target range, left to right.
    queue = deque(pieces)
    for start, end in ranges:
        merged = queue.popleft()
        while merged.ending_hash_key < end:
            merged = merge(stream, merged, queue.popleft(), now)
        assert (merged.starting_hash_key, merged.ending_hash_key) == (start, end)


def _reshardable_stream(backend: KinesisBackend, req: Params) -> Stream:
    """The ACTIVE, provisioned stream a reshard names: the service scales an
    on-demand stream itself and refuses to be asked."""
    stream = active_stream(backend, req)
    if stream.mode == ON_DEMAND:
        raise ValidationException(
            f"Request is invalid. Stream {stream.name} under account {stream.account} "
            "is in On-Demand mode."
        )
    return stream


def _open_shard(stream: Stream, shard_id: str) -> Shard:
    shard = stream.shard(shard_id)
    if shard is None:
        raise ShardNotFound(shard_id, stream.name, stream.account)
    if not shard.is_open:
        raise ShardNotOpen(shard.shard_id, stream.name, stream.account)
    return shard


def _apply(backend: KinesisBackend, stream: Stream, change: Callable[[float], object]) -> None:
    """Run a reshard now, or after the stream has been UPDATING for the
    configured delay (the old shards stay open meanwhile)."""
    backend.transition(stream, UPDATING, backend.settings.stream_update_delay, change)


def _check_shard_limit(backend: KinesisBackend, stream: Stream, added: int) -> None:
    if stream.mode != PROVISIONED:
        return
    backend.check_shard_limit(added)


@KINESIS.operation("SplitShard")
def split_shard(backend: KinesisBackend, req: Params) -> None:
    shard_id = backend.canonical_shard_id(req, req["ShardToSplit"])
    stream = _reshardable_stream(backend, req)
    shard = _open_shard(stream, shard_id)
    new_start = int(req["NewStartingHashKey"])
    # The service wants StartingHashKey + 1 < NewStartingHashKey < EndingHashKey.
    if not shard.starting_hash_key + 1 < new_start < shard.ending_hash_key:
        raise InvalidArgumentException(
            f"NewStartingHashKey {req['NewStartingHashKey']} used in SplitShard() on shard "
            f"{shard.shard_id} in stream {stream.name} under account {stream.account} is not "
            "both greater than one plus the shard's StartingHashKey "
            f"{shard.starting_hash_key} and less than the shard's EndingHashKey "
            f"{shard.ending_hash_key}."
        )
    _check_shard_limit(backend, stream, 1)
    _apply(backend, stream, functools.partial(split, stream, shard, new_start))


@KINESIS.operation("MergeShards")
def merge_shards(backend: KinesisBackend, req: Params) -> None:
    shard_id = backend.canonical_shard_id(req, req["ShardToMerge"])
    adjacent_id = backend.canonical_shard_id(req, req["AdjacentShardToMerge"])
    stream = _reshardable_stream(backend, req)
    shard = _open_shard(stream, shard_id)
    adjacent = _open_shard(stream, adjacent_id)
    # The service takes the pair in hash-key order only: ShardToMerge first.
    if shard.ending_hash_key + 1 != adjacent.starting_hash_key:
        raise InvalidArgumentException(
            f"Shards {shard.shard_id} and {adjacent.shard_id} in stream {stream.name} under "
            f"account {stream.account} are not an adjacent pair of shards eligible for merging"
        )
    _apply(backend, stream, functools.partial(merge, stream, shard, adjacent))


@KINESIS.operation("UpdateShardCount")
def update_shard_count(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = _reshardable_stream(backend, req)
    target: int = req["TargetShardCount"]
    current = len(stream.open_shards())
    counts = f"Current open shard count: {current}, Target shard count: {target}"
    if target > current * 2:
        raise InvalidArgumentException(
            f"UpdateShardCount cannot scale up over double your current open shard count. {counts}"
        )
    if target * 2 < current:
        raise InvalidArgumentException(
            "UpdateShardCount cannot scale down below half your current open shard count. " + counts
        )
    if target > MAX_SHARDS_PER_STREAM:
        raise InvalidArgumentException(
            "Target shard count or number of open shards cannot be greater than "
            f"{MAX_SHARDS_PER_STREAM}. {counts}"
        )
    now = clock.now()
    recent = changes_in_window(
        stream.scaling_changes,
        now,
        SCALING_CHANGES_PER_DAY,
        f"UpdateShardCount request for stream {stream.name} under account "
        f"{stream.account} cannot be completed because the stream has already been "
        f"scaled {SCALING_CHANGES_PER_DAY} times in the last 24 hours.",
    )
    if target > current:
        _check_shard_limit(backend, stream, target - current)
    stream.scaling_changes = [*recent, now]
    _apply(backend, stream, functools.partial(scale_uniformly, stream, target))
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "CurrentShardCount": current,
        "TargetShardCount": target,
    }

"""Reading a shard, as GetShardIterator and GetRecords (data.py) and
SubscribeToShard (subscriptions.py) do: where a starting position puts the
reader, how far behind the tip it is, and where it goes on at the end of a
closed shard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...protocol.errors import InvalidArgumentException
from .backend import Shard, Stream, shard_id_for
from .records import ShardLog
from .sequence import parse_sequence_number

# The most one read (a GetRecords answer, a SubscribeToShard event) carries.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024


def start_index(
    stream: Stream,
    shard: Shard,
    kind: str,
    sequence_number: str | None,
    timestamp: datetime | None,
    now: float,
) -> int:
    """The record index a starting position names (GetShardIterator's
    ShardIteratorType, or SubscribeToShard's StartingPosition)."""
    stream.trim_expired(shard, now)
    log = shard.log
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        if sequence_number is None:
            raise _iterator_type_error(kind, "no StartingSequenceNumber")
        index = _sequence_index(stream, shard, sequence_number)
        return index + 1 if kind == "AFTER_SEQUENCE_NUMBER" else index
    if sequence_number is not None:
        raise _iterator_type_error(kind, "also a StartingSequenceNumber")
    if kind == "AT_TIMESTAMP":
        if timestamp is None:
            raise InvalidArgumentException(
                "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                "Current request has no timestamp parameter."
            )
        timestamp_ms = int(timestamp.timestamp() * 1000)
        now_ms = int(now * 1000)
        if timestamp_ms > now_ms:
            raise InvalidArgumentException(
                "The timestampInMillis parameter cannot be greater than the "
                f"currentTimestampInMillis. timestampInMillis: {timestamp_ms}, "
                f"currentTimestampInMillis: {now_ms}"
            )
        return log.index_at_time(timestamp_ms)
    if kind == "TRIM_HORIZON":
        return log.first_index
    return log.end_index  # LATEST


def _iterator_type_error(kind: str, what: str) -> InvalidArgumentException:
    return InvalidArgumentException(
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
        "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. "
        f"Request specified {kind} and {what}."
    )


def _sequence_index(stream: Stream, shard: Shard, sequence_number: str) -> int:
    """The record index a StartingSequenceNumber names in ``shard``."""
    parts = parse_sequence_number(sequence_number)
    prefix = (
        f"StartingSequenceNumber {sequence_number} used in GetShardIterator on shard "
        f"{shard.shard_id} in stream {stream.name} under account {stream.account} is invalid"
    )
    if parts is None:
        raise InvalidArgumentException(prefix + ".")
    if parts.shard_index != shard.index:
        raise InvalidArgumentException(
            f"Invalid StartingSequenceNumber. It encodes {shard_id_for(parts.shard_index)}, "
            f"while it was used in a call to a shard with {shard.shard_id}"
        )
    if not shard.log.owns(parts):
        raise InvalidArgumentException(prefix + " because it did not come from this stream.")
    return parts.record_index


def child_shards(stream: Stream, shard: Shard) -> list[dict[str, Any]]:
    """Where a reader goes on at the end of a closed shard (the model's ChildShard)."""
    return [
        {
            "ShardId": child.shard_id,
            "ParentShards": child.parents,
            "HashKeyRange": child.hash_key_range(),
        }
        for child in stream.children_of(shard)
    ]


def millis_behind(log: ShardLog, next_index: int, now_ms: int) -> int:
    """How far a reader about to read ``next_index`` is behind the tip: 0
    only when no record is left to read, else at least 1 (a frozen clock
    would otherwise make a reader with records ahead look caught up)."""
    if next_index >= log.end_index:
        return 0
    return max(1, now_ms - log.arrival_ms_at(next_index))

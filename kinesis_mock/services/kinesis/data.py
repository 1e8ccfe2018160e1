"""The data plane: PutRecord, PutRecords, GetShardIterator, GetRecords."""

from __future__ import annotations

from typing import Any, cast

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    ProvisionedThroughputExceededException,
    ResourceNotFoundException,
    ShardDoesNotExist,
    StreamNotFound,
)
from ...protocol.validation import missing_member, too_long, validation_error
from ..base import EntryDecision, Params
from . import throughput
from .backend import AUTO, HASH_KEY_SPACE, KinesisBackend, Shard, Stream
from .faults import INTERNAL_ENTRY_FAILURE, read_throttled, write_throttled
from .iterators import (
    ITERATOR_LIFETIME_MS,
    IteratorPosition,
    expired_iterator,
    make_iterator,
    open_iterator,
)
from .reading import MAX_RESPONSE_BYTES, child_shards, millis_behind, start_index
from .sequence import parse_sequence_number
from .service import KINESIS

# The service now takes up to 10 MiB in one PutRecords request (it was 5 MiB).
MAX_REQUEST_BYTES = 10 * 1024 * 1024
DEFAULT_GET_LIMIT = 10_000


def _writable_stream(backend: KinesisBackend, req: Params) -> Stream:
    stream = backend.find_stream(req)
    if not stream.is_readable:
        # A stream being created or deleted takes no records.
        raise StreamNotFound(stream.name, stream.account)
    return stream


def _shard_for(stream: Stream, partition_key: str, explicit_hash_key: str | None) -> Shard:
    """The shard a record goes to: by its partition key's MD5 hash, or by
    ``ExplicitHashKey`` when given."""
    if explicit_hash_key is None:
        return stream.shard_for_partition_key(partition_key)
    value = int(explicit_hash_key)
    if value >= HASH_KEY_SPACE:
        raise InvalidArgumentException(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
            f"Specified value was {explicit_hash_key}"
        )
    return stream.shard_for_hash_key(value)


def _record_size(data: bytes, partition_key: str | None) -> int:
    """Size of a record as the limits count it: data plus partition key."""
    if partition_key is None:
        key_size = 0
    elif partition_key.isascii():
        key_size = len(partition_key)
    else:
        key_size = len(partition_key.encode())
    return len(data) + key_size


def _record_violations(
    stream: Stream, data: bytes, partition_key: str | None, path: str
) -> list[str]:
    """What the service reports about one record before it stores anything, in
    its order: a missing partition key (which the stream needs unless it
    distributes records itself), then a record over the stream's maximum
    record size. The service words the latter as a ValidationException on the
    data (awslabs/amazon-kinesis-producer#680), naming the stream's maximum."""
    violations = []
    if partition_key is None and stream.record_distribution_strategy != AUTO:
        violations.append(missing_member(f"{path}partitionKey"))
    limit = stream.max_record_size_kib * 1024
    if _record_size(data, partition_key) > limit:
        violations.append(too_long(f"{path}data", limit))
    return violations


@KINESIS.operation("PutRecord")
def put_record(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = _writable_stream(backend, req)
    data: bytes = req["Data"]
    partition_key: str | None = req.get("PartitionKey")
    if _record_size(data, partition_key) > stream.max_record_size_kib * 1024 or (
        partition_key is None and stream.record_distribution_strategy != AUTO
    ):
        raise validation_error(_record_violations(stream, data, partition_key, ""))
    if stream.record_distribution_strategy == AUTO or partition_key is None:
        # AUTO ignores the partition key and ExplicitHashKey for placement
        # (other streams have a key here: it was checked above).
        shard = stream.next_auto_shard()
    else:
        shard = _shard_for(stream, partition_key, req.get("ExplicitHashKey"))
    now = clock.now()
    ordering = req.get("SequenceNumberForOrdering")
    if ordering is not None:
        _check_ordering(stream, ordering, now)
    if req.get("DryRun"):
        # Every check passed; a dry run stores nothing.
        return {"ShardId": shard.shard_id}
    enforce = stream.enforce_throughput
    if (enforce or (enforce is None and backend.settings.throughput)) and not (
        throughput.admit_write(stream, shard, _record_size(data, partition_key), now)
    ):
        raise ProvisionedThroughputExceededException(
            write_throttled(shard.shard_id, stream.name, stream.account)
        )
    return {
        "ShardId": shard.shard_id,
        "SequenceNumber": shard.log.append(data, partition_key or "", int(now * 1000)),
        "EncryptionType": _shown_encryption(stream),
    }


def _shown_encryption(stream: Stream) -> str | None:
    """The EncryptionType a write answers with: none at all for an
    unencrypted stream, as today's service answers (LocalStack's AWS
    snapshots of PutRecord and PutRecords, 2024)."""
    return None if stream.encryption_type == "NONE" else stream.encryption_type


def _check_ordering(stream: Stream, sequence_number: str, now: float) -> None:
    """SequenceNumberForOrdering must be a number the service takes for a
    sequence number. Every later record of a shard gets a greater one, so an
    accepted value is honoured without further work."""
    if not _ordering_accepted(int(sequence_number), now):
        raise InvalidArgumentException(
            f"ExclusiveMinimumSequenceNumber {sequence_number} used in PutRecord on stream "
            f"{stream.name} under account {stream.account} is invalid."
        )


def _ordering_accepted(value: int, now: float) -> bool:
    # As the service told values apart when recorded (kinesalite's
    # putRecord.js): any sequence number it would parse ("0" and zeroed
    # version-1 and -2 numbers included) whose record time is not ahead.
    parts = parse_sequence_number(str(value))
    return parts is not None and (parts.version == 0 or parts.record_time <= now)


@KINESIS.operation("PutRecords")
def put_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    return put_records_failing(backend, req, None)


def put_records_failing(
    backend: KinesisBackend, req: Params, decide: EntryDecision | None
) -> dict[str, Any]:
    """PutRecords, with the entries ``decide`` names failing (faults a test
    arranged): they are reported as the service reports failed entries and
    not stored; the others are stored as usual."""
    stream = _writable_stream(backend, req)
    entries: list[dict[str, Any]] = req["Records"]
    data = [entry["Data"] for entry in entries]
    keys: list[str | None] = [entry.get("PartitionKey") for entry in entries]
    # Every record is checked before any is stored: a rejected request stores nothing.
    total = _batch_size(stream, data, keys)
    if total > MAX_REQUEST_BYTES:
        raise InvalidArgumentException(
            f"Records size exceeds {MAX_REQUEST_BYTES // (1024 * 1024)} MB limit"
        )
    targets = _batch_targets(stream, entries, keys)
    if req.get("DryRun"):
        return {"FailedRecordCount": 0, "Records": []}
    now = clock.now()
    now_ms = int(now * 1000)
    # Records without a key (AUTO distribution) are stored with "".
    stored_keys: list[str] = (
        cast(list[str], keys) if None not in keys else [key or "" for key in keys]
    )
    failures = decide(entries, [shard.shard_id for shard in targets]) if decide else None
    if throughput.enforced(backend, stream):
        failures = _throttled_entries(stream, targets, data, keys, failures or {}, now)
    if failures:
        return _store_some(stream, data, stored_keys, targets, failures, now_ms)
    # Store each shard's records together, in request order within the shard.
    if targets.count(targets[0]) == len(targets):
        shard_id = targets[0].shard_id
        stored = [
            {"ShardId": shard_id, "SequenceNumber": number}
            for number in targets[0].log.extend(data, stored_keys, now_ms)
        ]
    else:
        by_shard: dict[Shard, list[int]] = {}
        for position, shard in enumerate(targets):
            by_shard.setdefault(shard, []).append(position)
        numbers = [""] * len(entries)
        for shard, positions in by_shard.items():
            assigned = shard.log.extend(
                [data[p] for p in positions], [stored_keys[p] for p in positions], now_ms
            )
            for position, number in zip(positions, assigned, strict=True):
                numbers[position] = number
        stored = [
            {"ShardId": shard.shard_id, "SequenceNumber": number}
            for shard, number in zip(targets, numbers, strict=True)
        ]
    return {
        "FailedRecordCount": 0,
        "Records": stored,
        "EncryptionType": _shown_encryption(stream),
    }


def _throttled_entries(
    stream: Stream,
    targets: list[Shard],
    data: list[bytes],
    keys: list[str | None],
    failures: dict[int, tuple[str, str | None]],
    now: float,
) -> dict[int, tuple[str, str | None]]:
    """``failures`` and the entries over their shard's (or the stream's)
    capacity, decided in request order among the entries not already
    failing; those failing take no capacity."""
    failures = dict(failures)  # the caller's (a fault's decision) stays as it was
    if failures:
        kept = [p for p in range(len(targets)) if p not in failures]
        if not kept:
            return failures
        over = throughput.admit_writes(
            stream,
            [targets[p] for p in kept],
            [data[p] for p in kept],
            [keys[p] for p in kept],
            now,
        )
        throttled = [kept[p] for p in over]
    else:
        throttled = throughput.admit_writes(stream, targets, data, keys, now)
    for position in throttled:
        failures[position] = ("ProvisionedThroughputExceededException", None)
    return failures


def _store_some(
    stream: Stream,
    data: list[bytes],
    keys: list[str],
    targets: list[Shard],
    failures: dict[int, tuple[str, str | None]],
    now_ms: int,
) -> dict[str, Any]:
    """Store the entries not in ``failures`` (each shard's in request order)
    and report every entry as the service does, failed ones with their
    ``ErrorCode`` and ``ErrorMessage``."""
    by_shard: dict[Shard, list[int]] = {}
    for position, shard in enumerate(targets):
        if position not in failures:
            by_shard.setdefault(shard, []).append(position)
    numbers: dict[int, str] = {}
    for shard, positions in by_shard.items():
        assigned = shard.log.extend(
            [data[p] for p in positions], [keys[p] for p in positions], now_ms
        )
        numbers.update(zip(positions, assigned, strict=True))
    results: list[dict[str, str]] = []
    for position, shard in enumerate(targets):
        failure = failures.get(position)
        if failure is None:
            results.append({"ShardId": shard.shard_id, "SequenceNumber": numbers[position]})
            continue
        code, message = failure
        if message is None:
            message = (
                write_throttled(shard.shard_id, stream.name, stream.account)
                if code == "ProvisionedThroughputExceededException"
                else INTERNAL_ENTRY_FAILURE
            )
        results.append({"ErrorCode": code, "ErrorMessage": message})
    return {
        "FailedRecordCount": len(failures),
        "Records": results,
        "EncryptionType": _shown_encryption(stream),
    }


def _batch_size(stream: Stream, data: list[bytes], keys: list[str | None]) -> int:
    """Total size of a batch (data plus keys), after checking each record as
    :func:`_record_violations` does; the violations of all records come in
    one ValidationException, record by record."""
    if None not in keys:
        text = "".join(keys)  # type: ignore[arg-type]
        # With ASCII keys, characters are bytes; no record can pass the limit
        # if the largest data plus the longest key stays within it.
        if text.isascii():
            longest = max(map(len, data), default=0) + max(map(len, keys), default=0)  # type: ignore[arg-type]
            if longest <= stream.max_record_size_kib * 1024:
                return sum(map(len, data)) + len(text)
    violations = []
    for ordinal, (record, key) in enumerate(zip(data, keys, strict=True), start=1):
        violations += _record_violations(stream, record, key, f"records.{ordinal}.member.")
    if violations:
        raise validation_error(violations)
    return sum(_record_size(d, k) for d, k in zip(data, keys, strict=True))


def _batch_targets(
    stream: Stream, entries: list[dict[str, Any]], keys: list[str | None]
) -> list[Shard]:
    """The shard of each record, in request order."""
    if stream.record_distribution_strategy == AUTO:
        return [stream.next_auto_shard() for _ in entries]
    explicit = [entry.get("ExplicitHashKey") for entry in entries]
    if explicit.count(None) == len(explicit):
        return stream.shards_for_partition_keys(keys)  # type: ignore[arg-type]
    route = stream.shard_for_partition_key
    return [
        route(key) if hash_key is None else _shard_for(stream, key, hash_key)  # type: ignore[arg-type]
        for key, hash_key in zip(keys, explicit, strict=True)
    ]


@KINESIS.operation("GetShardIterator")
def get_shard_iterator(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    shard_id = backend.canonical_shard_id(req, req["ShardId"])
    try:
        stream = backend.find_stream(req)
    except ResourceNotFoundException:
        raise ShardDoesNotExist(shard_id, backend.requested_name(req), backend.account) from None
    shard = stream.shard(shard_id)
    if shard is None or not stream.is_readable:
        raise ShardDoesNotExist(shard_id, stream.name, stream.account)

    now = clock.now()
    index = start_index(
        stream,
        shard,
        req["ShardIteratorType"],
        req.get("StartingSequenceNumber"),
        req.get("Timestamp"),
        now,
    )
    position = IteratorPosition(
        backend.account, backend.region, stream.name, shard_id, index, int(now * 1000)
    )
    return {"ShardIterator": make_iterator(position)}


@KINESIS.operation("GetRecords")
def get_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    position = open_iterator(req["ShardIterator"])
    if position is None or (position.account, position.region) != (
        backend.account,
        backend.region,
    ):
        raise InvalidArgumentException("Invalid ShardIterator.")
    now = clock.now()
    now_ms = int(now * 1000)
    if now_ms - position.issued_ms > ITERATOR_LIFETIME_MS:
        raise expired_iterator(position.issued_ms, now_ms)
    stream = backend.streams.get(position.stream_name)
    shard = stream.shard(position.shard_id) if stream is not None else None
    if stream is None or shard is None or not stream.is_readable:
        raise ShardDoesNotExist(position.shard_id, position.stream_name, backend.account)
    stream.trim_expired(shard, now)
    enforce = throughput.enforced(backend, stream)
    if enforce and not throughput.admit_read(stream, shard, now):
        raise ProvisionedThroughputExceededException(
            read_throttled(shard.shard_id, stream.name, stream.account)
        )
    log = shard.log
    records, next_index = log.page(
        position.index, req.get("Limit", DEFAULT_GET_LIMIT), MAX_RESPONSE_BYTES
    )
    if enforce:
        throughput.charge_read(shard, throughput.records_size(records), now)
    caught_up = next_index >= log.end_index
    result: dict[str, Any] = {
        "Records": records,
        "MillisBehindLatest": millis_behind(log, next_index, now_ms),
    }
    if caught_up and not shard.is_open:
        # The end of a closed shard: no next iterator, and where to go on.
        result["ChildShards"] = child_shards(stream, shard)
    else:
        result["NextShardIterator"] = make_iterator(
            IteratorPosition(
                backend.account, backend.region, stream.name, shard.shard_id, next_index, now_ms
            )
        )
    return result


KINESIS.entry_handlers["PutRecords"] = put_records_failing

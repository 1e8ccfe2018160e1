"""Throughput limits as Kinesis Data Streams enforces them, on the mock's clock.

Off by default: the ``throughput`` option turns them on for a mock (or a
server), ``km.enforce_throughput(stream)`` for one stream. Handlers ask
:func:`enforced` first, so with enforcement off a call pays for one or two
attribute reads and nothing here runs.

What the service documents, and how it is modelled (all capacity is
measured on :func:`kinesis_mock.clock.now`, so ``km.clock.advance`` or
freezegun moves it; a throttled call changes no state, not even the limits'):

- Per shard, in both capacity modes: writes 1 MiB/s (data plus partition
  key) or 1,000 records/s; reads 5 GetRecords calls/s and 2 MiB/s ("A shard
  supports 1 MB/s and 1000 records per second for writes and 2 MB/s for reads
  in both on-demand and provisioned capacity modes", Developer Guide,
  working-with-streams; the CreateStream API reference gives the same five
  read transactions). The record size counts the partition key ("The size of
  the records (including the partition keys)", AWS re:Post knowledge center,
  kinesis-data-stream-throttling), and "stream quotas are determined per
  shard and per second" (same article).
- Writes are a token bucket holding one second of capacity, refilled
  continuously: the Developer Guide's large-records page describes a shard's
  write capacity as "a tank that refills at a steady rate", which a 10 MiB
  record drains so that "you can continue sending smaller records as
  capacity becomes available" (its China edition: it "can burst up to 10 MiB
  while averaging 1 MiB per second"). A record goes when the bucket holds its
  size, or, for a record larger than a second's capacity, when the bucket is
  full; it then leaves a debt the shard pays back before the next record.
  A bucket rather than fixed one-second windows: a window would let two
  seconds' worth through across its edge, and the guide speaks of a rate.
- GetRecords: "The maximum size of data that GetRecords can return is 10 MiB.
  If a call returns this amount of data, subsequent calls made within the
  next 5 seconds throw ProvisionedThroughputExceededException. If there is
  insufficient provisioned throughput on the stream, subsequent calls made
  within the next 1 second throw" (GetRecords API reference). Modelled as a
  2 MiB bucket that a call may overdraw: a call is served while the bucket
  holds anything, and a call that overdraws it leaves the shard refusing
  reads until the bucket is full again. From a full bucket, a 10 MiB answer
  leaves 8 MiB of debt, (8 + 2) / 2 = 5 seconds; overdrawing by a little
  costs just over 1 second: both documented figures. The five calls per
  second are a sliding one-second window of the last five served calls (a
  bucket would let a sixth in within the second).
- SubscribeToShard: an enhanced fan-out consumer "gets its own 2 MB/sec
  allotment of read throughput" per shard (Developer Guide,
  enhanced-consumers). Each (consumer, shard) has a 2 MiB bucket; an event
  carries at most what the bucket holds (at least one record, which may
  overdraw it), and the subscription then waits for it to refill (see
  ``subscriptions.py`` for how it waits under a stopped clock).
- On-demand streams have a write capacity of their own: 4 MiB/s and 4,000
  records/s when created (Developer Guide, how-do-i-size-a-stream, on-demand
  mode), or the stream's warm throughput (``WarmThroughputMiBps``, "the
  throughput capacity that will be immediately available for write
  operations", UpdateStreamWarmThroughput) when larger, with records at the
  creation ratio of 1,000 per MiB. The service meets that capacity by adding
  shards; the mock keeps its shards, so each open shard of an on-demand
  stream takes an equal share of the stream's capacity when that is more
  than 1 MiB/s (with the default 4 shards and 4 MiB/s, exactly 1 MiB/s). The
  service's scaling to double a previous peak is not modelled.

Throttled writes and reads are answered with the texts in ``faults.py``
(:func:`~.faults.write_throttled`, :func:`~.faults.read_throttled`); an
on-demand stream over its own capacity names the record's shard, as the
service's shards carry that capacity.
"""

from __future__ import annotations

import operator
from collections import deque
from typing import Any

from .backend import ON_DEMAND, KinesisBackend, Shard, Stream

MIB = 1 << 20
SHARD_WRITE_BYTES = MIB
SHARD_WRITE_RECORDS = 1_000
SHARD_READ_BYTES = 2 * MIB
SHARD_READ_CALLS = 5
CONSUMER_READ_BYTES = 2 * MIB
ON_DEMAND_WRITE_MIB = 4
RECORDS_PER_MIB = 1_000
# The clock is a float of epoch seconds, about 0.2 us apart today, so the
# time between two readings is off by as much: it is taken to the
# microsecond, so that advancing the clock by exactly the time a refill takes
# always restores it (and a microsecond early never does).
# (Not round(x, 6), whose decimal conversion costs more than the rest.)
MICROS = 1_000_000
SLACK_SECONDS = 1e-6


def enforced(backend: KinesisBackend, stream: Stream) -> bool:
    """Whether ``stream``'s limits apply: its own setting, else the mock's."""
    setting = stream.enforce_throughput
    return backend.settings.throughput if setting is None else setting


class Bucket:
    """Capacity of one kind that refills at ``rate`` per second, holding at
    most one second's worth; it may be overdrawn (a debt)."""

    __slots__ = ("rate", "stamp", "tokens")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.stamp = now

    def level(self, now: float) -> float:
        """What the bucket holds at ``now`` (refilled since last read)."""
        elapsed = int((now - self.stamp) * MICROS + 0.5) / MICROS
        if elapsed > 0:
            self.stamp += elapsed  # what was rounded off counts next time
            tokens = self.tokens + elapsed * self.rate
            self.tokens = tokens if tokens < self.rate else self.rate
        return self.tokens


class WriteBucket:
    """A write capacity: bytes and records per second, refilled together."""

    __slots__ = ("byte_rate", "bytes", "record_rate", "records", "stamp")

    def __init__(self, byte_rate: float, record_rate: float, now: float) -> None:
        self.byte_rate = byte_rate
        self.record_rate = record_rate
        self.bytes = byte_rate
        self.records = record_rate
        self.stamp = now

    def refill(self, now: float) -> None:
        # As Bucket.level, for both kinds (comparisons cost less than min()).
        elapsed = int((now - self.stamp) * MICROS + 0.5) / MICROS
        if elapsed > 0:
            self.stamp += elapsed
            size = self.bytes + elapsed * self.byte_rate
            self.bytes = size if size < self.byte_rate else self.byte_rate
            count = self.records + elapsed * self.record_rate
            self.records = count if count < self.record_rate else self.record_rate

    def fits(self, size: int) -> bool:
        """Whether a record of ``size`` bytes can go now (a record larger
        than a second's capacity goes from a full bucket)."""
        return self.records >= 1 and self.bytes >= (
            size if size < self.byte_rate else self.byte_rate
        )

    def take(self, size: int) -> None:
        self.bytes -= size
        self.records -= 1

    def holds(self, size: int, count: int) -> bool:
        """Whether ``count`` records of ``size`` bytes in all fit at once."""
        return self.records >= count and self.bytes >= size

    def take_all(self, size: int, count: int) -> None:
        self.bytes -= size
        self.records -= count

    def rerate(self, byte_rate: float, record_rate: float) -> None:
        if byte_rate != self.byte_rate or record_rate != self.record_rate:
            self.byte_rate, self.record_rate = byte_rate, record_rate
            self.bytes = min(self.bytes, byte_rate)
            self.records = min(self.records, record_rate)


class StreamLimits:
    """What a stream's configuration makes of its limits: the write rates of
    its shards, and an on-demand stream's own write capacity. Rebuilt when
    the mode, the warm throughput or the shards change."""

    __slots__ = ("mode", "shard_bytes", "shard_records", "warm", "write")

    def __init__(self, stream: Stream, now: float) -> None:
        self.mode = stream.mode
        self.warm = stream.warm_throughput_mibps
        self.write: WriteBucket | None = None
        self.shard_bytes: float = SHARD_WRITE_BYTES
        self.shard_records: float = SHARD_WRITE_RECORDS
        if stream.mode == ON_DEMAND:
            mib = max(ON_DEMAND_WRITE_MIB, self.warm or 0)
            self.write = WriteBucket(mib * MIB, mib * RECORDS_PER_MIB, now)
            shards = max(1, len(stream.open_shards()))
            self.shard_bytes = max(SHARD_WRITE_BYTES, mib * MIB / shards)
            self.shard_records = max(SHARD_WRITE_RECORDS, mib * RECORDS_PER_MIB / shards)


class ShardLimits:
    """One shard's capacity: writes, GetRecords, and each enhanced fan-out
    consumer's deliveries (by consumer ARN)."""

    __slots__ = ("deliveries", "limits", "read", "read_calls", "reads_blocked_until", "write")

    def __init__(self, limits: StreamLimits, now: float) -> None:
        # The stream's limits the write rates follow.
        self.limits = limits
        self.write = WriteBucket(limits.shard_bytes, limits.shard_records, now)
        self.read = Bucket(SHARD_READ_BYTES, now)
        # When the last SHARD_READ_CALLS served GetRecords calls came.
        self.read_calls: deque[float] = deque(maxlen=SHARD_READ_CALLS)
        self.reads_blocked_until = 0.0
        self.deliveries: dict[str, Bucket] = {}


def stream_limits(stream: Stream, now: float) -> StreamLimits:
    limits = stream.throughput
    if limits is None or limits.mode != stream.mode or limits.warm != stream.warm_throughput_mibps:
        limits = stream.throughput = StreamLimits(stream, now)
    return limits


def shard_limits(shard: Shard, limits: StreamLimits, now: float) -> ShardLimits:
    mine: ShardLimits | None = shard.throughput
    if mine is None:
        mine = shard.throughput = ShardLimits(limits, now)
    elif mine.limits is not limits:
        mine.write.rerate(limits.shard_bytes, limits.shard_records)
        mine.limits = limits
    return mine


# -- writes -------------------------------------------------------------------


def admit_write(stream: Stream, shard: Shard, size: int, now: float) -> bool:
    """Whether one record of ``size`` bytes may be written to ``shard`` now;
    if so, its capacity is taken."""
    # The common case spelled out: every call of a producer comes here.
    limits = stream.throughput
    if limits is None or limits.mode != stream.mode or limits.warm != stream.warm_throughput_mibps:
        limits = stream_limits(stream, now)
    mine = shard.throughput
    if mine is None or mine.limits is not limits:
        mine = shard_limits(shard, limits, now)
    write = mine.write
    write.refill(now)
    whole = limits.write
    if whole is None:
        if not write.fits(size):
            return False
        write.take(size)
        return True
    whole.refill(now)
    if not (write.fits(size) and whole.fits(size)):
        return False
    write.take(size)
    whole.take(size)
    return True


def admit_writes(
    stream: Stream, shards: list[Shard], data: list[bytes], keys: list[str | None], now: float
) -> list[int]:
    """The positions of a batch's records (going to ``shards``) that exceed
    their shard's or the stream's capacity, deciding record by record in
    request order; the others' capacity is taken."""
    limits = stream_limits(stream, now)
    whole = limits.write
    if whole is not None:
        whole.refill(now)
    key_sizes = _key_sizes(keys)
    count = len(shards)
    first = shards[0]
    if shards.count(first) == count:
        # One shard, the usual batch: when all of it fits, it is taken at
        # once, as record by record would (each fits what is left).
        single = shard_limits(first, limits, now).write
        single.refill(now)
        total = sum(map(len, data)) + sum(key_sizes)
        if single.holds(total, count) and (whole is None or whole.holds(total, count)):
            single.take_all(total, count)
            if whole is not None:
                whole.take_all(total, count)
            return []
    buckets: dict[Shard, WriteBucket] = {}
    throttled: list[int] = []
    sizes = list(map(operator.add, map(len, data), key_sizes))
    for position, (shard, size) in enumerate(zip(shards, sizes, strict=True)):
        write = buckets.get(shard)
        if write is None:
            write = buckets[shard] = shard_limits(shard, limits, now).write
            write.refill(now)
        if write.fits(size) and (whole is None or whole.fits(size)):
            write.take(size)
            if whole is not None:
                whole.take(size)
        else:
            throttled.append(position)
    return throttled


def _key_sizes(keys: list[str | None]) -> list[int]:
    """Each partition key's size in bytes (none for a record without one)."""
    if None not in keys:
        text: list[str] = keys  # type: ignore[assignment]
        if "".join(text).isascii():
            return list(map(len, text))
    return [0 if key is None else len(key.encode()) for key in keys]


# -- GetRecords ---------------------------------------------------------------


def admit_read(stream: Stream, shard: Shard, now: float) -> bool:
    """Whether a GetRecords call on ``shard`` may be served now (it is then
    charged with :func:`charge_read`, once its answer's size is known)."""
    mine = shard_limits(shard, stream_limits(stream, now), now)
    if now + SLACK_SECONDS < mine.reads_blocked_until:
        return False
    calls = mine.read_calls
    if len(calls) == SHARD_READ_CALLS and now - calls[0] + SLACK_SECONDS < 1.0:
        return False
    return mine.read.level(now) > 0


def charge_read(shard: Shard, size: int, now: float) -> None:
    """Count a served GetRecords call that returned ``size`` bytes."""
    mine = shard.throughput
    assert mine is not None  # admit_read made it
    mine.read_calls.append(now)
    read = mine.read
    read.level(now)
    read.tokens -= size
    if read.tokens < 0:
        # Overdrawn: no reads until the bucket is full again.
        mine.reads_blocked_until = now + (read.rate - read.tokens) / read.rate


def records_size(records: list[dict[str, Any]]) -> int:
    """The bytes of records as GetRecords and SubscribeToShard return them."""
    return sum(len(r["Data"]) + len(r["PartitionKey"] or "") for r in records)


# -- SubscribeToShard -----------------------------------------------------------


def delivery(stream: Stream, shard: Shard, consumer_arn: str, now: float) -> Bucket:
    """The delivery capacity of one consumer on one shard."""
    mine = shard_limits(shard, stream_limits(stream, now), now)
    bucket = mine.deliveries.get(consumer_arn)
    if bucket is None:
        bucket = mine.deliveries[consumer_arn] = Bucket(CONSUMER_READ_BYTES, now)
    return bucket

"""SubscribeToShard: records pushed to an enhanced fan-out consumer as an
event stream.

The events are produced as the caller reads them: each read delivers the
records that have arrived since the last one. A subscription ends after five
minutes on the mock's clock, at the end of a closed shard (naming its
children), or, once it has caught up, after waiting
``subscription_wait_seconds`` of real time for more records (0 by default,
so a test reading a subscription to the end never hangs).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from ... import clock
from ...protocol.errors import ResourceInUseException, ResourceNotFoundException
from ..base import Params
from .backend import ACTIVE, KinesisBackend, Shard, Stream, shard_id_for, shard_index_from_id
from .consumers import Consumer, consumer_for
from .data import MAX_RESPONSE_BYTES, child_shards, start_index
from .service import KINESIS

SUBSCRIPTION_LIFETIME = 300.0
TAKEOVER_WINDOW = 5.0
_POLL_SECONDS = 0.05


@KINESIS.operation("SubscribeToShard")
def subscribe_to_shard(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    consumer = consumer_for(backend, {"ConsumerARN": req["ConsumerARN"]})
    stream = consumer.stream
    if consumer.status != ACTIVE:
        raise ResourceInUseException(
            f"Consumer {consumer.name} with creation timestamp {int(consumer.created_at)} under "
            f"stream: {stream.name} , account {stream.account} is not in ACTIVE status."
        )
    shard = _shard(stream, req["ShardId"])
    now = clock.now()
    started = consumer.subscriptions.get(shard.shard_id)
    if started is not None and now - started < TAKEOVER_WINDOW:
        raise ResourceInUseException(
            "Another active subscription exists for this consumer: "
            f"{stream.account}:{stream.name}:{shard.shard_id}:{consumer.name}"
        )
    position = req["StartingPosition"]
    index = start_index(
        stream,
        shard,
        position["Type"],
        position.get("SequenceNumber"),
        position.get("Timestamp"),
        now,
    )
    consumer.subscriptions[shard.shard_id] = now
    return {"EventStream": _events(backend, consumer, shard, index, now)}


def _shard(stream: Stream, raw_shard_id: str) -> Shard:
    index = shard_index_from_id(raw_shard_id)
    shard = stream.shard(shard_id_for(index)) if index is not None else None
    if shard is None:
        raise ResourceNotFoundException(
            f"Shard {raw_shard_id} in stream {stream.name} under account {stream.account} "
            "does not exist"
        )
    return shard


def _events(
    backend: KinesisBackend, consumer: Consumer, shard: Shard, index: int, started: float
) -> Iterator[tuple[str, dict[str, Any]]]:
    stream = consumer.stream
    waited = threading.Event()
    while True:
        with backend.lock:
            now = clock.now()
            if now - started >= SUBSCRIPTION_LIFETIME:
                return
            if backend.streams.get(stream.name) is not stream or not stream.is_readable:
                # Delivered in the stream as an exception message.
                raise ResourceNotFoundException(
                    f"Stream {stream.name} under account {stream.account} not found."
                )
            stream.trim_expired(shard, now)
            log = shard.log
            records, index = log.read(index, 10_000, MAX_RESPONSE_BYTES)
            caught_up = index >= log.end_index
            finished = caught_up and not shard.is_open
            event: dict[str, Any] = {
                "Records": records,
                "MillisBehindLatest": 0
                if caught_up
                else max(0, int(now * 1000) - log.arrival_ms_at(index)),
                "ContinuationSequenceNumber": None if finished else log.continuation(index),
            }
            if finished:
                event["ChildShards"] = child_shards(stream, shard)
        yield "SubscribeToShardEvent", event
        if finished:
            return
        if caught_up and not _wait_for_change(
            backend, stream, shard, index, backend.settings.subscription_wait_seconds, waited
        ):
            return


def _wait_for_change(
    backend: KinesisBackend,
    stream: Stream,
    shard: Shard,
    index: int,
    seconds: float,
    sleeper: threading.Event,
) -> bool:
    """Wait up to ``seconds`` of real time for something to report: a record
    past ``index``, the shard closing, or the stream going away."""
    for _ in range(int(seconds / _POLL_SECONDS)):
        sleeper.wait(_POLL_SECONDS)  # real time, whatever clock the tests froze
        with backend.lock:
            if (
                shard.log.end_index > index
                or not shard.is_open
                or backend.streams.get(stream.name) is not stream
                or not stream.is_readable
            ):
                return True
    return False

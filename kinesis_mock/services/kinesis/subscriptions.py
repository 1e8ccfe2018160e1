"""SubscribeToShard: records pushed to an enhanced fan-out consumer as an
event stream.

The events are produced as the caller reads them: each read delivers the
records that have arrived since the last one. A subscription ends after five
minutes on the mock's clock, at the end of a closed shard (naming its
children), or, once it has caught up, after waiting
``subscription_wait_seconds`` of real time for more records (0 by default,
so a test reading a subscription to the end never hangs).

With throughput enforced (throughput.py), events are paced at 2 MiB/s per
consumer and shard on the mock's clock: once an event has used up the
allowance, the next waits, in real time, for the allowance to refill. Under
a stopped clock (freezegun, a fixed ``set_clock``) it never would: when the
clock has not moved over the last poll, and ``subscription_wait_seconds``
(at least one poll) has passed, the subscription ends instead, as a
service's subscription can end at any time; the consumer subscribes again
from its ``ContinuationSequenceNumber`` once the test has moved the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from ... import clock
from ...protocol.errors import ResourceInUseException, ShardDoesNotExist, StreamNotFound
from ..base import Params
from .backend import ACTIVE, KinesisBackend, Shard, Stream, shard_id_for, shard_index_from_id
from .reading import MAX_RESPONSE_BYTES, child_shards, millis_behind, start_index
from .resources import Consumer, consumer_for
from .service import KINESIS
from .throughput import delivery, enforced, records_size

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
    return {"EventStream": _Events(backend, consumer, shard, index, now)}


def _shard(stream: Stream, raw_shard_id: str) -> Shard:
    index = shard_index_from_id(raw_shard_id)
    shard = stream.shard(shard_id_for(index)) if index is not None else None
    if shard is None:
        raise ShardDoesNotExist(raw_shard_id, stream.name, stream.account)
    return shard


class _Events(Iterator[tuple[str, dict[str, Any]]]):
    """A subscription's (event name, event) pairs, read as the caller reads.

    Once caught up, the next read first waits for a change; :meth:`poll`
    takes that wait one step at a time without blocking, so a server can
    wait between its polls without holding a thread. Read without polling
    (in process), the read waits itself, in the reading thread.
    """

    poll_seconds = _POLL_SECONDS

    def __init__(
        self, backend: KinesisBackend, consumer: Consumer, shard: Shard, index: int, started: float
    ) -> None:
        self._backend = backend
        self._stream = consumer.stream
        self._shard = shard
        self._index = index
        self._started = started
        self._consumer_arn = consumer.arn
        self._done = False
        # While caught up or throttled: the poll intervals waited so far
        # (None: not waiting).
        self._waited: int | None = None
        # Waiting for the delivery allowance (not for records), and the
        # mock's time at the last look, to tell a stopped clock.
        self._throttled = False
        self._seen = 0.0
        self._sleeper = threading.Event()

    def __next__(self) -> tuple[str, dict[str, Any]]:
        while not self._poll(blocking=True):
            self._sleeper.wait(_POLL_SECONDS)  # real time, whatever clock the tests froze
        if self._done:
            raise StopIteration
        backend, stream, shard = self._backend, self._stream, self._shard
        with backend.lock:
            now = clock.now()
            if now - self._started >= SUBSCRIPTION_LIFETIME:
                self._done = True
                raise StopIteration
            if backend.streams.get(stream.name) is not stream or not stream.is_readable:
                self._done = True
                # Delivered in the stream as an exception message.
                raise StreamNotFound(stream.name, stream.account)
            stream.trim_expired(shard, now)
            log = shard.log
            allowance = (
                delivery(stream, shard, self._consumer_arn, now)
                if enforced(backend, stream)
                else None
            )
            if allowance is None:
                records, self._index = log.page(self._index, 10_000, MAX_RESPONSE_BYTES)
            elif allowance.level(now) > 0:
                # At least one record, which may overdraw the allowance.
                room = min(MAX_RESPONSE_BYTES, int(allowance.tokens))
                records, self._index = log.page(self._index, 10_000, room)
                allowance.tokens -= records_size(records)
            else:
                records = []  # nothing may go before the allowance refills
            caught_up = self._index >= log.end_index
            finished = caught_up and not shard.is_open
            event: dict[str, Any] = {
                "Records": records,
                "MillisBehindLatest": millis_behind(log, self._index, int(now * 1000)),
                "ContinuationSequenceNumber": None if finished else log.continuation(self._index),
            }
            if finished:
                event["ChildShards"] = child_shards(stream, shard)
                self._done = True
            elif caught_up:
                self._waited = 0
            elif allowance is not None and allowance.tokens <= 0:
                self._throttled, self._waited, self._seen = True, 0, now
        return "SubscribeToShardEvent", event

    def poll(self) -> bool:
        """Whether the next read can go ahead without waiting (something
        changed, the wait ran out, or it is not waiting); when not, poll
        again after ``poll_seconds`` of real time. Never blocks."""
        return self._poll(blocking=False)

    def _poll(self, blocking: bool) -> bool:
        if self._waited is None:
            return True
        if self._throttled:
            return self._poll_allowance(blocking)
        # The wait checks after each interval, as many as
        # subscription_wait_seconds holds; none at all when it is 0.
        if self._waited > 0:
            changed = self._changed(blocking)
            if changed is None:
                return False  # the lock is busy: look again next time
            if changed:
                self._waited = None
                return True
        if self._waited >= int(self._backend.settings.subscription_wait_seconds / _POLL_SECONDS):
            self._waited = None
            self._done = True
            return True
        self._waited += 1
        return False

    def _poll_allowance(self, blocking: bool) -> bool:
        """:meth:`_poll` while the delivery allowance is used up."""
        assert self._waited is not None
        back = self._allowance_back(blocking)
        if back is None:
            return False  # the lock is busy: look again next time
        now = clock.now()
        budget = max(1, int(self._backend.settings.subscription_wait_seconds / _POLL_SECONDS))
        if back or (now <= self._seen and self._waited >= budget):
            # Refilled (or nothing left to pace); or the clock stands still,
            # so it never will be: the subscription ends.
            self._done = not back
            self._waited, self._throttled = None, False
            return True
        self._seen = now
        self._waited += 1
        return False

    def _allowance_back(self, blocking: bool) -> bool | None:
        """Whether the next event may go: the allowance refilled, or a
        reason to end or stop pacing (None when not blocking and the
        backend is busy)."""
        backend, stream = self._backend, self._stream
        if not backend.lock.acquire(blocking):
            return None
        try:
            now = clock.now()
            if (
                now - self._started >= SUBSCRIPTION_LIFETIME
                or backend.streams.get(stream.name) is not stream
                or not stream.is_readable
                or not enforced(backend, stream)
            ):
                return True
            return delivery(stream, self._shard, self._consumer_arn, now).level(now) > 0
        finally:
            backend.lock.release()

    def _changed(self, blocking: bool) -> bool | None:
        """Whether there is something to report: a record past the read
        position, the shard closing, or the stream going away (None when not
        blocking and the backend is busy)."""
        backend, stream, shard = self._backend, self._stream, self._shard
        if not backend.lock.acquire(blocking):
            return None
        try:
            return (
                shard.log.end_index > self._index
                or not shard.is_open
                or backend.streams.get(stream.name) is not stream
                or not stream.is_readable
            )
        finally:
            backend.lock.release()

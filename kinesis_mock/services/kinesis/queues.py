"""Queues on data streams (botocore 1.44's kinesis model): a queue delivers
a stream's records to queue consumers, tracks each record's delivery, and
redelivers what is not acknowledged before its visibility timeout; a record
received MaxReceiveCount times without acknowledgement becomes a dead-letter
record, handled by the *DeadLetterQueueRecords operations.

Tracking is per record, for the records the queue has handed out; the rest
of the stream is read from each shard's log by a cursor, so a queue costs
nothing per record it has not delivered yet. ``WaitTimeSeconds`` does not
wait: a receive answers with what is visible now.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    ResourceInUseException,
)
from ..base import Params
from ..paging import page_of
from ..tokens import seal, unseal
from .backend import (
    CREATING,
    ON_DEMAND,
    KinesisBackend,
    Shard,
    Stream,
    check_room_for_a_registered_consumer,
)
from .resources import DEFAULT_MAX_RECEIVE_COUNT, Delivery, Queue, queue_for, queues
from .service import KINESIS
from .tag_rules import check_new_tags


def _attributes(queue: Queue, attributes: dict[str, Any]) -> None:
    if "VisibilityTimeoutSeconds" in attributes:
        queue.visibility_timeout = attributes["VisibilityTimeoutSeconds"]
    if "DeadLetterConfiguration" in attributes:
        config = dict(attributes["DeadLetterConfiguration"])
        if config["TargetType"] == "BUILT_IN":
            config.setdefault("MaxReceiveCount", DEFAULT_MAX_RECEIVE_COUNT)
        queue.dead_letter = config


@KINESIS.operation("CreateQueue")
def create_queue(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    name: str = req["QueueName"]
    if name in queues(backend):
        raise ResourceInUseException(
            f"Queue {name} under account {backend.account} already exists."
        )
    streams: list[tuple[Stream, dict[str, Any] | None]] = []
    for config in req["StreamConfigurationList"]:
        stream = backend.find_stream({"StreamARN": config["StreamARN"]})
        if stream.mode != ON_DEMAND:
            raise InvalidArgumentException(
                f"Queues are supported only on streams in ON_DEMAND mode; stream "
                f"{stream.name} is {stream.mode}."
            )
        check_room_for_a_registered_consumer(backend, stream)
        streams.append((stream, config.get("StartingPosition")))
    tags: dict[str, str] = req.get("Tags", {})
    check_new_tags(name, backend.account, tags)
    now = clock.now()
    queue = Queue(
        name=name,
        arn=backend.resource_arn("queue", name),
        status=CREATING,
        created_at=now,
        streams=streams,
        tags={key: value or "" for key, value in tags.items()},
    )
    _attributes(queue, req.get("QueueAttributes", {}))
    for stream, position in streams:
        for shard in stream.shards:
            queue.cursors[shard] = _start(stream, shard, position, now)
    queues(backend)[name] = queue
    backend.resource_created(queue, now)
    return {"QueueDescription": queue.describe()}


def _start(stream: Stream, shard: Shard, position: dict[str, Any] | None, now: float) -> int:
    kind = (position or {}).get("Type", "LATEST")
    stream.trim_expired(shard, now)
    if kind == "TRIM_HORIZON":
        return shard.log.first_index
    if kind == "AT_TIMESTAMP":
        timestamp: datetime = position["Timestamp"]  # type: ignore[index]
        return shard.log.index_at_time(int(timestamp.timestamp() * 1000))
    return shard.log.end_index


@KINESIS.operation("DescribeQueue")
def describe_queue(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    return {"QueueDescription": queue_for(backend, req["QueueARN"]).describe()}


@KINESIS.operation("UpdateQueue")
def update_queue(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"], active=True)
    _attributes(queue, req["QueueAttributes"])
    return {"QueueDescription": queue.describe()}


@KINESIS.operation("DeleteQueue")
def delete_queue(backend: KinesisBackend, req: Params) -> None:
    queue = queue_for(backend, req["QueueARN"])
    backend.resource_deleted(queues(backend), queue.name)


@KINESIS.operation("ListQueues")
def list_queues(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    listed = sorted(queues(backend).values(), key=lambda q: q.name)
    filters = req.get("StreamFilter")  # a list, as ListChannels' is
    if filters:
        wanted = [backend.find_stream({"StreamARN": f["StreamARN"]}) for f in filters]
        listed = [q for q in listed if any(s is w for s, _ in q.streams for w in wanted)]
    return page_of(
        req,
        f"queues:{backend.account}:{backend.region}",
        listed,
        "QueueSummaries",
        lambda q: q.summary(),
    )


# -- delivery ----------------------------------------------------------------------


def _record_id(queue: Queue, shard: Shard, index: int) -> str:
    digest = hashlib.sha256(f"{queue.arn}/{shard.shard_id}/{shard.created_at}/{index}".encode())
    return digest.hexdigest()[:32]


def _refresh(queue: Queue, now: float) -> None:
    """Records whose visibility ran out after their last allowed receive go dead."""
    limit = queue.max_receive_count
    if limit is None:
        return
    for delivery in queue.deliveries.values():
        if not delivery.dead and delivery.visible_at <= now and delivery.receive_count >= limit:
            delivery.dead = True
            delivery.visible_at = 0.0


def _handle(queue: Queue, delivery: Delivery) -> str:
    return seal(
        {"k": "rh", "q": queue.arn, "r": delivery.record_id, "g": delivery.handle_generation}
    )


def _queue_record(queue: Queue, delivery: Delivery) -> dict[str, Any] | None:
    shard, index = delivery.shard, delivery.index
    log = shard.log
    if not log.first_index <= index < log.end_index:
        return None  # past retention: no longer delivered
    (record,), _ = log.read(index, 1, 1 << 62)
    return {
        "ReceiptHandle": _handle(queue, delivery),
        "RecordId": delivery.record_id,
        "PartitionKey": record.get("PartitionKey"),
        "Data": record["Data"],
        "ApproximateArrivalTimestamp": record["ApproximateArrivalTimestamp"],
        "FirstReceiveTimestamp": delivery.first_receive,
        "ReceiveCount": delivery.receive_count,
    }


def _receive(queue: Queue, limit: int, timeout: int, now: float, dead: bool) -> list[Any]:
    received: list[dict[str, Any]] = []
    candidates = [d for d in queue.deliveries.values() if d.dead == dead and d.visible_at <= now]
    for delivery in candidates:
        if len(received) >= limit:
            break
        record = _deliver(queue, delivery, timeout, now)
        if record is not None:
            received.append(record)
    if dead:
        return received
    for stream, _ in queue.streams:
        for shard in stream.shards:
            stream.trim_expired(shard, now)
            cursor = max(queue.cursors.get(shard, shard.log.first_index), shard.log.first_index)
            while len(received) < limit and cursor < shard.log.end_index:
                delivery = Delivery(shard, cursor, _record_id(queue, shard, cursor))
                queue.deliveries[delivery.record_id] = delivery
                cursor += 1
                record = _deliver(queue, delivery, timeout, now)
                if record is not None:
                    received.append(record)
            queue.cursors[shard] = cursor
    return received


def _deliver(queue: Queue, delivery: Delivery, timeout: int, now: float) -> dict[str, Any] | None:
    if not delivery.receive_count:
        delivery.first_receive = now
    delivery.receive_count += 1
    delivery.handle_generation += 1
    delivery.visible_at = now + timeout
    record = _queue_record(queue, delivery)
    if record is None:
        del queue.deliveries[delivery.record_id]
    return record


@KINESIS.operation("ReceiveQueueRecords")
def receive_queue_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    return _receive_operation(backend, req, dead=False)


@KINESIS.operation("ReceiveDeadLetterQueueRecords")
def receive_dead_letter_queue_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    return _receive_operation(backend, req, dead=True)


def _receive_operation(backend: KinesisBackend, req: Params, *, dead: bool) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"], active=True)
    now = clock.now()
    _refresh(queue, now)
    timeout = req.get("VisibilityTimeoutSeconds", queue.visibility_timeout)
    return {"QueueRecords": _receive(queue, req.get("Limit", 10), timeout, now, dead)}


def _entries(queue: Queue, entries: list[dict[str, Any]], dead: bool, apply: Any) -> dict[str, Any]:
    """Run ``apply`` on each entry's delivery; report each entry on its own."""
    successful: list[dict[str, str]] = []
    failed: list[dict[str, str]] = []
    for entry in entries:
        handle = entry["ReceiptHandle"]
        payload = unseal(handle)
        delivery = (
            queue.deliveries.get(str(payload.get("r")))
            if payload is not None and payload.get("k") == "rh" and payload.get("q") == queue.arn
            else None
        )
        if (
            delivery is None
            or delivery.dead != dead
            or payload is None
            or payload.get("g") != delivery.handle_generation
        ):
            failed.append(
                {
                    "ReceiptHandle": handle,
                    "ErrorCode": "ReceiptHandleIsInvalid",
                    "ErrorMessage": "The receipt handle is not valid for this queue.",
                }
            )
            continue
        apply(delivery, entry)
        successful.append({"ReceiptHandle": handle})
    return {"Successful": successful, "Failed": failed}


def _acknowledge(queue: Queue) -> Any:
    def apply(delivery: Delivery, _: dict[str, Any]) -> None:
        # The queue forgets it (its cursor is past it, so it is never delivered
        # again); the record itself stays in the stream.
        del queue.deliveries[delivery.record_id]

    return apply


def _visibility(now: float) -> Any:
    def apply(delivery: Delivery, entry: dict[str, Any]) -> None:
        delivery.visible_at = now + entry["VisibilityTimeoutSeconds"]

    return apply


def _restore(delivery: Delivery, _: dict[str, Any]) -> None:
    delivery.dead = False
    delivery.receive_count = 0
    delivery.visible_at = 0.0


@KINESIS.operation("AcknowledgeQueueRecords")
def acknowledge_queue_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"])
    return _entries(queue, req["Entries"], False, _acknowledge(queue))


@KINESIS.operation("AcknowledgeDeadLetterQueueRecords")
def acknowledge_dead_letter_queue_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"])
    return _entries(queue, req["Entries"], True, _acknowledge(queue))


@KINESIS.operation("UpdateQueueRecordsVisibility")
def update_queue_records_visibility(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"])
    return _entries(queue, req["Entries"], False, _visibility(clock.now()))


@KINESIS.operation("UpdateDeadLetterQueueRecordsVisibility")
def update_dead_letter_queue_records_visibility(
    backend: KinesisBackend, req: Params
) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"])
    return _entries(queue, req["Entries"], True, _visibility(clock.now()))


@KINESIS.operation("RestoreDeadLetterQueueRecords")
def restore_dead_letter_queue_records(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    queue = queue_for(backend, req["QueueARN"])
    return _entries(queue, req["Entries"], True, _restore)

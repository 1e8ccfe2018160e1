"""Enhanced fan-out consumers: register, describe, list, deregister."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    ResourceInUseException,
    StreamNotFound,
)
from ..base import Params
from ..paging import page_of
from .backend import (
    CREATING,
    DELETING,
    KinesisBackend,
    active_stream,
    check_room_for_a_registered_consumer,
)
from .resources import Consumer, consumer_for
from .service import KINESIS


@KINESIS.operation("RegisterStreamConsumer")
def register_stream_consumer(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = active_stream(backend, {"StreamARN": req["StreamARN"]})
    name: str = req["ConsumerName"]
    if name in stream.consumers:
        raise ResourceInUseException(
            f"Consumer {stream.consumers[name].arn} under account {stream.account} already exists."
        )
    check_room_for_a_registered_consumer(backend, stream)
    now = clock.now()
    consumer = Consumer(
        name=name,
        arn=f"{stream.arn}/consumer/{name}:{int(now)}",
        status=CREATING,
        created_at=now,
        stream=stream,
    )
    stream.consumers[name] = consumer
    # The answer always says CREATING, as the service's documented examples
    # show; the consumer itself may be ACTIVE at once (no creation delay).
    answer = {"Consumer": consumer.summary()}
    backend.resource_created(consumer, now)
    return answer


@KINESIS.operation("DescribeStreamConsumer")
def describe_stream_consumer(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    consumer = consumer_for(backend, req)
    return {"ConsumerDescription": {**consumer.summary(), "StreamARN": consumer.stream.arn}}


@KINESIS.operation("DeregisterStreamConsumer")
def deregister_stream_consumer(backend: KinesisBackend, req: Params) -> None:
    consumer = consumer_for(backend, req)
    stream = consumer.stream
    if consumer.status == DELETING:
        return
    backend.resource_deleted(stream.consumers, consumer.name)


@KINESIS.operation("ListStreamConsumers")
def list_stream_consumers(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream({"StreamARN": req["StreamARN"]})
    creation: datetime | None = req.get("StreamCreationTimestamp")
    if creation is not None:
        if "NextToken" in req:
            raise InvalidArgumentException(
                "NextToken and StreamCreationTimestamp cannot be provided together."
            )
        if int(creation.timestamp()) != int(stream.created_at):
            raise StreamNotFound(stream.name, stream.account)
    consumers = sorted(stream.consumers.values(), key=lambda c: (c.created_at, c.name))
    return page_of(req, f"consumers:{stream.arn}", consumers, "Consumers", Consumer.summary)

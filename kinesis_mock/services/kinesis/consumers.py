"""Enhanced fan-out consumers: register, describe, list, deregister."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    ResourceInUseException,
    ResourceNotFoundException,
    StreamNotFound,
)
from ..base import Params
from ..paging import page_of
from .backend import (
    CREATING,
    DELETING,
    KinesisBackend,
    Stream,
    active_stream,
    check_room_for_a_registered_consumer,
)
from .lifecycle import created, deleted
from .service import KINESIS

_CONSUMER_ARN = re.compile(
    r"arn:[\w-]+:kinesis:[^:]*:(\d{12}):stream/([^/]+)/consumer/([^:]+):(\d+)"
)


@dataclass(eq=False)
class Consumer:
    name: str
    arn: str
    status: str
    created_at: float
    stream: Stream
    # When the latest SubscribeToShard began, by shard id.
    subscriptions: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    policy: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "ConsumerName": self.name,
            "ConsumerARN": self.arn,
            "ConsumerStatus": self.status,
            "ConsumerCreationTimestamp": self.created_at,
        }


def consumer_for(backend: KinesisBackend, req: Params) -> Consumer:
    """The consumer a request names: by ConsumerARN, or StreamARN + ConsumerName."""
    arn: str | None = req.get("ConsumerARN")
    if arn is not None:
        match = _CONSUMER_ARN.fullmatch(arn)
        if match is None:
            raise InvalidArgumentException(f"Invalid ConsumerARN: {arn}")
        account, _, name, created = match.groups()
        stream_arn = arn.split("/consumer/")[0]
        stream = backend.find_stream({"StreamARN": stream_arn})
        consumer: Consumer | None = stream.consumers.get(name)
        if consumer is None or int(consumer.created_at) != int(created):
            raise _consumer_not_found(arn, account)
        return consumer
    if req.get("StreamARN") is None or req.get("ConsumerName") is None:
        raise InvalidArgumentException(
            "Either ConsumerARN or both StreamARN and ConsumerName must be provided."
        )
    stream = backend.find_stream({"StreamARN": req["StreamARN"]})
    named: Consumer | None = stream.consumers.get(req["ConsumerName"])
    if named is None:
        raise _consumer_not_found(f"{stream.arn}/consumer/{req['ConsumerName']}", stream.account)
    return named


def _consumer_not_found(arn: str, account: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Consumer {arn} under account {account} not found.")


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
    created(backend, consumer, now)
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
    deleted(backend, stream.consumers, consumer.name)


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

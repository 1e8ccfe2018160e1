"""The account's resources other than streams: enhanced fan-out consumers,
queues and channels (what each is, and how a request finds one by its ARN
or names), and the lookups several handler modules share: the stream or
consumer a resource policy names, the resource a tag operation names.

Handler modules (consumers.py, queues.py, channels.py, policies.py,
tagging.py, subscriptions.py) import these, not each other."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...protocol.errors import InvalidArgumentException, NotActive, ResourceNotFoundException
from ..base import Params
from .backend import ACTIVE, KinesisBackend, Shard, Stream

# -- enhanced fan-out consumers -----------------------------------------------------

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


# -- channels --------------------------------------------------------------------


@dataclass(eq=False)
class Channel:
    name: str
    arn: str
    channel_id: str
    status: str
    created_at: float
    role_arn: str
    streams: list[tuple[Stream, dict[str, Any]]]
    settings: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "ChannelName": self.name,
            "ChannelARN": self.arn,
            "ChannelId": self.channel_id,
            "ChannelStatus": self.status,
            "ChannelCreationTimestamp": self.created_at,
            "ServiceExecutionRoleARN": self.role_arn,
            "StreamConfigurationList": [config for _, config in self.streams],
            "LoggingConfiguration": self.settings.get(
                "LoggingConfiguration", {"CloudWatchLogs": {"Enabled": False}}
            ),
            **{key: value for key, value in self.settings.items() if key != "LoggingConfiguration"},
        }

    def summary(self) -> dict[str, Any]:
        return {
            "ChannelName": self.name,
            "ChannelARN": self.arn,
            "ChannelId": self.channel_id,
            "ChannelStatus": self.status,
            "ChannelCreationTimestamp": self.created_at,
            "ChannelDestinationType": "S3"
            if "S3DestinationConfiguration" in self.settings
            else "S3_TABLES",
            "Streams": [
                {"StreamARN": stream.arn, "StreamCreationTimestamp": stream.created_at}
                for stream, _ in self.streams
            ],
        }


def channels(backend: KinesisBackend) -> dict[str, Channel]:
    """The account's channels in this region, by name."""
    found: dict[str, Channel] = backend.resources.setdefault("channels", {})
    return found


def channel_for(backend: KinesisBackend, arn: str) -> Channel:
    """The channel a ChannelARN names."""
    channel = channels(backend).get(arn.rpartition("/")[2])
    if channel is None or channel.arn != arn:
        raise ResourceNotFoundException(f"Channel {arn} under account {backend.account} not found.")
    return channel


# -- queues ----------------------------------------------------------------------

DEFAULT_VISIBILITY_TIMEOUT = 30
DEFAULT_MAX_RECEIVE_COUNT = 6


@dataclass
class Delivery:
    """A record the queue has handed out at least once."""

    shard: Shard
    index: int
    record_id: str
    receive_count: int = 0
    first_receive: float = 0.0
    visible_at: float = 0.0
    dead: bool = False
    # The receive the current receipt handle belongs to.
    handle_generation: int = 0


@dataclass(eq=False)
class Queue:
    name: str
    arn: str
    status: str
    created_at: float
    streams: list[tuple[Stream, dict[str, Any] | None]]
    visibility_timeout: int = DEFAULT_VISIBILITY_TIMEOUT
    dead_letter: dict[str, Any] = field(
        default_factory=lambda: {
            "TargetType": "BUILT_IN",
            "MaxReceiveCount": DEFAULT_MAX_RECEIVE_COUNT,
        }
    )
    tags: dict[str, str] = field(default_factory=dict)
    # Next record index to hand out, per shard.
    cursors: dict[Shard, int] = field(default_factory=dict)
    deliveries: dict[str, Delivery] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "QueueName": self.name,
            "QueueARN": self.arn,
            "QueueStatus": self.status,
            "QueueCreationTimestamp": self.created_at,
            "StreamConfigurationList": [
                {"StreamARN": stream.arn, "StartingPosition": position}
                for stream, position in self.streams
            ],
            "QueueAttributes": {
                "VisibilityTimeoutSeconds": self.visibility_timeout,
                "DeadLetterConfiguration": dict(self.dead_letter),
            },
        }

    def summary(self) -> dict[str, Any]:
        return {
            "QueueName": self.name,
            "QueueARN": self.arn,
            "QueueStatus": self.status,
            "QueueCreationTimestamp": self.created_at,
            "Streams": [
                {"StreamARN": stream.arn, "StreamCreationTimestamp": stream.created_at}
                for stream, _ in self.streams
            ],
        }

    @property
    def max_receive_count(self) -> int | None:
        if self.dead_letter.get("TargetType") == "NONE":
            return None
        return int(self.dead_letter.get("MaxReceiveCount", DEFAULT_MAX_RECEIVE_COUNT))


def queues(backend: KinesisBackend) -> dict[str, Queue]:
    """The account's queues in this region, by name."""
    found: dict[str, Queue] = backend.resources.setdefault("queues", {})
    return found


def queue_for(backend: KinesisBackend, arn: str, *, active: bool = False) -> Queue:
    """The queue a QueueARN names (which must be ACTIVE when ``active``)."""
    queue = queues(backend).get(arn.rpartition("/")[2])
    if queue is None or queue.arn != arn:
        raise ResourceNotFoundException(f"Queue {arn} under account {backend.account} not found.")
    if active and queue.status != ACTIVE:
        raise NotActive("Queue", queue.name, backend.account, queue.status)
    return queue


# -- lookups by ARN --------------------------------------------------------------


def resource_for(backend: KinesisBackend, arn: str) -> Stream | Consumer:
    """The stream or consumer a resource ARN names."""
    if "/consumer/" in arn:
        return consumer_for(backend, {"ConsumerARN": arn})
    if arn.rpartition(":")[2].startswith("stream/"):
        return backend.find_stream({"StreamARN": arn})
    raise ResourceNotFoundException(f"Resource {arn} not found.")


Taggable = Stream | Consumer | Queue | Channel


def taggable(backend: KinesisBackend, arn: str) -> Taggable:
    """The stream, consumer, queue or channel a resource ARN names."""
    kind = arn.split(":", 5)[-1].split("/", 1)[0]
    if kind == "queue":
        return queue_for(backend, arn)
    if kind == "channel":
        return channel_for(backend, arn)
    return resource_for(backend, arn)

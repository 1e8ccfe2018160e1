"""The Kinesis Data Streams service definition handlers register on."""

from __future__ import annotations

from ...settings import Settings
from ..base import ServiceDefinition
from .backend import KinesisBackend


def _backend(account: str, region: str, settings: Settings) -> KinesisBackend:
    return KinesisBackend(account, region, settings)


KINESIS = ServiceDefinition(
    name="kinesis",
    state_name="kinesis",
    backend_factory=_backend,
    # Orders the service was seen to report validation errors in; other
    # members follow in model order.
    member_order={
        "CreateStream": ("ShardCount", "StreamName"),
        "DescribeStream": ("Limit", "ExclusiveStartShardId", "StreamName"),
        "ListStreams": ("Limit", "ExclusiveStartStreamName"),
        "ListTagsForStream": ("Limit", "ExclusiveStartTagKey", "StreamName"),
        "PutRecord": (
            "SequenceNumberForOrdering",
            "PartitionKey",
            "ExplicitHashKey",
            "Data",
            "StreamName",
        ),
        "PutRecords": ("Records", "StreamName"),
    },
)

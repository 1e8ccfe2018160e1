"""The Kinesis Data Streams service definition handlers register on."""

from __future__ import annotations

from ...settings import Settings
from ..base import ServiceDefinition
from .backend import KinesisBackend
from .faults import fault_message, fault_target


def _backend(account: str, region: str, settings: Settings) -> KinesisBackend:
    return KinesisBackend(account, region, settings)


KINESIS: ServiceDefinition[KinesisBackend] = ServiceDefinition(
    name="kinesis",
    state_name="kinesis",
    backend_factory=_backend,
    fault_target=fault_target,
    fault_message=fault_message,
    # Orders the service was seen to report validation errors (and list enum
    # values) in, per shape name (kinesalite's recordings, mhart/kinesalite
    # validations/*.js and test/*.js); other members follow in model order.
    report_order={
        "AddTagsToStreamInput": ("Tags", "StreamName"),
        "CreateStreamInput": ("ShardCount", "StreamName"),
        "DecreaseStreamRetentionPeriodInput": ("RetentionPeriodHours", "StreamName"),
        "DescribeStreamInput": ("Limit", "ExclusiveStartShardId", "StreamName"),
        "GetRecordsInput": ("Limit", "ShardIterator"),
        "GetShardIteratorInput": (
            "ShardId",
            "ShardIteratorType",
            "StartingSequenceNumber",
            "StreamName",
            "Timestamp",
        ),
        "IncreaseStreamRetentionPeriodInput": ("RetentionPeriodHours", "StreamName"),
        "ListShardsInput": (
            "ExclusiveStartShardId",
            "MaxResults",
            "NextToken",
            "StreamCreationTimestamp",
            "StreamName",
        ),
        "ListStreamsInput": ("Limit", "ExclusiveStartStreamName"),
        "ListTagsForStreamInput": ("Limit", "ExclusiveStartTagKey", "StreamName"),
        "MergeShardsInput": ("ShardToMerge", "AdjacentShardToMerge", "StreamName"),
        "PutRecordInput": (
            "SequenceNumberForOrdering",
            "PartitionKey",
            "ExplicitHashKey",
            "Data",
            "StreamName",
        ),
        "PutRecordsInput": ("Records", "StreamName"),
        "PutRecordsRequestEntry": ("PartitionKey", "ExplicitHashKey", "Data"),
        "RemoveTagsFromStreamInput": ("TagKeys", "StreamName"),
        "SplitShardInput": ("NewStartingHashKey", "StreamName", "ShardToSplit"),
        "ShardIteratorType": (
            "AFTER_SEQUENCE_NUMBER",
            "LATEST",
            "AT_TIMESTAMP",
            "AT_SEQUENCE_NUMBER",
            "TRIM_HORIZON",
        ),
    },
)

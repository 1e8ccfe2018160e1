"""Stream lifecycle: CreateStream, DescribeStream(Summary), ListStreams, DeleteStream."""

from __future__ import annotations

from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    LimitExceededException,
    ResourceInUseException,
    StreamNotFound,
)
from ..base import Params
from ..paging import issue_token, open_token
from .backend import (
    AUTO,
    CREATING,
    DELETING,
    ON_DEMAND,
    PROVISIONED,
    USER_PARTITION_KEY,
    KinesisBackend,
    Stream,
    attached,
)
from .service import KINESIS
from .tag_rules import check_new_tags

ON_DEMAND_SHARD_COUNT = 4
MAX_STREAMS_CREATING = 5
PAGE_LIMIT = 100


@KINESIS.operation("CreateStream")
def create_stream(backend: KinesisBackend, req: Params) -> None:
    name: str = req["StreamName"]
    shard_count: int | None = req.get("ShardCount")
    # With neither a mode nor a shard count the service creates a 4-shard
    # stream; we report it as ON_DEMAND, the mode that has 4 shards by default.
    mode = req.get("StreamModeDetails", {}).get(
        "StreamMode", PROVISIONED if shard_count is not None else ON_DEMAND
    )
    if mode == ON_DEMAND and shard_count is not None:
        raise InvalidArgumentException("ShardCount is not expected when StreamMode=ON_DEMAND")
    if mode == PROVISIONED and shard_count is None:
        raise InvalidArgumentException("ShardCount is required when StreamMode=PROVISIONED")
    strategy = req.get("RecordDistributionStrategy", USER_PARTITION_KEY)
    if strategy == AUTO and mode != ON_DEMAND:
        raise InvalidArgumentException(
            "RecordDistributionStrategy AUTO is only supported for streams in ON_DEMAND mode."
        )
    warm_throughput = req.get("WarmThroughputMiBps")
    if mode == PROVISIONED and warm_throughput is not None:
        raise InvalidArgumentException(
            "WarmThroughputMiBps is not expected when StreamMode=PROVISIONED"
        )
    if name in backend.streams:
        raise ResourceInUseException(
            f"Stream {name} under account {backend.account} already exists."
        )
    count = shard_count if shard_count is not None else ON_DEMAND_SHARD_COUNT
    _check_limits(backend, mode, count)
    tags: dict[str, str] = req.get("Tags", {})
    check_new_tags(name, backend.account, tags)

    now = clock.now()
    stream = Stream(
        name=name,
        arn=backend.stream_arn(name),
        stream_id=backend.new_stream_id(),
        account=backend.account,
        region=backend.region,
        created_at=now,
        mode=mode,
        status=CREATING,
        shards=backend.make_shards(count, now),
        tags={key: value or "" for key, value in tags.items()},
        warm_throughput_mibps=warm_throughput,
        record_distribution_strategy=strategy,
    )
    if "MaxRecordSizeInKiB" in req:
        stream.max_record_size_kib = req["MaxRecordSizeInKiB"]
    backend.add_stream(stream)
    backend.transition(stream, CREATING, backend.settings.stream_create_delay, now=now)


def _check_limits(backend: KinesisBackend, mode: str, count: int) -> None:
    streams = backend.streams.values()
    creating = sum(1 for stream in streams if stream.status == CREATING)
    if creating >= MAX_STREAMS_CREATING:
        raise LimitExceededException(
            f"This request would exceed the limit of {MAX_STREAMS_CREATING} streams in the "
            f"CREATING state for the account {backend.account} in {backend.region}."
        )
    if mode == ON_DEMAND:
        limit = backend.settings.on_demand_stream_limit
        current = sum(1 for stream in streams if stream.mode == ON_DEMAND)
        if current + 1 > limit:
            raise LimitExceededException(
                "This request would exceed the on-demand stream limit for the account "
                f"{backend.account} in {backend.region}. Current on-demand stream count for "
                f"the account: {current}. Limit: {limit}."
            )
        return
    backend.check_shard_limit(count)


@KINESIS.operation("DescribeStream")
def describe_stream(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    limit = min(req.get("Limit", PAGE_LIMIT), PAGE_LIMIT)
    shards = stream.visible_shards(clock.now())
    start = req.get("ExclusiveStartShardId")
    if start is not None:
        # Shard ids sort in creation order, so the page starts after the
        # first shard whose id is greater.
        shards = [shard for shard in shards if shard.shard_id > start]
    page = shards[:limit]
    return {
        "StreamDescription": {
            "StreamName": stream.name,
            "StreamARN": stream.arn,
            "StreamStatus": stream.status,
            "StreamModeDetails": stream.mode_details(),
            "Shards": [shard.describe() for shard in page],
            "HasMoreShards": len(shards) > limit,
            "RetentionPeriodHours": stream.retention_hours,
            "StreamCreationTimestamp": stream.created_at,
            "EnhancedMonitoring": stream.enhanced_monitoring(),
            "EncryptionType": stream.encryption_type,
            "KeyId": stream.key_id,
        }
    }


@KINESIS.operation("DescribeStreamSummary")
def describe_stream_summary(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    return {
        "StreamDescriptionSummary": {
            "StreamName": stream.name,
            "StreamARN": stream.arn,
            "StreamId": stream.stream_id,
            "StreamStatus": stream.status,
            "StreamModeDetails": stream.mode_details(),
            "RetentionPeriodHours": stream.retention_hours,
            "StreamCreationTimestamp": stream.created_at,
            "EnhancedMonitoring": stream.enhanced_monitoring(),
            "EncryptionType": stream.encryption_type,
            "KeyId": stream.key_id,
            "OpenShardCount": len(stream.open_shards())
            if stream.status not in (CREATING, DELETING)
            else 0,
            # Queues share the consumers' limit but are counted apart (the
            # model's documentation of ConsumerCount says so).
            "ConsumerCount": len(stream.consumers),
            "QueueCount": attached(backend, "queues", stream),
            "ChannelCount": attached(backend, "channels", stream),
            "WarmThroughput": stream.warm_throughput(),
            "MaxRecordSizeInKiB": stream.max_record_size_kib,
            "RecordDistributionStrategy": stream.record_distribution_strategy,
        }
    }


@KINESIS.operation("ListStreams")
def list_streams(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    limit = min(req.get("Limit", PAGE_LIMIT), PAGE_LIMIT)
    start: str | None = req.get("ExclusiveStartStreamName")
    token: str | None = req.get("NextToken")
    if token is not None:
        if start is not None:
            raise InvalidArgumentException(
                "NextToken and ExclusiveStartStreamName cannot be provided together."
            )
        start = _open_list_streams_token(backend, token)
    names = backend.names_after(start)
    page = names[:limit]
    has_more = len(names) > limit
    streams = backend.streams
    return {
        "StreamNames": page,
        "HasMoreStreams": has_more,
        "NextToken": issue_token(_list_streams_scope(backend), {"after": page[-1]})
        if has_more
        else None,
        "StreamSummaries": [
            {
                "StreamName": name,
                "StreamARN": streams[name].arn,
                "StreamStatus": streams[name].status,
                "StreamModeDetails": streams[name].mode_details(),
                "StreamCreationTimestamp": streams[name].created_at,
            }
            for name in page
        ],
    }


def _list_streams_scope(backend: KinesisBackend) -> str:
    return f"ListStreams:{backend.account}:{backend.region}"


def _open_list_streams_token(backend: KinesisBackend, token: str) -> str:
    # ListStreams words an expired token its own way, naming it.
    state = open_token(
        token, _list_streams_scope(backend), expired=f"The NextToken has expired: {token}"
    )
    return str(state["after"])


@KINESIS.operation("DeleteStream")
def delete_stream(backend: KinesisBackend, req: Params) -> None:
    stream = backend.find_stream(req)
    if stream.status == DELETING:
        raise StreamNotFound(stream.name, stream.account)
    if stream.consumers and not req.get("EnforceConsumerDeletion", False):
        raise ResourceInUseException(
            f"DeleteStream can\u2019t delete {backend.account}:{stream.name} because there are "
            "consumers associated with this data stream. To delete "
            f"{stream.name} anyway, set the EnforceConsumerDeletion parameter to true to "
            "force the deletion of all the consumers that are associated with it."
        )
    stream.consumers.clear()
    backend.delete_stream(stream, clock.now())

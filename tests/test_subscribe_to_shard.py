"""SubscribeToShard: records pushed to a consumer as an event stream."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EventStreamError
from freezegun import freeze_time
from helpers import ACCOUNT, REGION, error_of

from kinesis_mock import mock_kinesis

SHARD = "shardId-000000000000"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"


def _setup(client: Any, shards: int = 1) -> str:
    client.create_stream(StreamName="s", ShardCount=shards)
    consumer = client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
    return str(consumer["Consumer"]["ConsumerARN"])


def _events(client: Any, consumer: str, **position: Any) -> list[dict[str, Any]]:
    response = client.subscribe_to_shard(
        ConsumerARN=consumer, ShardId=position.pop("ShardId", SHARD), StartingPosition=position
    )
    return [event["SubscribeToShardEvent"] for event in response["EventStream"]]


def test_records_arrive_as_events(kinesis: Any) -> None:
    consumer = _setup(kinesis)
    numbers = [
        kinesis.put_record(StreamName="s", Data=f"r{i}".encode(), PartitionKey="k")[
            "SequenceNumber"
        ]
        for i in range(3)
    ]
    events = _events(kinesis, consumer, Type="TRIM_HORIZON")
    records = [r for event in events for r in event["Records"]]
    assert [r["Data"] for r in records] == [b"r0", b"r1", b"r2"]
    assert events[-1]["ContinuationSequenceNumber"] == numbers[-1]
    assert events[-1]["MillisBehindLatest"] == 0


def test_starting_positions(kinesis: Any) -> None:
    consumer = _setup(kinesis)
    numbers = [
        kinesis.put_record(StreamName="s", Data=f"r{i}".encode(), PartitionKey="k")[
            "SequenceNumber"
        ]
        for i in range(3)
    ]

    def data(events: list[dict[str, Any]]) -> list[bytes]:
        return [r["Data"] for event in events for r in event["Records"]]

    assert data(
        _events(kinesis, consumer, Type="AT_SEQUENCE_NUMBER", SequenceNumber=numbers[1])
    ) == [b"r1", b"r2"]
    with freeze_time() as frozen:
        frozen.tick(6)  # the next subscription to this shard must wait 5 seconds
        assert data(
            _events(kinesis, consumer, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=numbers[1])
        ) == [b"r2"]
        frozen.tick(6)
        assert data(_events(kinesis, consumer, Type="LATEST")) == []


def test_a_second_subscription_within_five_seconds(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-01-01") as frozen:
        consumer = _setup(client)
        _events(client, consumer, Type="LATEST")
        frozen.tick(4)
        with pytest.raises(ClientError) as excinfo:
            _events(client, consumer, Type="LATEST")
        assert error_of(excinfo) == (
            "ResourceInUseException",
            f"Another active subscription exists for this consumer: {ACCOUNT}:s:{SHARD}:app",
            400,
        )
        frozen.tick(1)
        _events(client, consumer, Type="LATEST")


def test_consumer_must_be_active() -> None:
    with freeze_time("2026-01-01"), mock_kinesis(consumer_create_delay=10):
        client = boto3.client("kinesis", region_name=REGION)
        consumer = _setup(client)
        with pytest.raises(client.exceptions.ResourceInUseException) as excinfo:
            _events(client, consumer, Type="LATEST")
    assert "is not in ACTIVE status." in excinfo.value.response["Error"]["Message"]


def test_end_of_a_closed_shard_names_its_children(kinesis: Any) -> None:
    consumer = _setup(kinesis)
    kinesis.put_record(StreamName="s", Data=b"old", PartitionKey="k")
    kinesis.split_shard(StreamName="s", ShardToSplit=SHARD, NewStartingHashKey=str(2**127))
    events = _events(kinesis, consumer, Type="TRIM_HORIZON")
    assert [r["Data"] for r in events[0]["Records"]] == [b"old"]
    assert "ContinuationSequenceNumber" not in events[-1]
    assert [c["ShardId"] for c in events[-1]["ChildShards"]] == [
        "shardId-000000000001",
        "shardId-000000000002",
    ]


def test_records_written_while_reading_are_delivered(kinesis_mock: Any) -> None:
    kinesis_mock.settings.subscription_wait_seconds = 2
    client = boto3.client("kinesis", region_name=REGION)
    consumer = _setup(client)
    response = client.subscribe_to_shard(
        ConsumerARN=consumer, ShardId=SHARD, StartingPosition={"Type": "LATEST"}
    )
    stream = iter(response["EventStream"])
    assert next(stream)["SubscribeToShardEvent"]["Records"] == []
    writer = threading.Timer(
        0.2, lambda: client.put_record(StreamName="s", Data=b"late", PartitionKey="k")
    )
    writer.start()
    event = next(stream)["SubscribeToShardEvent"]
    writer.join()
    assert [r["Data"] for r in event["Records"]] == [b"late"]


def test_subscription_ends_after_five_minutes(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-01-01") as frozen:
        consumer = _setup(client)
        client.put_record(StreamName="s", Data=b"a", PartitionKey="k")
        kinesis_mock.settings.subscription_wait_seconds = 0.2
        response = client.subscribe_to_shard(
            ConsumerARN=consumer, ShardId=SHARD, StartingPosition={"Type": "TRIM_HORIZON"}
        )
        stream = iter(response["EventStream"])
        next(stream)
        frozen.tick(300)
        client.put_record(StreamName="s", Data=b"b", PartitionKey="k")
        assert list(stream) == []


def test_a_deleted_stream_ends_the_subscription_with_an_error(kinesis_mock: Any) -> None:
    kinesis_mock.settings.subscription_wait_seconds = 2
    client = boto3.client("kinesis", region_name=REGION)
    consumer = _setup(client)
    response = client.subscribe_to_shard(
        ConsumerARN=consumer, ShardId=SHARD, StartingPosition={"Type": "LATEST"}
    )
    stream = iter(response["EventStream"])
    next(stream)
    client.delete_stream(StreamName="s", EnforceConsumerDeletion=True)
    with pytest.raises(EventStreamError) as excinfo:
        next(stream)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_unknown_consumer(kinesis: Any) -> None:
    _setup(kinesis)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        _events(kinesis, f"{STREAM_ARN}/consumer/ghost:1", Type="LATEST")


def test_at_timestamp_starting_position(kinesis_mock: Any) -> None:
    from datetime import datetime, timezone

    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-01-01 12:00:00") as frozen:
        consumer = _setup(client)
        client.put_record(StreamName="s", Data=b"early", PartitionKey="k")
        frozen.tick(10)
        client.put_record(StreamName="s", Data=b"late", PartitionKey="k")
        events = _events(
            client,
            consumer,
            Type="AT_TIMESTAMP",
            Timestamp=datetime(2026, 1, 1, 12, 0, 5, tzinfo=timezone.utc),
        )
    assert [r["Data"] for e in events for r in e["Records"]] == [b"late"]

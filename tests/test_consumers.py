"""Enhanced fan-out consumers: register, describe, list, deregister."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, NO_RETRIES, REGION, error_of

from kinesis_mock import mock_kinesis

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"


@pytest.fixture
def stream(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    return kinesis


def test_register_and_describe(stream: Any) -> None:
    with freeze_time("2026-03-01 12:00:00"):
        consumer = stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")[
            "Consumer"
        ]
    assert consumer["ConsumerName"] == "app"
    assert consumer["ConsumerARN"] == f"{STREAM_ARN}/consumer/app:1772366400"
    # Registration answers CREATING; without a creation delay the consumer
    # is ACTIVE by the next call (tests/test_recorded_wire.py).
    assert consumer["ConsumerStatus"] == "CREATING"
    by_arn = stream.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    by_name = stream.describe_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
    assert by_arn["ConsumerDescription"] == by_name["ConsumerDescription"]
    assert by_arn["ConsumerDescription"]["StreamARN"] == STREAM_ARN
    summary = stream.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
    assert summary["ConsumerCount"] == 1


def test_duplicate_name(stream: Any) -> None:
    stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
    with pytest.raises(stream.exceptions.ResourceInUseException):
        stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")


def test_at_most_20_consumers(stream: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
    for i in range(20):
        client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName=f"c{i}")
    with pytest.raises(client.exceptions.LimitExceededException):
        client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="one-more")


def test_missing_consumer(stream: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        stream.describe_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="ghost")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_list_and_paginate(stream: Any) -> None:
    for i in range(7):
        stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName=f"c{i}")
    first = stream.list_stream_consumers(StreamARN=STREAM_ARN, MaxResults=3)
    assert [c["ConsumerName"] for c in first["Consumers"]] == ["c0", "c1", "c2"]
    pages = stream.get_paginator("list_stream_consumers").paginate(
        StreamARN=STREAM_ARN, PaginationConfig={"PageSize": 3}
    )
    assert [c["ConsumerName"] for p in pages for c in p["Consumers"]] == [f"c{i}" for i in range(7)]


def test_deregister(stream: Any) -> None:
    arn = stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")["Consumer"][
        "ConsumerARN"
    ]
    stream.deregister_stream_consumer(ConsumerARN=arn)
    assert stream.list_stream_consumers(StreamARN=STREAM_ARN)["Consumers"] == []


def test_consumer_transitions_on_the_clock() -> None:
    with (
        freeze_time("2026-01-01") as frozen,
        mock_kinesis(consumer_create_delay=5, consumer_delete_delay=5),
    ):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        consumer = client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
        assert consumer["Consumer"]["ConsumerStatus"] == "CREATING"
        frozen.tick(5)
        description = client.describe_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
        assert description["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE"
        client.deregister_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
        description = client.describe_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
        assert description["ConsumerDescription"]["ConsumerStatus"] == "DELETING"
        frozen.tick(5)
        assert client.list_stream_consumers(StreamARN=STREAM_ARN)["Consumers"] == []


def test_delete_stream_with_consumers_needs_enforce(stream: Any) -> None:
    stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
    with pytest.raises(ClientError) as excinfo:
        stream.delete_stream(StreamName="s")
    assert error_of(excinfo) == (
        "ResourceInUseException",
        f"DeleteStream can\u2019t delete {ACCOUNT}:s because there are consumers associated "
        "with this data stream. To delete s anyway, set the EnforceConsumerDeletion parameter "
        "to true to force the deletion of all the consumers that are associated with it.",
        400,
    )
    stream.delete_stream(StreamName="s", EnforceConsumerDeletion=True)
    assert stream.list_streams()["StreamNames"] == []

"""ListShards: paging, tokens and every ShardFilter type."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import REGION, error_of

from kinesis_mock import mock_kinesis


def _ids(response: dict[str, Any]) -> list[str]:
    return [shard["ShardId"] for shard in response["Shards"]]


def test_lists_the_shards(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=3)
    listing = kinesis.list_shards(StreamName="s")
    assert _ids(listing) == [f"shardId-00000000000{i}" for i in range(3)]
    assert "NextToken" not in listing
    assert listing["Shards"][0]["HashKeyRange"]["StartingHashKey"] == "0"


def test_pages_with_next_token(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=10)
    first = kinesis.list_shards(StreamName="s", MaxResults=4)
    assert len(first["Shards"]) == 4
    second = kinesis.list_shards(NextToken=first["NextToken"], MaxResults=4)
    third = kinesis.list_shards(NextToken=second["NextToken"], MaxResults=4)
    assert len(third["Shards"]) == 2 and "NextToken" not in third
    assert _ids(first) + _ids(second) + _ids(third) == [f"shardId-{i:012d}" for i in range(10)]


def test_the_boto3_paginator_fails_past_one_page_as_against_the_service(kinesis: Any) -> None:
    # The issue asked for the list_shards paginator to walk every shard; the
    # service refuses the paginator's second request, which repeats
    # StreamName beside NextToken (boto/botocore#2009), and so do we.
    kinesis.create_stream(StreamName="s", ShardCount=10)
    one_page = kinesis.get_paginator("list_shards").paginate(StreamName="s")
    assert len([s for page in one_page for s in _ids(page)]) == 10
    pages = kinesis.get_paginator("list_shards").paginate(
        StreamName="s", PaginationConfig={"PageSize": 3}
    )
    with pytest.raises(ClientError) as excinfo:
        list(pages)
    assert error_of(excinfo)[1] == "NextToken and StreamName cannot be provided together."


def test_at_most_1000_per_page(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1100)
    page = kinesis.list_shards(StreamName="s", MaxResults=5000)
    assert len(page["Shards"]) == 1000
    assert "NextToken" in page


def test_exclusive_start_shard_id(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=4)
    listing = kinesis.list_shards(StreamName="s", ExclusiveStartShardId="shardId-000000000001")
    assert _ids(listing) == ["shardId-000000000002", "shardId-000000000003"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "Either NextToken or StreamName should be provided."),
        ({"StreamName": "s"}, "NextToken and StreamName cannot be provided together."),
        (
            {"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s"},
            "NextToken and StreamARN cannot be provided together.",
        ),
        (
            {"ExclusiveStartShardId": "shardId-000000000000"},
            "NextToken and ExclusiveStartShardId cannot be provided together.",
        ),
        (
            {"ShardFilter": {"Type": "AT_LATEST"}},
            "NextToken and ShardFilter cannot be provided together.",
        ),
    ],
)
def test_argument_conflicts(kinesis: Any, arguments: dict[str, Any], message: str) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=3)
    token = kinesis.list_shards(StreamName="s", MaxResults=1)["NextToken"]
    if arguments:
        arguments = {**arguments, "NextToken": token}
    with pytest.raises(ClientError) as excinfo:
        kinesis.list_shards(**arguments)
    assert error_of(excinfo) == ("InvalidArgumentException", message, 400)


def test_next_token_expires_after_300_seconds(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-01-01") as frozen:
        client.create_stream(StreamName="s", ShardCount=3)
        token = client.list_shards(StreamName="s", MaxResults=1)["NextToken"]
        frozen.tick(301)
        with pytest.raises(client.exceptions.ExpiredNextTokenException):
            client.list_shards(NextToken=token)


def test_invented_token(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.list_shards(NextToken="bm90IGEgdG9rZW4=")


def test_stream_creation_timestamp_must_match(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    created = kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"][
        "StreamCreationTimestamp"
    ]
    assert len(kinesis.list_shards(StreamName="s", StreamCreationTimestamp=created)["Shards"]) == 1
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.list_shards(StreamName="s", StreamCreationTimestamp=created - timedelta(days=1))


def _resharded(client: Any, frozen: Any) -> None:
    """shard 0 and 1 at 12:00; shard 0 split at 12:10 into 2 and 3."""
    client.create_stream(StreamName="s", ShardCount=2)
    frozen.tick(600)
    client.split_shard(
        StreamName="s",
        ShardToSplit="shardId-000000000000",
        NewStartingHashKey=str(2**126),
    )


@pytest.mark.parametrize(
    ("shard_filter", "expected"),
    [
        ({"Type": "AT_LATEST"}, [1, 2, 3]),
        ({"Type": "AT_TRIM_HORIZON"}, [0, 1]),
        ({"Type": "FROM_TRIM_HORIZON"}, [0, 1, 2, 3]),
        ({"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000001"}, [2, 3]),
        ({"Type": "AT_TIMESTAMP", "Timestamp": "2026-01-01T12:05:00Z"}, [0, 1]),
        ({"Type": "AT_TIMESTAMP", "Timestamp": "2026-01-01T12:15:00Z"}, [1, 2, 3]),
        ({"Type": "FROM_TIMESTAMP", "Timestamp": "2026-01-01T12:05:00Z"}, [0, 1, 2, 3]),
        ({"Type": "FROM_TIMESTAMP", "Timestamp": "2026-01-01T12:15:00Z"}, [1, 2, 3]),
    ],
)
def test_shard_filters(shard_filter: dict[str, Any], expected: list[int]) -> None:
    with freeze_time("2026-01-01 12:00:00") as frozen, mock_kinesis():
        client = boto3.client("kinesis", region_name=REGION)
        _resharded(client, frozen)
        frozen.tick(600)
        if "Timestamp" in shard_filter:
            shard_filter = {
                **shard_filter,
                "Timestamp": datetime.fromisoformat(
                    shard_filter["Timestamp"].replace("Z", "+00:00")
                ).astimezone(timezone.utc),
            }
        listing = client.list_shards(StreamName="s", ShardFilter=shard_filter)
        assert _ids(listing) == [f"shardId-{i:012d}" for i in expected]


@pytest.mark.parametrize("kind", ["AFTER_SHARD_ID", "AT_TIMESTAMP", "FROM_TIMESTAMP"])
def test_filters_missing_their_argument(kind: str, kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION, config=Config(parameter_validation=False))
    client.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.list_shards(StreamName="s", ShardFilter={"Type": kind})

"""Stream lifecycle through boto3: create, describe, list, delete."""

from __future__ import annotations

import itertools
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import ACCOUNT, NO_RETRIES, REGION, error_of

HASH_SPACE = 2**128


def test_create_stream_splits_the_hash_key_space_like_the_service(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="orders", ShardCount=3)

    description = kinesis.describe_stream(StreamName="orders")["StreamDescription"]

    assert description["StreamStatus"] == "ACTIVE"
    assert description["StreamARN"] == f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/orders"
    assert [shard["ShardId"] for shard in description["Shards"]] == [
        "shardId-000000000000",
        "shardId-000000000001",
        "shardId-000000000002",
    ]
    assert [shard["HashKeyRange"] for shard in description["Shards"]] == [
        {"StartingHashKey": "0", "EndingHashKey": "113427455640312821154458202477256070484"},
        {
            "StartingHashKey": "113427455640312821154458202477256070485",
            "EndingHashKey": "226854911280625642308916404954512140969",
        },
        {
            "StartingHashKey": "226854911280625642308916404954512140970",
            "EndingHashKey": "340282366920938463463374607431768211455",
        },
    ]
    for shard in description["Shards"]:
        start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
        assert len(start) == 56 and start.isdigit()
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
        assert "ParentShardId" not in shard
    assert description["HasMoreShards"] is False
    assert description["RetentionPeriodHours"] == 24
    assert description["EncryptionType"] == "NONE"
    assert description["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    assert description["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert "KeyId" not in description


@pytest.mark.parametrize("count", [1, 2, 7, 100])
def test_shard_ranges_cover_the_key_space_without_gaps(kinesis: Any, count: int) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=count)
    shards = [
        shard
        for page in kinesis.get_paginator("describe_stream").paginate(StreamName="s")
        for shard in page["StreamDescription"]["Shards"]
    ]
    ranges = [
        (int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
        for s in shards
    ]
    assert len(ranges) == count
    assert ranges[0][0] == 0
    assert ranges[-1][1] == HASH_SPACE - 1
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert start == end + 1
    step = HASH_SPACE // count
    assert all(start == i * step for i, (start, _) in enumerate(ranges))


def test_on_demand_stream_gets_four_shards(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["OpenShardCount"] == 4


def test_stream_without_mode_or_shard_count_is_an_on_demand_four_shard_stream(
    kinesis: Any,
) -> None:
    # Recorded from the service: CreateStream with only a name gives 4 shards.
    # We report it as ON_DEMAND, the mode whose default is 4 shards.
    kinesis.create_stream(StreamName="plain")
    summary = kinesis.describe_stream_summary(StreamName="plain")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}


def test_on_demand_with_shard_count_is_rejected(kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kinesis.create_stream(
            StreamName="od", ShardCount=2, StreamModeDetails={"StreamMode": "ON_DEMAND"}
        )
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        "ShardCount is not expected when StreamMode=ON_DEMAND",
        400,
    )
    assert kinesis.list_streams()["StreamNames"] == []


def test_provisioned_without_shard_count_is_rejected(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.create_stream(StreamName="p", StreamModeDetails={"StreamMode": "PROVISIONED"})


def test_create_existing_stream_answers_resource_in_use(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="dup", ShardCount=1)
    with pytest.raises(kinesis.exceptions.ResourceInUseException) as excinfo:
        kinesis.create_stream(StreamName="dup", ShardCount=5)
    assert error_of(excinfo) == (
        "ResourceInUseException",
        f"Stream dup under account {ACCOUNT} already exists.",
        400,
    )
    # The failed call changed nothing.
    summary = kinesis.describe_stream_summary(StreamName="dup")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 1


def test_tags_at_creation_are_stored(kinesis: Any, kinesis_mock: Any) -> None:
    kinesis.create_stream(StreamName="t", ShardCount=1, Tags={"team": "data", "env": ""})
    assert kinesis_mock.streams()["t"].tags == {"team": "data", "env": ""}


def test_more_than_fifty_tags_at_creation_are_rejected(kinesis: Any) -> None:
    tags = {f"k{i}": "v" for i in range(51)}
    with pytest.raises(ClientError) as excinfo:
        kinesis.create_stream(StreamName="t", ShardCount=1, Tags=tags)
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        f"Failed to add tags to stream t under account {ACCOUNT} because a given stream "
        "cannot have more than 50 tags associated with it.",
        400,
    )
    assert kinesis.list_streams()["StreamNames"] == []


def test_tags_with_invalid_characters_are_rejected(kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kinesis.create_stream(StreamName="t", ShardCount=1, Tags={"a;b": "v"})
    assert error_of(excinfo)[:2] == (
        "InvalidArgumentException",
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, "
        "white space, _ . / = + - % @.",
    )


def test_shard_limit_answers_the_services_message() -> None:
    import boto3

    from kinesis_mock import mock_kinesis

    with mock_kinesis(shard_limit=500):
        kinesis = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
        kinesis.create_stream(StreamName="big", ShardCount=400)
        with pytest.raises(kinesis.exceptions.LimitExceededException) as excinfo:
            kinesis.create_stream(StreamName="more", ShardCount=101)
        assert error_of(excinfo)[1] == (
            f"This request would exceed the shard limit for the account {ACCOUNT} in {REGION}. "
            "Current shard count for the account: 400. Limit: 500. Number of additional "
            "shards that would have resulted from this request: 101. Refer to the AWS Service "
            "Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
            "for current limits and how to request higher limits."
        )
        kinesis.create_stream(StreamName="fits", ShardCount=100)


def test_default_shard_limits_are_the_services_current_quotas(kinesis_mock: Any) -> None:
    import boto3

    east = boto3.client("kinesis", region_name="us-east-1")
    frankfurt = boto3.client("kinesis", region_name="eu-central-1")
    assert east.describe_limits()["ShardLimit"] == 20_000
    assert frankfurt.describe_limits()["ShardLimit"] == 1_000


def test_shard_limit_is_configurable() -> None:
    import boto3

    from kinesis_mock import mock_kinesis

    with mock_kinesis(shard_limit=3):
        client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
        client.create_stream(StreamName="a", ShardCount=2)
        with pytest.raises(client.exceptions.LimitExceededException):
            client.create_stream(StreamName="b", ShardCount=2)


def test_on_demand_stream_limit(kinesis_mock: Any) -> None:
    kinesis = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
    kinesis_mock.settings.on_demand_stream_limit = 2
    for name in ("a", "b"):
        kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    with pytest.raises(kinesis.exceptions.LimitExceededException):
        kinesis.create_stream(StreamName="c", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    # Provisioned streams do not count against it.
    kinesis.create_stream(StreamName="p", ShardCount=1)


def test_describe_stream_summary(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="sum", ShardCount=2)
    summary = kinesis.describe_stream_summary(StreamName="sum")["StreamDescriptionSummary"]
    assert summary["StreamName"] == "sum"
    assert summary["StreamARN"] == f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/sum"
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["OpenShardCount"] == 2
    assert summary["ConsumerCount"] == 0
    assert summary["RetentionPeriodHours"] == 24
    assert summary["EncryptionType"] == "NONE"
    assert summary["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    assert summary["MaxRecordSizeInKiB"] == 1024
    assert summary["StreamCreationTimestamp"].tzinfo is not None


def test_describe_stream_pages_through_shards(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="wide", ShardCount=5)
    first = kinesis.describe_stream(StreamName="wide", Limit=2)["StreamDescription"]
    assert [s["ShardId"] for s in first["Shards"]] == [
        "shardId-000000000000",
        "shardId-000000000001",
    ]
    assert first["HasMoreShards"] is True
    last = kinesis.describe_stream(
        StreamName="wide", Limit=10, ExclusiveStartShardId="shardId-000000000003"
    )["StreamDescription"]
    assert [s["ShardId"] for s in last["Shards"]] == ["shardId-000000000004"]
    assert last["HasMoreShards"] is False


def test_describe_stream_returns_at_most_100_shards(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="many", ShardCount=150)
    page = kinesis.describe_stream(StreamName="many", Limit=1000)["StreamDescription"]
    assert len(page["Shards"]) == 100
    assert page["HasMoreShards"] is True


def test_describe_missing_stream(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as excinfo:
        kinesis.describe_stream(StreamName="ghost")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Stream ghost under account {ACCOUNT} not found.",
        400,
    )


def test_list_streams_in_name_order_with_summaries(kinesis: Any) -> None:
    for name in ("charlie", "alpha", "bravo"):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    listing = kinesis.list_streams()
    assert listing["StreamNames"] == ["alpha", "bravo", "charlie"]
    assert listing["HasMoreStreams"] is False
    assert "NextToken" not in listing
    assert [s["StreamName"] for s in listing["StreamSummaries"]] == ["alpha", "bravo", "charlie"]
    summary = listing["StreamSummaries"][0]
    assert summary["StreamARN"] == f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/alpha"
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}


def test_list_streams_limit_and_exclusive_start(kinesis: Any) -> None:
    for name in ("a", "b", "c", "d"):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    page = kinesis.list_streams(Limit=2)
    assert page["StreamNames"] == ["a", "b"]
    assert page["HasMoreStreams"] is True
    assert page["NextToken"]
    after = kinesis.list_streams(ExclusiveStartStreamName="b", Limit=1)
    assert after["StreamNames"] == ["c"]
    # A name that is not a stream still orders the listing.
    assert kinesis.list_streams(ExclusiveStartStreamName="bb")["StreamNames"] == ["c", "d"]
    following = kinesis.list_streams(NextToken=page["NextToken"])
    assert following["StreamNames"] == ["c", "d"]
    assert following["HasMoreStreams"] is False


def test_list_streams_returns_at_most_100(kinesis: Any) -> None:
    for i in range(105):
        kinesis.create_stream(StreamName=f"s{i:03d}", ShardCount=1)
    page = kinesis.list_streams(Limit=500)
    assert len(page["StreamNames"]) == 100
    assert page["HasMoreStreams"] is True


def test_list_streams_paginator_walks_every_stream(kinesis: Any) -> None:
    names = [f"stream-{i:03d}" for i in range(250)]
    for name in reversed(names):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    pages = list(kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 40}))
    assert len(pages) == 7
    assert [name for page in pages for name in page["StreamNames"]] == names


def test_list_streams_next_token_with_exclusive_start_is_rejected(kinesis: Any) -> None:
    for name in ("a", "b"):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    token = kinesis.list_streams(Limit=1)["NextToken"]
    with pytest.raises(ClientError) as excinfo:
        kinesis.list_streams(NextToken=token, ExclusiveStartStreamName="a")
    assert error_of(excinfo)[:2] == (
        "InvalidArgumentException",
        "NextToken and ExclusiveStartStreamName cannot be provided together.",
    )


def test_list_streams_invented_next_token_is_rejected(kinesis: Any) -> None:
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.list_streams(NextToken="bm90LWEtdG9rZW4=")


def test_list_streams_next_token_expires_after_300_seconds(kinesis: Any) -> None:
    from freezegun import freeze_time

    for name in ("a", "b"):
        kinesis.create_stream(StreamName=name, ShardCount=1)
    with freeze_time() as frozen:
        token = kinesis.list_streams(Limit=1)["NextToken"]
        frozen.tick(301)
        with pytest.raises(kinesis.exceptions.ExpiredNextTokenException):
            kinesis.list_streams(NextToken=token)


def test_delete_stream_by_name(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="gone", ShardCount=1)
    kinesis.delete_stream(StreamName="gone")
    assert kinesis.list_streams()["StreamNames"] == []
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_summary(StreamName="gone")


def test_delete_stream_by_arn(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="gone", ShardCount=1)
    arn = kinesis.describe_stream_summary(StreamName="gone")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    kinesis.delete_stream(StreamARN=arn, EnforceConsumerDeletion=True)
    assert kinesis.list_streams()["StreamNames"] == []


def test_delete_missing_stream(kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kinesis.delete_stream(StreamName="ghost")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Stream ghost under account {ACCOUNT} not found.",
        400,
    )


def test_name_can_be_reused_after_delete(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="again", ShardCount=1)
    kinesis.delete_stream(StreamName="again")
    kinesis.create_stream(StreamName="again", ShardCount=2)
    summary = kinesis.describe_stream_summary(StreamName="again")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 2

"""SplitShard, MergeShards and UpdateShardCount: lineage, reading across
closed parents, and the service's limits."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, NO_RETRIES, REGION, error_of

from kinesis_mock import mock_kinesis

HASH_SPACE = 2**128


def _shards(client: Any, name: str = "s") -> list[dict[str, Any]]:
    return [
        shard
        for page in client.get_paginator("describe_stream").paginate(StreamName=name)
        for shard in page["StreamDescription"]["Shards"]
    ]


def _open(client: Any) -> list[dict[str, Any]]:
    return [s for s in _shards(client) if "EndingSequenceNumber" not in s["SequenceNumberRange"]]


def _range(shard: dict[str, Any]) -> tuple[int, int]:
    return int(shard["HashKeyRange"]["StartingHashKey"]), int(
        shard["HashKeyRange"]["EndingHashKey"]
    )


def test_split_shard(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127)
    )
    parent, left, right = _shards(kinesis)
    assert "EndingSequenceNumber" in parent["SequenceNumberRange"]
    assert [left["ShardId"], right["ShardId"]] == ["shardId-000000000001", "shardId-000000000002"]
    assert left["ParentShardId"] == right["ParentShardId"] == "shardId-000000000000"
    assert _range(left) == (0, 2**127 - 1)
    assert _range(right) == (2**127, HASH_SPACE - 1)


@pytest.mark.parametrize("key", ["0", "1", str(HASH_SPACE // 2 - 1), str(HASH_SPACE)])
def test_split_key_outside_the_shard(kinesis: Any, key: str) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=2)
    with pytest.raises(ClientError) as excinfo:
        kinesis.split_shard(
            StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=key
        )
    assert error_of(excinfo)[0] == "InvalidArgumentException"
    assert len(_open(kinesis)) == 2


def test_merge_adjacent_shards(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=3)
    kinesis.merge_shards(
        StreamName="s",
        ShardToMerge="shardId-000000000001",
        AdjacentShardToMerge="shardId-000000000002",
    )
    child = _shards(kinesis)[-1]
    assert child["ShardId"] == "shardId-000000000003"
    assert child["ParentShardId"] == "shardId-000000000001"
    assert child["AdjacentParentShardId"] == "shardId-000000000002"
    assert _range(child) == (_range(_shards(kinesis)[1])[0], HASH_SPACE - 1)
    assert len(_open(kinesis)) == 2


def test_merge_takes_the_pair_in_hash_key_order(kinesis: Any) -> None:
    # Recorded from the service: the higher shard first is refused, even
    # though the two ranges touch.
    kinesis.create_stream(StreamName="s", ShardCount=2)
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.merge_shards(
            StreamName="s",
            ShardToMerge="shardId-000000000001",
            AdjacentShardToMerge="shardId-000000000000",
        )


def test_merge_of_shards_that_are_not_adjacent(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=3)
    with pytest.raises(ClientError) as excinfo:
        kinesis.merge_shards(
            StreamName="s",
            ShardToMerge="shardId-000000000000",
            AdjacentShardToMerge="shardId-000000000002",
        )
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        f"Shards shardId-000000000000 and shardId-000000000002 in stream s under account "
        f"{ACCOUNT} are not an adjacent pair of shards eligible for merging",
        400,
    )


def test_a_closed_shard_cannot_be_split_again(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="1000"
    )
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.split_shard(
            StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="2000"
        )


def test_missing_shard(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.split_shard(
            StreamName="s", ShardToSplit="shardId-000000000009", NewStartingHashKey="1000"
        )


@pytest.mark.parametrize(("start", "target"), [(1, 2), (2, 4), (4, 2), (3, 5), (5, 3), (8, 13)])
def test_update_shard_count_leaves_uniform_open_shards(
    kinesis: Any, start: int, target: int
) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=start)
    result = kinesis.update_shard_count(
        StreamName="s", TargetShardCount=target, ScalingType="UNIFORM_SCALING"
    )
    assert (result["CurrentShardCount"], result["TargetShardCount"]) == (start, target)
    open_shards = sorted(_open(kinesis), key=lambda s: _range(s)[0])
    step = HASH_SPACE // target
    assert [_range(s)[0] for s in open_shards] == [i * step for i in range(target)]
    assert _range(open_shards[-1])[1] == HASH_SPACE - 1
    everything = {s["ShardId"]: s for s in _shards(kinesis)}
    for shard in everything.values():
        parents = [shard.get("ParentShardId"), shard.get("AdjacentParentShardId")]
        for parent in filter(None, parents):
            assert "EndingSequenceNumber" in everything[parent]["SequenceNumberRange"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            1,
            "UpdateShardCount cannot scale down below half your current open shard count. "
            "Current open shard count: 4, Target shard count: 1",
        ),
        (
            9,
            "UpdateShardCount cannot scale up over double your current open shard count. "
            "Current open shard count: 4, Target shard count: 9",
        ),
    ],
)
def test_update_shard_count_limits(kinesis: Any, target: int, message: str) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=4)
    with pytest.raises(ClientError) as excinfo:
        kinesis.update_shard_count(
            StreamName="s", TargetShardCount=target, ScalingType="UNIFORM_SCALING"
        )
    assert error_of(excinfo) == ("InvalidArgumentException", message, 400)
    assert len(_open(kinesis)) == 4


def test_at_most_ten_scalings_a_day(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
    with freeze_time("2026-01-01") as frozen:
        client.create_stream(StreamName="s", ShardCount=2)
        for count in [3, 2] * 5:
            client.update_shard_count(
                StreamName="s", TargetShardCount=count, ScalingType="UNIFORM_SCALING"
            )
        with pytest.raises(ClientError) as excinfo:
            client.update_shard_count(
                StreamName="s", TargetShardCount=3, ScalingType="UNIFORM_SCALING"
            )
        assert error_of(excinfo)[:2] == (
            "LimitExceededException",
            f"UpdateShardCount request for stream s under account {ACCOUNT} cannot be "
            "completed because the stream has already been scaled 10 times in the last 24 hours.",
        )
        frozen.tick(24 * 3600)
        client.update_shard_count(StreamName="s", TargetShardCount=3, ScalingType="UNIFORM_SCALING")


def test_resharding_is_updating_for_the_configured_delay() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_update_delay=10):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        client.update_shard_count(StreamName="s", TargetShardCount=2, ScalingType="UNIFORM_SCALING")
        summary = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
        assert summary["StreamStatus"] == "UPDATING"
        assert summary["OpenShardCount"] == 1
        with pytest.raises(client.exceptions.ResourceInUseException) as excinfo:
            client.split_shard(
                StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="5"
            )
        assert excinfo.value.response["Error"]["Message"] == (
            f"Stream s under account {ACCOUNT} not ACTIVE, instead in state UPDATING"
        )
        frozen.tick(10)
        summary = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
        assert (summary["StreamStatus"], summary["OpenShardCount"]) == ("ACTIVE", 2)


def _read_following_children(client: Any) -> dict[str, list[bytes]]:
    """Read the whole stream as a consumer following ChildShards does: a
    shard only after its parents are done. Returns data by partition key."""
    shards = {s["ShardId"]: s for s in _shards(client)}
    done: set[str] = set()
    by_key: dict[str, list[bytes]] = {}
    pending = [s for s in shards if not shards[s].get("ParentShardId")]
    while pending:
        shard_id = next(
            s
            for s in pending
            if all(
                p in done or p not in shards
                for p in filter(
                    None, [shards[s].get("ParentShardId"), shards[s].get("AdjacentParentShardId")]
                )
            )
        )
        pending.remove(shard_id)
        iterator = client.get_shard_iterator(
            StreamName="s", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=3)
            for record in page["Records"]:
                by_key.setdefault(record["PartitionKey"], []).append(record["Data"])
            iterator = page.get("NextShardIterator")
            if iterator is None:
                for child in page["ChildShards"]:
                    if child["ShardId"] not in pending and child["ShardId"] not in done:
                        pending.append(child["ShardId"])
            elif (
                not page["Records"]
                and shards[shard_id]["SequenceNumberRange"].get("EndingSequenceNumber") is None
            ):
                break  # an open shard read to its end
        done.add(shard_id)
    return by_key


def test_a_reader_following_child_shards_reads_every_record_once_in_order(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=2)
    written: dict[str, list[bytes]] = {}

    def put(count: int, tag: str) -> None:
        for i in range(count):
            key = f"key-{i % 7}"
            data = f"{tag}-{i}".encode()
            kinesis.put_record(StreamName="s", Data=data, PartitionKey=key)
            written.setdefault(key, []).append(data)

    put(20, "a")
    kinesis.update_shard_count(StreamName="s", TargetShardCount=3, ScalingType="UNIFORM_SCALING")
    put(20, "b")
    kinesis.merge_shards(
        StreamName="s",
        ShardToMerge=sorted(_open(kinesis), key=lambda s: _range(s)[0])[0]["ShardId"],
        AdjacentShardToMerge=sorted(_open(kinesis), key=lambda s: _range(s)[0])[1]["ShardId"],
    )
    put(20, "c")
    assert _read_following_children(kinesis) == written


def test_end_of_a_closed_shard_names_its_children(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.put_record(StreamName="s", Data=b"old", PartitionKey="k")
    kinesis.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127)
    )
    iterator = kinesis.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator)
    assert [r["Data"] for r in page["Records"]] == [b"old"]
    assert "NextShardIterator" not in page
    assert page["ChildShards"] == [
        {
            "ShardId": "shardId-000000000001",
            "ParentShards": ["shardId-000000000000"],
            "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": str(2**127 - 1)},
        },
        {
            "ShardId": "shardId-000000000002",
            "ParentShards": ["shardId-000000000000"],
            "HashKeyRange": {
                "StartingHashKey": str(2**127),
                "EndingHashKey": str(HASH_SPACE - 1),
            },
        },
    ]


def test_puts_go_to_the_children(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127)
    )
    low = kinesis.put_record(StreamName="s", Data=b"d", PartitionKey="k", ExplicitHashKey="0")
    high = kinesis.put_record(
        StreamName="s", Data=b"d", PartitionKey="k", ExplicitHashKey=str(HASH_SPACE - 1)
    )
    assert (low["ShardId"], high["ShardId"]) == ("shardId-000000000001", "shardId-000000000002")


def test_closed_shards_leave_listings_after_retention(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-01-01") as frozen:
        client.create_stream(StreamName="s", ShardCount=1)
        client.split_shard(
            StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey="1000"
        )
        frozen.tick(23 * 3600)
        assert len(_shards(client)) == 3
        frozen.tick(2 * 3600)
        assert [s["ShardId"] for s in _shards(client)] == [
            "shardId-000000000001",
            "shardId-000000000002",
        ]

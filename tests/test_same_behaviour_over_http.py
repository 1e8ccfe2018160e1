"""The same behaviours in process and against a server in a subprocess.

Each test here runs three times: with a boto3 client under ``mock_kinesis``,
and with a boto3 client pointed at ``kinesis-mock serve`` running in another
process, in memory and with a data directory, so both transports and both
ways of keeping state are held to one set of expectations.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import ACCOUNT, error_of

from kinesis_mock import mock_kinesis


def _serve(*options: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kinesis_mock", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    yield from _serve()


@pytest.fixture(scope="module")
def stored_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve("--data-dir", str(tmp_path_factory.mktemp("data")))


_names = iter(range(10**6))


@pytest.fixture(params=["in-process", "server", "server --data-dir"])
def client(request: pytest.FixtureRequest) -> Iterator[Any]:
    config = Config(parameter_validation=False)
    if request.param == "in-process":
        with mock_kinesis():
            yield boto3.client("kinesis", region_name="us-east-1", config=config)
        return
    # One server for the module: each test works in an account of its own.
    account = f"{100000000000 + next(_names):012d}"
    yield boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=request.getfixturevalue(
            "server_url" if request.param == "server" else "stored_server_url"
        ),
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=config,
    )


def _account(client: Any) -> str:
    key = client._request_signer._credentials.access_key
    return str(key) if len(key) == 12 and key.isdigit() else ACCOUNT


def test_stream_lifecycle(client: Any) -> None:
    client.create_stream(StreamName="s", ShardCount=3)
    description = client.describe_stream(StreamName="s")["StreamDescription"]
    assert [s["HashKeyRange"]["StartingHashKey"] for s in description["Shards"]] == [
        "0",
        "113427455640312821154458202477256070485",
        "226854911280625642308916404954512140970",
    ]
    assert client.list_streams()["StreamNames"] == ["s"]
    client.delete_stream(StreamName="s")
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream(StreamName="s")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Stream s under account {_account(client)} not found.",
        400,
    )


def test_validation_messages(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_stream(StreamName="", ShardCount=0)
    # Worded as today's service words violations: without the values.
    assert error_of(excinfo)[1] == (
        "3 validation errors detected: "
        "Value at 'shardCount' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_records_round_trip(client: Any) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    numbers = [
        client.put_record(StreamName="s", Data=f"r{i}".encode(), PartitionKey="k")["SequenceNumber"]
        for i in range(3)
    ]
    client.put_records(StreamName="s", Records=[{"Data": b"batch", "PartitionKey": "k"}])
    iterator = client.get_shard_iterator(
        StreamName="s",
        ShardId="shardId-000000000000",
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber=numbers[0],
    )["ShardIterator"]
    page = client.get_records(ShardIterator=iterator, Limit=2)
    assert [r["Data"] for r in page["Records"]] == [b"r1", b"r2"]
    rest = client.get_records(ShardIterator=page["NextShardIterator"])
    assert [r["Data"] for r in rest["Records"]] == [b"batch"]
    assert rest["MillisBehindLatest"] == 0


def test_invalid_iterator(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_records(ShardIterator="not-an-iterator")
    assert error_of(excinfo) == ("InvalidArgumentException", "Invalid ShardIterator.", 400)


def test_resharding_and_child_shards(client: Any) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_record(StreamName="s", Data=b"old", PartitionKey="k")
    client.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127)
    )
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = client.get_records(ShardIterator=iterator)
    assert [r["Data"] for r in page["Records"]] == [b"old"]
    assert [c["ShardId"] for c in page["ChildShards"]] == [
        "shardId-000000000001",
        "shardId-000000000002",
    ]


def test_consumers_and_subscriptions(client: Any) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="app")["Consumer"]
    client.put_record(StreamName="s", Data=b"pushed", PartitionKey="k")
    events = client.subscribe_to_shard(
        ConsumerARN=consumer["ConsumerARN"],
        ShardId="shardId-000000000000",
        StartingPosition={"Type": "TRIM_HORIZON"},
    )["EventStream"]
    assert [r["Data"] for e in events for r in e["SubscribeToShardEvent"]["Records"]] == [b"pushed"]


def test_tags_and_listing(client: Any) -> None:
    client.create_stream(StreamName="s", ShardCount=2, Tags={"team": "data"})
    assert client.list_tags_for_stream(StreamName="s")["Tags"] == [{"Key": "team", "Value": "data"}]
    page = client.list_shards(StreamName="s", MaxResults=1)
    assert len(page["Shards"]) == 1
    rest = client.list_shards(NextToken=page["NextToken"])
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000001"]

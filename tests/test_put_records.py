"""Writing: PutRecord and PutRecords through boto3."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import ACCOUNT, REGION, error_of, needs_model, signed_request

HASH_SPACE = 2**128


@pytest.fixture
def three_shards(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=3)
    return kinesis


def _shard_for(client: Any, hash_key: int) -> str:
    for shard in client.describe_stream(StreamName="s")["StreamDescription"]["Shards"]:
        low = int(shard["HashKeyRange"]["StartingHashKey"])
        high = int(shard["HashKeyRange"]["EndingHashKey"])
        if low <= hash_key <= high:
            return str(shard["ShardId"])
    raise AssertionError("no shard holds the key")


def test_partition_key_md5_picks_the_shard(three_shards: Any) -> None:
    for key in ["alice", "bob", "carol", "dave", "ünïcödé", "x" * 256]:
        expected = _shard_for(three_shards, int(hashlib.md5(key.encode()).hexdigest(), 16))
        result = three_shards.put_record(StreamName="s", Data=b"d", PartitionKey=key)
        assert result["ShardId"] == expected, key


@pytest.mark.parametrize(
    ("hash_key", "shard"),
    [
        (0, "shardId-000000000000"),
        (HASH_SPACE // 3 - 1, "shardId-000000000000"),
        (HASH_SPACE // 3, "shardId-000000000001"),
        (HASH_SPACE // 3 * 2 - 1, "shardId-000000000001"),
        (HASH_SPACE // 3 * 2, "shardId-000000000002"),
        (HASH_SPACE - 1, "shardId-000000000002"),
    ],
)
def test_explicit_hash_key_overrides_the_partition_key(
    three_shards: Any, hash_key: int, shard: str
) -> None:
    result = three_shards.put_record(
        StreamName="s", Data=b"d", PartitionKey="a", ExplicitHashKey=str(hash_key)
    )
    assert result["ShardId"] == shard


def test_explicit_hash_key_out_of_range(three_shards: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        three_shards.put_record(
            StreamName="s", Data=b"d", PartitionKey="a", ExplicitHashKey=str(HASH_SPACE)
        )
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
        f"Specified value was {HASH_SPACE}",
        400,
    )


def test_explicit_hash_key_must_be_a_decimal_number(three_shards: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        three_shards.put_record(StreamName="s", Data=b"d", PartitionKey="a", ExplicitHashKey="01")
    code, message, _ = error_of(excinfo)
    assert code == "ValidationException"
    assert "at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular" in (
        message
    )


def test_sequence_numbers_are_56_digits_and_increase_within_a_shard(three_shards: Any) -> None:
    numbers = [
        three_shards.put_record(StreamName="s", Data=b"d", PartitionKey="same")["SequenceNumber"]
        for _ in range(20)
    ]
    assert all(len(n) == 56 and n.isdigit() for n in numbers)
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert len(set(numbers)) == 20
    shard = three_shards.describe_stream(StreamName="s")["StreamDescription"]["Shards"]
    starting = {
        s["ShardId"]: int(s["SequenceNumberRange"]["StartingSequenceNumber"]) for s in shard
    }
    shard_id = three_shards.put_record(StreamName="s", Data=b"d", PartitionKey="same")["ShardId"]
    assert int(numbers[0]) > starting[shard_id]


def test_sequence_number_for_ordering_is_accepted_and_honoured(three_shards: Any) -> None:
    first = three_shards.put_record(StreamName="s", Data=b"1", PartitionKey="k")
    second = three_shards.put_record(
        StreamName="s",
        Data=b"2",
        PartitionKey="k",
        SequenceNumberForOrdering=first["SequenceNumber"],
    )
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])


def test_put_record_reports_shard_sequence_and_encryption(three_shards: Any) -> None:
    result = three_shards.put_record(StreamName="s", Data=b"hello", PartitionKey="k")
    # No EncryptionType for an unencrypted stream (tests/test_recorded_wire.py).
    assert set(result) == {"ShardId", "SequenceNumber", "ResponseMetadata"}


def test_put_records_results_come_in_request_order(three_shards: Any, kinesis_mock: Any) -> None:
    entries = [{"Data": f"r{i}".encode(), "PartitionKey": f"key-{i}"} for i in range(50)]
    result = three_shards.put_records(StreamName="s", Records=entries)
    assert result["FailedRecordCount"] == 0
    assert "EncryptionType" not in result
    assert len(result["Records"]) == 50
    stored = {r.sequence_number: r for r in kinesis_mock.records("s")}
    for entry, outcome in zip(entries, result["Records"], strict=True):
        record = stored[outcome["SequenceNumber"]]
        assert record.shard_id == outcome["ShardId"]
        assert record.data == entry["Data"]
        assert record.partition_key == entry["PartitionKey"]


def test_put_records_explicit_hash_key(three_shards: Any) -> None:
    result = three_shards.put_records(
        StreamName="s",
        Records=[
            {"Data": b"a", "PartitionKey": "p", "ExplicitHashKey": "0"},
            {"Data": b"b", "PartitionKey": "p", "ExplicitHashKey": str(HASH_SPACE - 1)},
        ],
    )
    assert [r["ShardId"] for r in result["Records"]] == [
        "shardId-000000000000",
        "shardId-000000000002",
    ]


def test_a_bad_record_rejects_the_whole_request_and_stores_nothing(
    three_shards: Any, kinesis_mock: Any
) -> None:
    with pytest.raises(ClientError) as excinfo:
        three_shards.put_records(
            StreamName="s",
            Records=[
                {"Data": b"good", "PartitionKey": "p"},
                {"Data": b"bad", "PartitionKey": "p", "ExplicitHashKey": str(HASH_SPACE)},
            ],
        )
    assert error_of(excinfo)[0] == "InvalidArgumentException"
    assert kinesis_mock.records("s") == []


def test_more_than_500_records_is_a_validation_error(three_shards: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        three_shards.put_records(
            StreamName="s", Records=[{"Data": b"d", "PartitionKey": "p"}] * 501
        )
    # Today's service leaves the value out; in 2020 it printed the list
    # ('[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310, ...]').
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value at 'records' failed to satisfy constraint: "
        "Member must have length less than or equal to 500",
        400,
    )


def test_at_most_ten_violations_are_reported(kinesis_mock: Any) -> None:
    body = {
        "StreamName": "s",
        "Records": [{"Data": "", "PartitionKey": ""} for _ in range(12)],
    }
    response = signed_request(json.dumps(body), "PutRecords")
    message = response.json()["message"]
    assert message.startswith("10 validation errors detected: ")
    assert message.count("failed to satisfy constraint") == 10
    # Worded as today's service words a violation: without the value.
    assert message.startswith(
        "10 validation errors detected: Value at 'records.1.member.partitionKey' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1; "
        "Value at 'records.2.member.partitionKey'"
    )


def test_record_larger_than_the_stream_maximum(three_shards: Any) -> None:
    limit = 1024 * 1024
    # Data plus partition key count; exactly the limit is fine.
    three_shards.put_record(StreamName="s", Data=b"x" * (limit - 1), PartitionKey="k")
    with pytest.raises(ClientError) as excinfo:
        three_shards.put_record(StreamName="s", Data=b"x" * limit, PartitionKey="k")
    # As today's service refuses it (awslabs/amazon-kinesis-producer#680).
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value at 'data' failed to satisfy constraint: "
        f"Member must have length less than or equal to {limit}",
        400,
    )


def test_streams_created_for_large_records_take_them(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="big", ShardCount=1, MaxRecordSizeInKiB=4096)
    data = b"x" * (3 * 1024 * 1024)
    put = kinesis.put_record(StreamName="big", Data=data, PartitionKey="k")
    iterator = kinesis.get_shard_iterator(
        StreamName="big", ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [(r["SequenceNumber"], r["Data"]) for r in records] == [(put["SequenceNumber"], data)]


def test_put_records_request_limit_is_10_mib_as_the_service_now_has(kinesis: Any) -> None:
    # The issue named 5 MiB; the service now allows 10 MiB per PutRecords
    # request ("up to a limit of 10 MiB for the entire request").
    kinesis.create_stream(StreamName="s", ShardCount=1)
    chunk = b"x" * (1024 * 1024 - 10)
    kinesis.put_records(
        StreamName="s", Records=[{"Data": chunk, "PartitionKey": "k"} for _ in range(10)]
    )
    with pytest.raises(ClientError) as excinfo:
        kinesis.put_records(
            StreamName="s", Records=[{"Data": chunk, "PartitionKey": "k"} for _ in range(11)]
        )
    assert error_of(excinfo)[:2] == (
        "InvalidArgumentException",
        "Records size exceeds 10 MB limit",
    )


def test_put_to_a_missing_stream(kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kinesis.put_record(StreamName="ghost", Data=b"d", PartitionKey="k")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Stream ghost under account {ACCOUNT} not found.",
        400,
    )


def test_put_to_a_creating_stream_is_not_found() -> None:
    from freezegun import freeze_time

    from kinesis_mock import mock_kinesis

    with freeze_time("2026-01-01"), mock_kinesis(stream_create_delay=10):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.put_record(StreamName="s", Data=b"d", PartitionKey="k")


def test_put_by_stream_arn(three_shards: Any, kinesis_mock: Any) -> None:
    arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
    three_shards.put_record(StreamARN=arn, Data=b"one", PartitionKey="k")
    three_shards.put_records(StreamARN=arn, Records=[{"Data": b"two", "PartitionKey": "k"}])
    assert sorted(r.data for r in kinesis_mock.records("s")) == [b"one", b"two"]


@needs_model("kinesis", "PutRecord", "PutRecordInput", "DryRun")
def test_dry_run_stores_nothing(three_shards: Any, kinesis_mock: Any) -> None:
    three_shards.put_record(StreamName="s", Data=b"d", PartitionKey="k", DryRun=True)
    three_shards.put_records(
        StreamName="s", Records=[{"Data": b"d", "PartitionKey": "k"}], DryRun=True
    )
    assert kinesis_mock.records("s") == []


def test_concurrent_writers_lose_and_reorder_nothing(kinesis: Any, kinesis_mock: Any) -> None:
    kinesis.create_stream(StreamName="busy", ShardCount=1)
    per_thread = 100

    def produce(worker: int) -> None:
        client = boto3.client("kinesis", region_name=REGION)
        for i in range(per_thread):
            client.put_record(StreamName="busy", Data=f"{worker}:{i}".encode(), PartitionKey="k")

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = kinesis_mock.records("busy")
    assert len(records) == 8 * per_thread
    numbers = [int(r.sequence_number) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for worker in range(8):
        mine = [r.data for r in records if r.data.startswith(f"{worker}:".encode())]
        assert mine == [f"{worker}:{i}".encode() for i in range(per_thread)]


def test_a_partition_key_is_required_by_default(raw_kinesis: Any) -> None:
    # The model now lets PartitionKey be absent (for AUTO distribution); a
    # stream with the default USER_PARTITION_KEY strategy still needs one.
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.put_record(StreamName="s", Data=b"d")
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value null at 'partitionKey' failed to satisfy "
        "constraint: Member must not be null",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        raw_kinesis.put_records(
            StreamName="s", Records=[{"Data": b"a", "PartitionKey": "k"}, {"Data": b"b"}]
        )
    assert error_of(excinfo)[1] == (
        "1 validation error detected: Value null at 'records.2.member.partitionKey' failed to "
        "satisfy constraint: Member must not be null"
    )


def test_auto_distribution_spreads_records_and_ignores_keys(
    raw_kinesis: Any, kinesis_mock: Any
) -> None:
    if (
        "RecordDistributionStrategy"
        not in raw_kinesis.meta.service_model.shape_for("CreateStreamInput").members
    ):
        pytest.skip("this botocore's model has no RecordDistributionStrategy")
    raw_kinesis.create_stream(
        StreamName="auto",
        StreamModeDetails={"StreamMode": "ON_DEMAND"},
        RecordDistributionStrategy="AUTO",
    )
    summary = raw_kinesis.describe_stream_summary(StreamName="auto")["StreamDescriptionSummary"]
    assert summary["RecordDistributionStrategy"] == "AUTO"
    shards = [
        raw_kinesis.put_record(StreamName="auto", Data=b"d", PartitionKey="same")["ShardId"]
        for _ in range(8)
    ]
    assert sorted(set(shards)) == [f"shardId-00000000000{i}" for i in range(4)]
    raw_kinesis.put_records(StreamName="auto", Records=[{"Data": b"no key"}])
    assert [r.partition_key for r in kinesis_mock.records("auto") if r.data == b"no key"] == [None]


def test_auto_distribution_needs_an_on_demand_stream(raw_kinesis: Any) -> None:
    if (
        "RecordDistributionStrategy"
        not in raw_kinesis.meta.service_model.shape_for("CreateStreamInput").members
    ):
        pytest.skip("this botocore's model has no RecordDistributionStrategy")
    with pytest.raises(raw_kinesis.exceptions.InvalidArgumentException):
        raw_kinesis.create_stream(StreamName="p", ShardCount=1, RecordDistributionStrategy="AUTO")


def test_switching_distribution_strategy_changes_where_records_go(
    raw_kinesis: Any, kinesis_mock: Any
) -> None:
    if (
        "UpdateStreamRecordDistributionStrategy"
        not in raw_kinesis.meta.service_model.operation_names
    ):
        pytest.skip("this botocore's model has no UpdateStreamRecordDistributionStrategy")
    raw_kinesis.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})

    def shards_of_one_key() -> set[str]:
        return {
            raw_kinesis.put_record(StreamName="od", Data=b"d", PartitionKey="same")["ShardId"]
            for _ in range(8)
        }

    assert len(shards_of_one_key()) == 1  # by key: one key, one shard
    arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/od"
    raw_kinesis.update_stream_record_distribution_strategy(
        StreamARN=arn, RecordDistributionStrategy="AUTO"
    )
    summary = raw_kinesis.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]
    assert summary["RecordDistributionStrategy"] == "AUTO"
    assert len(shards_of_one_key()) == 4  # spread over every shard, key ignored
    raw_kinesis.update_stream_record_distribution_strategy(
        StreamARN=arn, RecordDistributionStrategy="USER_PARTITION_KEY"
    )
    assert len(shards_of_one_key()) == 1


def test_auto_distribution_cannot_be_switched_on_for_a_provisioned_stream(
    raw_kinesis: Any, kinesis_mock: Any
) -> None:
    if (
        "UpdateStreamRecordDistributionStrategy"
        not in raw_kinesis.meta.service_model.operation_names
    ):
        pytest.skip("this botocore's model has no UpdateStreamRecordDistributionStrategy")
    raw_kinesis.create_stream(StreamName="p", ShardCount=2)
    with pytest.raises(raw_kinesis.exceptions.InvalidArgumentException) as excinfo:
        raw_kinesis.update_stream_record_distribution_strategy(
            StreamARN=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/p",
            RecordDistributionStrategy="AUTO",
        )
    assert error_of(excinfo)[1] == (
        "RecordDistributionStrategy AUTO is only supported for streams in ON_DEMAND mode."
    )
    summary = raw_kinesis.describe_stream_summary(StreamName="p")["StreamDescriptionSummary"]
    assert summary.get("RecordDistributionStrategy", "USER_PARTITION_KEY") == "USER_PARTITION_KEY"

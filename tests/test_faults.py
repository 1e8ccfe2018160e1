"""Faults a test arranges (``km.faults``) and the journal of calls
(``km.calls()``), through boto3 as the code under test would meet them."""

from __future__ import annotations

import hashlib
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import ACCOUNT, REGION, error_of

from kinesis_mock import KinesisMock, mock_kinesis

SHARD0 = "shardId-000000000000"
SHARD1 = "shardId-000000000001"


@pytest.fixture
def client(kinesis_mock: KinesisMock) -> Any:
    """A client that does not retry, so each arranged failure reaches the test."""
    return boto3.client(
        "kinesis", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
    )


def _stream(client: Any, name: str = "orders", shards: int = 2) -> None:
    client.create_stream(StreamName=name, ShardCount=shards)


def _key_for(client: Any, stream: str, shard_id: str) -> str:
    """A partition key that goes to ``shard_id`` (by the MD5 of the key and
    the shard's hash key range, so it stores nothing and needs no DryRun,
    which older botocore models lack)."""
    (shard,) = [
        s for s in client.list_shards(StreamName=stream)["Shards"] if s["ShardId"] == shard_id
    ]
    low, high = (int(shard["HashKeyRange"][end]) for end in ("StartingHashKey", "EndingHashKey"))
    for candidate in range(1000):
        key = f"k{candidate}"
        if low <= int(hashlib.md5(key.encode()).hexdigest(), 16) <= high:
            return key
    raise AssertionError("no key found")


# -- failing calls -----------------------------------------------------------


def test_next_calls_fail_with_the_services_text_and_store_nothing(
    client: Any, kinesis_mock: KinesisMock
) -> None:
    _stream(client)
    key = _key_for(client, "orders", SHARD1)
    fault = kinesis_mock.faults.fail("PutRecord", "ProvisionedThroughputExceededException", times=2)
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            client.put_record(StreamName="orders", Data=b"x", PartitionKey=key)
        assert error_of(caught) == (
            "ProvisionedThroughputExceededException",
            f"Rate exceeded for shard {SHARD1} in stream orders under account {ACCOUNT}.",
            400,
        )
    assert kinesis_mock.records("orders") == []
    client.put_record(StreamName="orders", Data=b"x", PartitionKey=key)
    assert [record.data for record in kinesis_mock.records("orders")] == [b"x"]
    assert (fault.calls, fault.fired, fault.spent) == (2, 2, True)


def test_a_retrying_producer_stores_every_record_once_in_order(
    client: Any, kinesis_mock: KinesisMock
) -> None:
    """The pattern of examples/retry_on_throttling.py: back off on the mock's
    clock (no real sleeping) and retry the same record."""
    _stream(client, shards=1)
    kinesis_mock.faults.fail("PutRecord", "ProvisionedThroughputExceededException", nth=2)
    kinesis_mock.faults.fail("PutRecord", "ProvisionedThroughputExceededException", nth=5)
    waited: list[float] = []
    for number in range(5):
        delay = 0.1
        while True:
            try:
                client.put_record(StreamName="orders", Data=b"%d" % number, PartitionKey="k")
                break
            except ClientError as error:
                assert error.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
                waited.append(delay)
                kinesis_mock.clock.advance(delay)
                delay *= 2
    assert waited == [0.1, 0.1]
    assert [record.data for record in kinesis_mock.records("orders")] == [
        b"0",
        b"1",
        b"2",
        b"3",
        b"4",
    ]
    outcomes = [call.error for call in kinesis_mock.calls("PutRecord")]
    assert outcomes.count("ProvisionedThroughputExceededException") == 2
    assert len(outcomes) == 7


def test_botocores_own_retries_absorb_a_transient_fault(kinesis_mock: KinesisMock) -> None:
    # Default client: botocore retries throttling and 5xx answers itself.
    client = boto3.client("kinesis", region_name=REGION)
    _stream(client)
    kinesis_mock.faults.fail("DescribeStreamSummary", "LimitExceededException", times=1)
    kinesis_mock.faults.fail("DescribeStreamSummary", "InternalFailure", times=1)
    summary = client.describe_stream_summary(StreamName="orders")["StreamDescriptionSummary"]
    assert summary["StreamName"] == "orders"
    outcomes = [call.error for call in kinesis_mock.calls("DescribeStreamSummary")]
    assert outcomes == ["LimitExceededException", "InternalFailure", None]


def test_common_errors_have_their_status(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client)
    kinesis_mock.faults.fail("ListShards", "InternalFailure")
    kinesis_mock.faults.fail("ListShards", "ServiceUnavailable")
    kinesis_mock.faults.fail("ListShards", "ThrottlingException")
    seen = []
    for _ in range(3):
        with pytest.raises(ClientError) as caught:
            client.list_shards(StreamName="orders")
        code, _message, status = error_of(caught)
        seen.append((code, status))
    assert seen == [
        ("InternalFailure", 500),
        ("ServiceUnavailable", 503),
        ("ThrottlingException", 400),
    ]
    assert len(client.list_shards(StreamName="orders")["Shards"]) == 2


def test_only_the_nth_call_fails(client: Any, kinesis_mock: KinesisMock) -> None:
    """A consumer whose third GetRecords meets an expired iterator takes a
    new one from where it was and reads on without losing a record."""
    _stream(client, shards=1)
    for number in range(6):
        client.put_record(StreamName="orders", Data=b"%d" % number, PartitionKey="k")
    kinesis_mock.faults.fail("GetRecords", "ExpiredIteratorException", nth=3)
    iterator = client.get_shard_iterator(
        StreamName="orders", ShardId=SHARD0, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    read: list[bytes] = []
    last: str | None = None
    errors: list[str] = []
    while len(read) < 6:
        try:
            page = client.get_records(ShardIterator=iterator, Limit=2)
        except ClientError as error:
            errors.append(error.response["Error"]["Message"])
            assert last is not None
            iterator = client.get_shard_iterator(
                StreamName="orders",
                ShardId=SHARD0,
                ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                StartingSequenceNumber=last,
            )["ShardIterator"]
            continue
        read += [record["Data"] for record in page["Records"]]
        last = page["Records"][-1]["SequenceNumber"]
        iterator = page["NextShardIterator"]
    assert read == [b"%d" % number for number in range(6)]
    assert len(errors) == 1
    assert errors[0].startswith("Iterator expired. The iterator was created at time ")
    assert errors[0].endswith("tolerated delay of 300000 milliseconds.")


def test_a_seeded_probability_fails_the_same_calls_every_run() -> None:
    def pattern() -> list[bool]:
        with mock_kinesis() as km:
            client = boto3.client(
                "kinesis", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
            )
            _stream(client)
            km.faults.fail("ListStreams", "LimitExceededException", probability=0.5, seed=7)
            outcome = []
            for _ in range(20):
                try:
                    client.list_streams()
                    outcome.append(True)
                except ClientError:
                    outcome.append(False)
            return outcome

    first, second = pattern(), pattern()
    assert first == second
    assert 0 < first.count(False) < 20


def test_faults_narrowed_to_a_stream_or_shard(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client, "orders")
    _stream(client, "audit")
    to_shard0 = _key_for(client, "orders", SHARD0)
    to_shard1 = _key_for(client, "orders", SHARD1)
    kinesis_mock.faults.fail(
        "PutRecord",
        "ProvisionedThroughputExceededException",
        times=None,
        stream="orders",
        shard=SHARD1,
    )
    client.put_record(StreamName="audit", Data=b"a", PartitionKey=to_shard1)
    client.put_record(StreamName="orders", Data=b"a", PartitionKey=to_shard0)
    with pytest.raises(ClientError):
        client.put_record(StreamName="orders", Data=b"b", PartitionKey=to_shard1)
    # By ARN, too: the fault names the stream, however the call names it.
    arn = client.describe_stream_summary(StreamName="orders")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    with pytest.raises(ClientError):
        client.put_record(StreamARN=arn, Data=b"b", PartitionKey=to_shard1)
    assert [record.data for record in kinesis_mock.records("orders")] == [b"a"]


def test_a_fault_for_one_consumer(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client, shards=1)
    arn = client.describe_stream_summary(StreamName="orders")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    slow = client.register_stream_consumer(StreamARN=arn, ConsumerName="slow")["Consumer"]
    fast = client.register_stream_consumer(StreamARN=arn, ConsumerName="fast")["Consumer"]
    kinesis_mock.faults.fail("SubscribeToShard", "LimitExceededException", consumer="slow")
    start = {"Type": "TRIM_HORIZON"}
    client.subscribe_to_shard(
        ConsumerARN=fast["ConsumerARN"], ShardId=SHARD0, StartingPosition=start
    )["EventStream"].close()
    with pytest.raises(ClientError) as caught:
        client.subscribe_to_shard(
            ConsumerARN=slow["ConsumerARN"], ShardId=SHARD0, StartingPosition=start
        )
    assert error_of(caught)[0] == "LimitExceededException"
    assert error_of(caught)[1] == f"Rate exceeded for stream orders under account {ACCOUNT}."


def test_kms_errors_fire_only_on_encrypted_streams(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client, "plain", shards=1)
    _stream(client, "sealed", shards=1)
    client.start_stream_encryption(
        StreamName="sealed", EncryptionType="KMS", KeyId="alias/aws/kinesis"
    )
    fault = kinesis_mock.faults.fail("PutRecord", "KMSAccessDeniedException", times=None)
    client.put_record(StreamName="plain", Data=b"x", PartitionKey="k")
    with pytest.raises(ClientError) as caught:
        client.put_record(StreamName="sealed", Data=b"x", PartitionKey="k")
    assert error_of(caught) == (
        "KMSAccessDeniedException",
        "The ciphertext references a key that doesn't exist or that you don't have access to.",
        400,
    )
    assert fault.fired == 1
    assert kinesis_mock.records("sealed") == []


def test_errors_the_operation_cannot_answer_are_refused(kinesis_mock: KinesisMock) -> None:
    with pytest.raises(ValueError, match="PutRecord does not answer ExpiredIteratorException"):
        kinesis_mock.faults.fail("PutRecord", "ExpiredIteratorException")
    with pytest.raises(ValueError, match="no mocked service has the operation"):
        kinesis_mock.faults.fail("PutRecordz", "InternalFailure")
    with pytest.raises(ValueError, match="times must be"):
        kinesis_mock.faults.fail("PutRecord", "InternalFailure", times=0)
    with pytest.raises(ValueError, match="entry fails with one of"):
        kinesis_mock.faults.fail_records(error="ResourceNotFoundException")
    assert list(kinesis_mock.faults) == []


def test_kinesis_video_operations_take_faults(kinesis_mock: KinesisMock) -> None:
    video = boto3.client(
        "kinesisvideo", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
    )
    kinesis_mock.faults.fail(
        "CreateStream", "AccountStreamLimitExceededException", service="kinesisvideo"
    )
    with pytest.raises(ClientError) as caught:
        video.create_stream(StreamName="cam")
    assert error_of(caught)[0] == "AccountStreamLimitExceededException"
    assert video.list_streams()["StreamInfoList"] == []


def test_a_delay_slows_the_call_and_then_answers(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client, shards=1)
    fault = kinesis_mock.faults.delay("ListShards", 0.01, times=2)
    for _ in range(3):
        assert len(client.list_shards(StreamName="orders")["Shards"]) == 1
    assert (fault.calls, fault.fired) == (2, 2)
    failing = kinesis_mock.faults.fail("ListShards", "ServiceUnavailable", delay=0.01)
    with pytest.raises(ClientError):
        client.list_shards(StreamName="orders")
    assert failing.fired == 1


# -- failing PutRecords entries ----------------------------------------------


def test_chosen_entries_fail_as_the_service_reports_them(
    client: Any, kinesis_mock: KinesisMock
) -> None:
    _stream(client)
    to_shard1 = _key_for(client, "orders", SHARD1)
    kinesis_mock.faults.fail_records(index=[0, 3])
    kinesis_mock.faults.fail_records(partition_key="audit", error="InternalFailure")
    entries = [
        {"Data": b"a", "PartitionKey": to_shard1},
        {"Data": b"b", "PartitionKey": "audit"},
        {"Data": b"c", "PartitionKey": to_shard1},
        {"Data": b"d", "PartitionKey": to_shard1},
    ]
    answer = client.put_records(StreamName="orders", Records=entries)
    assert answer["FailedRecordCount"] == 3
    records = answer["Records"]
    throttled = f"Rate exceeded for shard {SHARD1} in stream orders under account {ACCOUNT}."
    assert records[0] == {
        "ErrorCode": "ProvisionedThroughputExceededException",
        "ErrorMessage": throttled,
    }
    assert records[1] == {
        "ErrorCode": "InternalFailure",
        "ErrorMessage": "Internal service failure.",
    }
    assert records[2]["ShardId"] == SHARD1 and "SequenceNumber" in records[2]
    assert records[3]["ErrorCode"] == "ProvisionedThroughputExceededException"
    stored = kinesis_mock.records("orders")
    assert [(record.data, record.sequence_number) for record in stored] == [
        (b"c", records[2]["SequenceNumber"])
    ]


def test_entries_chosen_by_predicate_and_shard(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client)
    to_shard0 = _key_for(client, "orders", SHARD0)
    to_shard1 = _key_for(client, "orders", SHARD1)
    kinesis_mock.faults.fail_records(shard=SHARD0, times=None)
    kinesis_mock.faults.fail_records(where=lambda entry: entry["Data"].startswith(b"bad"))
    answer = client.put_records(
        StreamName="orders",
        Records=[
            {"Data": b"one", "PartitionKey": to_shard0},
            {"Data": b"two", "PartitionKey": to_shard1},
            {"Data": b"bad three", "PartitionKey": to_shard1},
        ],
    )
    assert [entry.get("ErrorCode") for entry in answer["Records"]] == [
        "ProvisionedThroughputExceededException",
        None,
        "ProvisionedThroughputExceededException",
    ]
    assert [record.data for record in kinesis_mock.records("orders")] == [b"two"]


def test_a_producer_resending_failed_entries_delivers_all_in_order(
    client: Any, kinesis_mock: KinesisMock
) -> None:
    """The usual PutRecords loop: resend only the failed entries until none fail."""
    _stream(client, shards=1)
    kinesis_mock.faults.fail_records(index=[1, 2])
    kinesis_mock.faults.fail_records(index=0, nth=2)
    pending = [{"Data": b"%d" % number, "PartitionKey": "k"} for number in range(5)]
    rounds = 0
    while pending:
        rounds += 1
        answer = client.put_records(StreamName="orders", Records=pending)
        pending = [
            entry
            for entry, result in zip(pending, answer["Records"], strict=True)
            if "ErrorCode" in result
        ]
        kinesis_mock.clock.advance(0.1 * rounds)
    assert rounds == 3
    # Resent entries come after the ones that went through, as with the service.
    assert [record.data for record in kinesis_mock.records("orders")] == [
        b"0",
        b"3",
        b"4",
        b"2",
        b"1",
    ]


# -- listing, clearing, asserting --------------------------------------------


def test_faults_are_listed_cleared_and_asserted(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client)
    used = kinesis_mock.faults.fail("ListShards", "InternalFailure")
    unused = kinesis_mock.faults.fail("MergeShards", "ResourceInUseException")
    with pytest.raises(ClientError):
        client.list_shards(StreamName="orders")
    assert list(kinesis_mock.faults) == [used, unused]
    assert kinesis_mock.faults.unfired() == [unused]
    with pytest.raises(AssertionError, match="MergeShards -> ResourceInUseException"):
        kinesis_mock.faults.assert_all_fired()
    kinesis_mock.faults.remove(unused)
    kinesis_mock.faults.assert_all_fired()
    kinesis_mock.faults.fail("ListShards", "InternalFailure")
    kinesis_mock.faults.clear()
    assert len(client.list_shards(StreamName="orders")["Shards"]) == 2


def test_faults_and_the_journal_end_with_the_mock() -> None:
    with mock_kinesis() as km:
        client = boto3.client("kinesis", region_name=REGION)
        _stream(client)
        km.faults.fail("ListStreams", "InternalFailure", times=None)
        assert len(km.calls()) == 1
    with mock_kinesis() as km:
        client = boto3.client("kinesis", region_name=REGION)
        assert client.list_streams()["StreamNames"] == []
        assert list(km.faults) == []
        assert [call.operation for call in km.calls()] == ["ListStreams"]


# -- the journal ---------------------------------------------------------------


def test_the_journal_records_every_call_in_order(client: Any, kinesis_mock: KinesisMock) -> None:
    _stream(client, "orders", shards=1)
    client.put_record(StreamName="orders", Data=b"x", PartitionKey="k")
    with pytest.raises(ClientError):
        client.describe_stream(StreamName="missing")
    with pytest.raises(ClientError):
        client.put_record(
            StreamName="orders", Data=b"x", PartitionKey="k", ExplicitHashKey=str(1 << 128)
        )
    calls = kinesis_mock.calls()
    assert [(call.operation, call.error) for call in calls] == [
        ("CreateStream", None),
        ("PutRecord", None),
        ("DescribeStream", "ResourceNotFoundException"),
        ("PutRecord", "InvalidArgumentException"),
    ]
    put = calls[1]
    assert (put.service, put.account, put.region, put.ok) == ("kinesis", ACCOUNT, REGION, True)
    assert put.params == {"StreamName": "orders", "Data": b"x", "PartitionKey": "k"}
    assert put.result["ShardId"] == SHARD0
    assert calls[2].message == f"Stream missing under account {ACCOUNT} not found."
    assert calls[0].at <= calls[3].at
    assert kinesis_mock.calls("put_record", ok=True) == [put]
    assert kinesis_mock.calls(stream="missing") == [calls[2]]
    assert kinesis_mock.calls(error="InvalidArgumentException") == [calls[3]]
    assert kinesis_mock.calls(region="eu-west-1") == []
    kinesis_mock.journal.clear()
    assert kinesis_mock.calls() == []


def test_the_journal_names_the_account_and_region_of_each_call(kinesis_mock: KinesisMock) -> None:
    other = boto3.client(
        "kinesis",
        region_name="eu-west-1",
        aws_access_key_id="111122223333",
        aws_secret_access_key="secret",
    )
    other.list_streams()
    (call,) = kinesis_mock.calls(account="111122223333")
    assert (call.region, call.operation) == ("eu-west-1", "ListStreams")


def test_the_journal_lets_go_of_old_payloads_but_keeps_the_calls() -> None:
    from kinesis_mock.journal import Journal

    with mock_kinesis() as km:
        journal = Journal(limit=50, payload_bytes=20_000)
        km._registry.journal = journal
        client = boto3.client("kinesis", region_name=REGION)
        _stream(client, shards=1)
        for _ in range(10):
            client.put_record(StreamName="orders", Data=b"x" * 4_000, PartitionKey="k")
        calls = km.calls("PutRecord")
        assert len(calls) == 10
        trimmed = [call for call in calls if call.trimmed]
        kept = [call for call in calls if not call.trimmed]
        assert trimmed and kept and calls == trimmed + kept  # the oldest go first
        assert all(call.params is None and call.result is None for call in trimmed)
        assert kept[-1].params is not None and kept[-1].params["Data"] == b"x" * 4_000
        assert km.calls(stream="orders") == [km.calls()[0], *calls]  # still found by stream
        for _ in range(60):
            client.list_streams()
        assert len(km.calls()) == 50
        assert km.calls("PutRecord") == []

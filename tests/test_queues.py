"""Queues on data streams (botocore 1.44 and later)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, NO_RETRIES, REGION, error_of

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"


@pytest.fixture
def client(kinesis_mock: Any) -> Any:
    client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
    if "CreateQueue" not in client.meta.service_model.operation_names:
        pytest.skip("this botocore's kinesis model has no queues (they came in 1.44)")
    client.create_stream(StreamName="s", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    return client


def _queue(client: Any, **attributes: Any) -> str:
    description = client.create_queue(
        QueueName="q",
        StreamConfigurationList=[
            {"StreamARN": STREAM_ARN, "StartingPosition": {"Type": "TRIM_HORIZON"}}
        ],
        **({"QueueAttributes": attributes} if attributes else {}),
    )["QueueDescription"]
    return str(description["QueueARN"])


def _put(client: Any, *payloads: bytes) -> None:
    for payload in payloads:
        client.put_record(StreamName="s", Data=payload, PartitionKey=payload.decode())


def test_create_describe_list_delete(client: Any) -> None:
    arn = _queue(client)
    description = client.describe_queue(QueueARN=arn)["QueueDescription"]
    assert description["QueueStatus"] == "ACTIVE"
    assert description["QueueAttributes"]["VisibilityTimeoutSeconds"] == 30
    assert description["QueueAttributes"]["DeadLetterConfiguration"] == {
        "TargetType": "BUILT_IN",
        "MaxReceiveCount": 6,
    }
    assert [q["QueueName"] for q in client.list_queues()["QueueSummaries"]] == ["q"]
    client.delete_queue(QueueARN=arn)
    assert client.list_queues()["QueueSummaries"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_queue(QueueARN=arn)


def test_queues_need_an_on_demand_stream(client: Any) -> None:
    client.create_stream(StreamName="p", ShardCount=1)
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.create_queue(
            QueueName="q",
            StreamConfigurationList=[{"StreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/p"}],
        )


def _register(client: Any, count: int, stream_arn: str = STREAM_ARN) -> None:
    for i in range(count):
        client.register_stream_consumer(StreamARN=stream_arn, ConsumerName=f"c{i}")


def _refused(excinfo: pytest.ExceptionInfo[ClientError], limit: int, stream: str = "s") -> None:
    assert error_of(excinfo) == (
        "LimitExceededException",
        f"Stream {stream} under account {ACCOUNT} already has {limit} registered consumers, "
        "the maximum.",
        400,
    )


def test_queues_and_consumers_share_the_streams_limit_of_20(client: Any) -> None:
    # botocore's model: a queue counts as a registered consumer on the stream.
    _register(client, 19)
    _queue(client)
    with pytest.raises(ClientError) as consumer_refused:
        client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="one-more")
    with pytest.raises(ClientError) as queue_refused:
        client.create_queue(QueueName="q2", StreamConfigurationList=[{"StreamARN": STREAM_ARN}])
    _refused(consumer_refused, 20)
    _refused(queue_refused, 20)
    assert len(client.list_stream_consumers(StreamARN=STREAM_ARN)["Consumers"]) == 19
    assert [q["QueueName"] for q in client.list_queues()["QueueSummaries"]] == ["q"]
    # Deleting the queue makes room for a consumer.
    client.delete_queue(QueueARN=client.list_queues()["QueueSummaries"][0]["QueueARN"])
    client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="one-more")


def test_on_demand_advantage_streams_take_50(client: Any) -> None:
    # On-demand Advantage is the account's minimum throughput billing commitment.
    client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    _register(client, 49)
    _queue(client)
    with pytest.raises(ClientError) as excinfo:
        client.create_queue(QueueName="q2", StreamConfigurationList=[{"StreamARN": STREAM_ARN}])
    _refused(excinfo, 50)
    # Advantage is an on-demand mode: a provisioned stream keeps 20.
    client.create_stream(StreamName="p", ShardCount=1)
    provisioned = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/p"
    _register(client, 20, provisioned)
    with pytest.raises(ClientError) as excinfo:
        client.register_stream_consumer(StreamARN=provisioned, ConsumerName="one-more")
    _refused(excinfo, 20, "p")


def test_receive_acknowledge(client: Any) -> None:
    arn = _queue(client)
    _put(client, b"a", b"b", b"c")
    records = client.receive_queue_records(QueueARN=arn, Limit=10)["QueueRecords"]
    assert sorted(r["Data"] for r in records) == [b"a", b"b", b"c"]
    assert all(r["ReceiveCount"] == 1 for r in records)
    # In flight: not received again.
    assert client.receive_queue_records(QueueARN=arn)["QueueRecords"] == []
    result = client.acknowledge_queue_records(
        QueueARN=arn, Entries=[{"ReceiptHandle": r["ReceiptHandle"]} for r in records]
    )
    assert len(result["Successful"]) == 3 and result["Failed"] == []


def test_unacknowledged_records_come_back_after_the_visibility_timeout(client: Any) -> None:
    with freeze_time("2026-01-01") as frozen:
        arn = _queue(client, VisibilityTimeoutSeconds=10)
        _put(client, b"a")
        first = client.receive_queue_records(QueueARN=arn)["QueueRecords"][0]
        frozen.tick(10)
        again = client.receive_queue_records(QueueARN=arn)["QueueRecords"][0]
        assert again["RecordId"] == first["RecordId"]
        assert again["ReceiveCount"] == 2
        # The old receipt handle no longer works.
        failed = client.acknowledge_queue_records(
            QueueARN=arn, Entries=[{"ReceiptHandle": first["ReceiptHandle"]}]
        )["Failed"]
        assert [f["ReceiptHandle"] for f in failed] == [first["ReceiptHandle"]]


def test_records_become_dead_letters_after_max_receive_count(client: Any) -> None:
    with freeze_time("2026-01-01") as frozen:
        arn = _queue(
            client,
            VisibilityTimeoutSeconds=1,
            DeadLetterConfiguration={"TargetType": "BUILT_IN", "MaxReceiveCount": 2},
        )
        _put(client, b"poison")
        for _ in range(2):
            assert len(client.receive_queue_records(QueueARN=arn)["QueueRecords"]) == 1
            frozen.tick(1)
        assert client.receive_queue_records(QueueARN=arn)["QueueRecords"] == []
        dead = client.receive_dead_letter_queue_records(QueueARN=arn)["QueueRecords"]
        assert [r["Data"] for r in dead] == [b"poison"]
        client.restore_dead_letter_queue_records(
            QueueARN=arn, Entries=[{"ReceiptHandle": dead[0]["ReceiptHandle"]}]
        )
        restored = client.receive_queue_records(QueueARN=arn)["QueueRecords"]
        assert [r["ReceiveCount"] for r in restored] == [1]


def test_change_visibility(client: Any) -> None:
    with freeze_time("2026-01-01"):
        arn = _queue(client)
        _put(client, b"a")
        record = client.receive_queue_records(QueueARN=arn)["QueueRecords"][0]
        client.update_queue_records_visibility(
            QueueARN=arn,
            Entries=[{"ReceiptHandle": record["ReceiptHandle"], "VisibilityTimeoutSeconds": 0}],
        )
        assert len(client.receive_queue_records(QueueARN=arn)["QueueRecords"]) == 1


def test_update_queue(client: Any) -> None:
    arn = _queue(client)
    description = client.update_queue(
        QueueARN=arn, QueueAttributes={"VisibilityTimeoutSeconds": 120}
    )["QueueDescription"]
    assert description["QueueAttributes"]["VisibilityTimeoutSeconds"] == 120


def _dead_letter(client: Any, frozen: Any, arn: str, payload: bytes) -> dict[str, Any]:
    """Receive ``payload`` until it is a dead letter; returns it as the
    dead-letter receive gives it."""
    _put(client, payload)
    for _ in range(2):
        client.receive_queue_records(QueueARN=arn)
        frozen.tick(1)
    (dead,) = client.receive_dead_letter_queue_records(QueueARN=arn)["QueueRecords"]
    return dict(dead)


def _dead_letter_queue(client: Any) -> str:
    return _queue(
        client,
        VisibilityTimeoutSeconds=1,
        DeadLetterConfiguration={"TargetType": "BUILT_IN", "MaxReceiveCount": 2},
    )


def test_acknowledged_dead_letters_are_gone_for_good(client: Any) -> None:
    with freeze_time("2026-01-01") as frozen:
        arn = _dead_letter_queue(client)
        dead = _dead_letter(client, frozen, arn, b"poison")
        answer = client.acknowledge_dead_letter_queue_records(
            QueueARN=arn, Entries=[{"ReceiptHandle": dead["ReceiptHandle"]}]
        )
        assert answer["Successful"] == [{"ReceiptHandle": dead["ReceiptHandle"]}]
        assert answer["Failed"] == []
        frozen.tick(60)
        assert client.receive_dead_letter_queue_records(QueueARN=arn)["QueueRecords"] == []
        assert client.receive_queue_records(QueueARN=arn)["QueueRecords"] == []
        # A handle used once is not valid again.
        again = client.acknowledge_dead_letter_queue_records(
            QueueARN=arn, Entries=[{"ReceiptHandle": dead["ReceiptHandle"]}]
        )
        assert [entry["ErrorCode"] for entry in again["Failed"]] == ["ReceiptHandleIsInvalid"]


def test_a_live_records_handle_is_not_a_dead_letters(client: Any) -> None:
    with freeze_time("2026-01-01"):
        arn = _dead_letter_queue(client)
        _put(client, b"fine")
        (live,) = client.receive_queue_records(QueueARN=arn)["QueueRecords"]
        answer = client.acknowledge_dead_letter_queue_records(
            QueueARN=arn, Entries=[{"ReceiptHandle": live["ReceiptHandle"]}]
        )
        assert answer["Successful"] == []
        assert answer["Failed"] == [
            {
                "ReceiptHandle": live["ReceiptHandle"],
                "ErrorCode": "ReceiptHandleIsInvalid",
                "ErrorMessage": "The receipt handle is not valid for this queue.",
            }
        ]
        # The live record was not acknowledged: it comes back after its timeout.
        assert (
            client.acknowledge_queue_records(
                QueueARN=arn, Entries=[{"ReceiptHandle": live["ReceiptHandle"]}]
            )["Failed"]
            == []
        )


def test_dead_letter_visibility_hides_and_shows_them(client: Any) -> None:
    with freeze_time("2026-01-01") as frozen:
        arn = _dead_letter_queue(client)
        dead = _dead_letter(client, frozen, arn, b"poison")
        hidden = client.update_dead_letter_queue_records_visibility(
            QueueARN=arn,
            Entries=[{"ReceiptHandle": dead["ReceiptHandle"], "VisibilityTimeoutSeconds": 120}],
        )
        assert hidden["Failed"] == []
        frozen.tick(60)
        assert client.receive_dead_letter_queue_records(QueueARN=arn)["QueueRecords"] == []
        frozen.tick(61)
        (back,) = client.receive_dead_letter_queue_records(QueueARN=arn)["QueueRecords"]
        assert back["Data"] == b"poison"
        shown = client.update_dead_letter_queue_records_visibility(
            QueueARN=arn,
            Entries=[{"ReceiptHandle": back["ReceiptHandle"], "VisibilityTimeoutSeconds": 0}],
        )
        assert shown["Successful"] == [{"ReceiptHandle": back["ReceiptHandle"]}]
        again = client.receive_dead_letter_queue_records(QueueARN=arn)["QueueRecords"]
        assert [record["Data"] for record in again] == [b"poison"]

"""Encryption, enhanced monitoring, capacity mode, record size, limits and
account settings."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, NO_RETRIES, REGION, error_of, needs_model

from kinesis_mock import mock_kinesis

ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
KEY = "alias/aws/kinesis"


@pytest.fixture
def stream(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    return kinesis


def _summary(client: Any) -> dict[str, Any]:
    return dict(client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"])


def _records(client: Any) -> list[dict[str, Any]]:
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(client.get_records(ShardIterator=iterator)["Records"])


def test_encryption_shows_in_descriptions_and_on_records(stream: Any) -> None:
    stream.put_record(StreamName="s", Data=b"before", PartitionKey="k")
    stream.start_stream_encryption(StreamName="s", EncryptionType="KMS", KeyId=KEY)
    summary = _summary(stream)
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", KEY)
    description = stream.describe_stream(StreamName="s")["StreamDescription"]
    assert (description["EncryptionType"], description["KeyId"]) == ("KMS", KEY)
    put = stream.put_record(StreamName="s", Data=b"during", PartitionKey="k")
    assert put["EncryptionType"] == "KMS"
    stream.stop_stream_encryption(StreamName="s", EncryptionType="KMS", KeyId=KEY)
    assert _summary(stream)["EncryptionType"] == "NONE"
    assert "KeyId" not in _summary(stream)
    stream.put_record(StreamName="s", Data=b"after", PartitionKey="k")
    # Unencrypted records carry no EncryptionType (tests/test_recorded_wire.py).
    assert [(r["Data"], r.get("EncryptionType")) for r in _records(stream)] == [
        (b"before", None),
        (b"during", "KMS"),
        (b"after", None),
    ]


def test_encryption_makes_the_stream_updating_for_the_configured_delay() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_update_delay=5):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        client.start_stream_encryption(StreamName="s", EncryptionType="KMS", KeyId=KEY)
        assert _summary(client)["StreamStatus"] == "UPDATING"
        # Records are still accepted while UPDATING.
        client.put_record(StreamName="s", Data=b"d", PartitionKey="k")
        with pytest.raises(client.exceptions.ResourceInUseException) as excinfo:
            client.stop_stream_encryption(StreamName="s", EncryptionType="KMS", KeyId=KEY)
        assert excinfo.value.response["Error"]["Message"] == (
            f"Stream s under account {ACCOUNT} not ACTIVE, instead in state UPDATING"
        )
        frozen.tick(5)
        assert _summary(client)["StreamStatus"] == "ACTIVE"


def test_enhanced_monitoring(stream: Any) -> None:
    enabled = stream.enable_enhanced_monitoring(
        StreamName="s", ShardLevelMetrics=["OutgoingBytes", "IncomingBytes"]
    )
    assert enabled["CurrentShardLevelMetrics"] == []
    assert enabled["DesiredShardLevelMetrics"] == ["IncomingBytes", "OutgoingBytes"]
    everything = stream.enable_enhanced_monitoring(StreamName="s", ShardLevelMetrics=["ALL"])
    assert everything["CurrentShardLevelMetrics"] == ["IncomingBytes", "OutgoingBytes"]
    assert len(everything["DesiredShardLevelMetrics"]) == 7
    disabled = stream.disable_enhanced_monitoring(
        StreamName="s", ShardLevelMetrics=["IteratorAgeMilliseconds"]
    )
    assert "IteratorAgeMilliseconds" not in disabled["DesiredShardLevelMetrics"]
    assert disabled["StreamARN"] == ARN
    stream.disable_enhanced_monitoring(StreamName="s", ShardLevelMetrics=["ALL"])
    assert _summary(stream)["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]


def test_update_stream_mode(stream: Any) -> None:
    stream.update_stream_mode(StreamARN=ARN, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert _summary(stream)["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    with pytest.raises(stream.exceptions.InvalidArgumentException):
        stream.update_stream_mode(StreamARN=ARN, StreamModeDetails={"StreamMode": "ON_DEMAND"})


def test_at_most_two_capacity_mode_switches_a_day(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
    with freeze_time("2026-01-01") as frozen:
        client.create_stream(StreamName="s", ShardCount=1)
        for mode in ("ON_DEMAND", "PROVISIONED"):
            client.update_stream_mode(StreamARN=ARN, StreamModeDetails={"StreamMode": mode})
        with pytest.raises(ClientError) as excinfo:
            client.update_stream_mode(StreamARN=ARN, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        assert error_of(excinfo)[:2] == (
            "LimitExceededException",
            f"Stream s under account {ACCOUNT} has already switched capacity mode 2 times "
            "in the last 24 hours.",
        )
        assert _summary(client)["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
        frozen.tick(24 * 3600)
        client.update_stream_mode(StreamARN=ARN, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        assert _summary(client)["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}


def test_update_max_record_size_is_honoured(stream: Any) -> None:
    big = b"x" * (2 * 1024 * 1024)
    # The service refuses a record over the stream's maximum with a
    # ValidationException (awslabs/amazon-kinesis-producer#680, December 2025).
    with pytest.raises(stream.exceptions.ValidationException):
        stream.put_record(StreamName="s", Data=big, PartitionKey="k")
    stream.update_max_record_size(StreamARN=ARN, MaxRecordSizeInKiB=4096)
    assert _summary(stream)["MaxRecordSizeInKiB"] == 4096
    stream.put_record(StreamName="s", Data=big, PartitionKey="k")
    stream.put_records(StreamName="s", Records=[{"Data": big, "PartitionKey": "k"}])


def test_describe_limits(stream: Any) -> None:
    stream.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    limits = stream.describe_limits()
    assert limits["ShardLimit"] == 20_000
    assert limits["OpenShardCount"] == 1
    assert limits["OnDemandStreamCount"] == 1
    assert limits["OnDemandStreamCountLimit"] == 50


@needs_model("kinesis", "UpdateAccountSettings")
def test_account_settings(kinesis: Any) -> None:
    settings = kinesis.describe_account_settings()["MinimumThroughputBillingCommitment"]
    assert settings["Status"] == "DISABLED"
    with freeze_time("2026-02-01 10:00:00"):
        updated = kinesis.update_account_settings(
            MinimumThroughputBillingCommitment={"Status": "ENABLED"}
        )["MinimumThroughputBillingCommitment"]
    assert updated["Status"] == "ENABLED"
    assert updated["StartedAt"].year == 2026
    assert (
        kinesis.describe_account_settings()["MinimumThroughputBillingCommitment"]["Status"]
        == "ENABLED"
    )


@needs_model("kinesis", "UpdateStreamWarmThroughput")
@needs_model("kinesis", "UpdateAccountSettings")
def test_warm_throughput_on_an_on_demand_stream(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    result = kinesis.update_stream_warm_throughput(StreamName="od", WarmThroughputMiBps=100)
    assert result["WarmThroughput"]["TargetMiBps"] == 100
    summary = kinesis.describe_stream_summary(StreamName="od")["StreamDescriptionSummary"]
    assert summary["WarmThroughput"]["TargetMiBps"] == 100


@needs_model("kinesis", "UpdateStreamWarmThroughput")
def test_warm_throughput_needs_on_demand(stream: Any) -> None:
    with pytest.raises(stream.exceptions.InvalidArgumentException):
        stream.update_stream_warm_throughput(StreamName="s", WarmThroughputMiBps=100)

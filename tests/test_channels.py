"""Channels on data streams (botocore 1.44 and later), and tags on queues and channels."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from helpers import ACCOUNT, REGION

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
STREAM_CONFIG = {"StreamARN": STREAM_ARN, "RecordConfiguration": {"RecordFormatType": "JSON"}}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/delivery"
S3 = {
    "S3DestinationConfiguration": {
        "DataFreshnessInSeconds": 60,
        "DeadLetterQueueS3Configuration": {
            "BucketARN": "arn:aws:s3:::dlq",
            "ExpectedBucketOwner": ACCOUNT,
        },
        "StorageConfiguration": {
            "BucketARN": "arn:aws:s3:::data",
            "ExpectedBucketOwner": ACCOUNT,
            "CompressionType": "GZIP",
        },
    }
}


@pytest.fixture
def client(kinesis_mock: Any) -> Any:
    client = boto3.client("kinesis", region_name=REGION)
    if "CreateChannel" not in client.meta.service_model.operation_names:
        pytest.skip("this botocore's kinesis model has no channels (they came in 1.44)")
    client.create_stream(StreamName="s", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    return client


def _channel(client: Any) -> str:
    description = client.create_channel(
        ChannelName="to-s3",
        ServiceExecutionRoleARN=ROLE,
        StreamConfigurationList=[STREAM_CONFIG],
        Tags={"team": "data"},
        **S3,
    )["ChannelDescription"]
    return str(description["ChannelARN"])


def test_channel_lifecycle(client: Any) -> None:
    arn = _channel(client)
    description = client.describe_channel(ChannelARN=arn)["ChannelDescription"]
    assert description["ChannelStatus"] == "ACTIVE"
    assert description["ServiceExecutionRoleARN"] == ROLE
    summaries = client.list_channels()["ChannelSummaries"]
    assert [(c["ChannelName"], c["ChannelDestinationType"]) for c in summaries] == [("to-s3", "S3")]
    assert client.list_channels(StreamFilter=[{"StreamARN": STREAM_ARN}])["ChannelSummaries"]
    client.update_channel(
        ChannelARN=arn, LoggingConfiguration={"CloudWatchLogs": {"Enabled": True}}
    )
    description = client.describe_channel(ChannelARN=arn)["ChannelDescription"]
    assert description["LoggingConfiguration"] == {"CloudWatchLogs": {"Enabled": True}}
    client.delete_channel(ChannelARN=arn)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_channel(ChannelARN=arn)


def test_exactly_one_destination(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.create_channel(
            ChannelName="nowhere",
            ServiceExecutionRoleARN=ROLE,
            StreamConfigurationList=[STREAM_CONFIG],
        )


def test_duplicate_channel(client: Any) -> None:
    _channel(client)
    with pytest.raises(client.exceptions.ResourceInUseException):
        _channel(client)


def test_tags_on_channels_and_queues(client: Any) -> None:
    channel = _channel(client)
    assert client.list_tags_for_resource(ResourceARN=channel)["Tags"] == [
        {"Key": "team", "Value": "data"}
    ]
    queue = client.create_queue(QueueName="q", StreamConfigurationList=[{"StreamARN": STREAM_ARN}])[
        "QueueDescription"
    ]["QueueARN"]
    client.tag_resource(ResourceARN=queue, Tags={"env": "test"})
    client.untag_resource(ResourceARN=channel, TagKeys=["team"])
    assert client.list_tags_for_resource(ResourceARN=queue)["Tags"] == [
        {"Key": "env", "Value": "test"}
    ]
    assert client.list_tags_for_resource(ResourceARN=channel)["Tags"] == []


def test_the_stream_summary_counts_its_channels_queues_and_consumers_apart(client: Any) -> None:
    # The model documents ConsumerCount as enhanced fan-out consumers only:
    # "Queues are not included in this count, even though they share the
    # stream's registered consumer limit"; QueueCount and ChannelCount count those.
    client.create_stream(StreamName="other", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="efo")
    _channel(client)
    for name, arn in (
        ("q1", STREAM_ARN),
        ("q2", STREAM_ARN),
        ("elsewhere", STREAM_ARN[:-1] + "other"),
    ):
        client.create_queue(QueueName=name, StreamConfigurationList=[{"StreamARN": arn}])
    summary = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
    assert (summary["ConsumerCount"], summary["QueueCount"], summary["ChannelCount"]) == (1, 2, 1)
    other = client.describe_stream_summary(StreamName="other")["StreamDescriptionSummary"]
    assert (other["ConsumerCount"], other["QueueCount"], other["ChannelCount"]) == (0, 1, 0)

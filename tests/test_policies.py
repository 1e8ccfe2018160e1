"""Resource policies, and tags on consumers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ACCOUNT, REGION, error_of

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": ["kinesis:GetRecords"],
                "Resource": STREAM_ARN,
            }
        ],
    }
)


@pytest.fixture
def stream(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    return kinesis


def test_put_get_delete(stream: Any) -> None:
    assert stream.get_resource_policy(ResourceARN=STREAM_ARN)["Policy"] == "{}"
    stream.put_resource_policy(ResourceARN=STREAM_ARN, Policy=POLICY)
    assert json.loads(stream.get_resource_policy(ResourceARN=STREAM_ARN)["Policy"]) == json.loads(
        POLICY
    )
    stream.delete_resource_policy(ResourceARN=STREAM_ARN)
    assert stream.get_resource_policy(ResourceARN=STREAM_ARN)["Policy"] == "{}"


def test_delete_without_a_policy(stream: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        stream.delete_resource_policy(ResourceARN=STREAM_ARN)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"No resource policy found for resource ARN {STREAM_ARN}.",
        400,
    )


def test_malformed_policy(stream: Any) -> None:
    with pytest.raises(stream.exceptions.InvalidArgumentException):
        stream.put_resource_policy(ResourceARN=STREAM_ARN, Policy="not json")
    assert stream.get_resource_policy(ResourceARN=STREAM_ARN)["Policy"] == "{}"


def test_consumer_policy_and_tags(stream: Any) -> None:
    consumer = stream.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")[
        "Consumer"
    ]["ConsumerARN"]
    stream.put_resource_policy(ResourceARN=consumer, Policy=POLICY)
    assert stream.get_resource_policy(ResourceARN=consumer)["Policy"] == POLICY
    stream.tag_resource(ResourceARN=consumer, Tags={"owner": "analytics"})
    assert stream.list_tags_for_resource(ResourceARN=consumer)["Tags"] == [
        {"Key": "owner", "Value": "analytics"}
    ]
    # The stream's own tags are separate.
    assert stream.list_tags_for_stream(StreamName="s")["Tags"] == []


def test_policy_of_a_missing_stream(stream: Any) -> None:
    with pytest.raises(stream.exceptions.ResourceNotFoundException):
        stream.get_resource_policy(ResourceARN=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/ghost")

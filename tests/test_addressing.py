"""Streams addressed by StreamName, StreamARN or both."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import ACCOUNT, REGION, error_of, needs_model, signed_request

ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/events"


@pytest.fixture
def events(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="events", ShardCount=1)
    return kinesis


def test_describe_by_arn_goes_through_the_account_specific_endpoint(events: Any) -> None:
    seen: list[str] = []
    events.meta.events.register(
        "before-send.kinesis", lambda request, **_: seen.append(request.url)
    )
    summary = events.describe_stream_summary(StreamARN=ARN)["StreamDescriptionSummary"]
    assert summary["StreamName"] == "events"
    # botocore derived the control endpoint from the ARN; we answered it anyway.
    assert seen == [f"https://{ACCOUNT}.control-kinesis.{REGION}.amazonaws.com/"]


def test_describe_stream_by_arn(events: Any) -> None:
    description = events.describe_stream(StreamARN=ARN)["StreamDescription"]
    assert description["StreamARN"] == ARN


def test_name_and_matching_arn_together(events: Any) -> None:
    summary = events.describe_stream_summary(StreamName="events", StreamARN=ARN)
    assert summary["StreamDescriptionSummary"]["StreamName"] == "events"


def test_name_and_arn_that_disagree_are_rejected(events: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        events.describe_stream_summary(StreamName="other", StreamARN=ARN)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidArgumentException", 400)
    assert "other" in message and ARN in message
    # Nothing was deleted by the rejected call either.
    with pytest.raises(events.exceptions.InvalidArgumentException):
        events.delete_stream(StreamName="other", StreamARN=ARN)
    assert events.list_streams()["StreamNames"] == ["events"]


def test_neither_name_nor_arn_is_rejected(events: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        events.describe_stream_summary()
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        "Either StreamName or StreamARN should be provided.",
        400,
    )


def test_malformed_arn_fails_the_models_pattern(events: Any) -> None:
    # botocore refuses to build an endpoint from a malformed ARN, so only
    # callers without an SDK reach the service's own validation.
    # Worded as today's service words it: without the value.
    response = signed_request(
        json.dumps({"StreamName": "events", "StreamARN": "not-an-arn"}), "DescribeStreamSummary"
    )
    assert response.status_code == 400
    assert response.json() == {
        "__type": "ValidationException",
        "message": "1 validation error detected: Value at 'streamARN' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
    }


def test_arn_of_unknown_stream(events: Any) -> None:
    with pytest.raises(events.exceptions.ResourceNotFoundException) as excinfo:
        events.describe_stream_summary(
            StreamARN=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/missing"
        )
    assert error_of(excinfo)[1] == f"Stream missing under account {ACCOUNT} not found."


def test_arn_of_another_account_is_denied_without_a_resource_policy(events: Any) -> None:
    foreign = f"arn:aws:kinesis:{REGION}:111122223333:stream/events"
    with pytest.raises(ClientError) as excinfo:
        events.describe_stream_summary(StreamARN=foreign)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDeniedException", 400)
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: "
        f"kinesis:DescribeStreamSummary on resource: {foreign} because no resource-based "
        "policy allows the kinesis:DescribeStreamSummary action"
    )


@needs_model("kinesis", "DescribeStreamSummary", "DescribeStreamSummaryInput", "StreamId")
def test_stream_id_from_the_summary_addresses_the_stream(events: Any) -> None:
    summary = events.describe_stream_summary(StreamName="events")["StreamDescriptionSummary"]
    by_id = events.describe_stream_summary(StreamName="events", StreamId=summary["StreamId"])
    assert by_id["StreamDescriptionSummary"]["StreamARN"] == ARN


def test_arn_in_another_region_is_not_found_here(kinesis_mock: Any) -> None:
    east = boto3.client("kinesis", region_name="us-east-1")
    east.create_stream(StreamName="events", ShardCount=1)
    west = boto3.client("kinesis", region_name="us-west-2")
    # botocore sends the call to the client's own region, whose service has
    # no such stream.
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.describe_stream_summary(StreamARN=ARN)

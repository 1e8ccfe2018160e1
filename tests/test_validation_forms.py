"""Every form a constraint's text takes, through boto3 under the mock.

A rule is worded once (protocol/validation.py) and appears in three forms: on
a member of its own ("Value at 'x' failed to satisfy constraint: <rule>"),
listed among the element rules of a list ("Member must satisfy constraint:
[<rules>]"), and among the rules of a map's keys or values ("Map keys ...",
"Map value ..."). Element rules are listed maximum first, then minimum, the
pattern and the enum.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, error_of, needs_model

from kinesis_mock import KinesisMock

_ONE = "1 validation error detected: "
_LENGTHS_1_128 = (
    "Member must have length less than or equal to 128, "
    "Member must have length greater than or equal to 1"
)


def _message(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    return message


@pytest.fixture
def raw_video(kinesis_mock: KinesisMock) -> Any:
    return boto3.client(
        "kinesisvideo", region_name=REGION, config=Config(parameter_validation=False)
    )


# -- list elements --------------------------------------------------------------


def test_a_list_element_enum_is_reported_at_the_list(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    message = _message(
        raw_kinesis.enable_enhanced_monitoring,
        StreamName="s",
        ShardLevelMetrics=["IncomingBytes", "Nope", "Neither"],
    )
    assert message == _ONE + (
        "Value at 'shardLevelMetrics' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy enum value set: "
        "[IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, "
        "WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, "
        "IteratorAgeMilliseconds, ALL]]"
    )


def test_list_element_lengths_are_listed_maximum_first(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    message = _message(raw_kinesis.remove_tags_from_stream, StreamName="s", TagKeys=["a", ""])
    assert message == _ONE + (
        "Value at 'tagKeys' failed to satisfy constraint: "
        f"Member must satisfy constraint: [{_LENGTHS_1_128}]"
    )


def test_a_list_element_pattern_follows_its_lengths(raw_video: Any) -> None:
    message = _message(raw_video.untag_stream, StreamName="cam", TagKeyList=["ok", "bad\x01"])
    assert message == _ONE + (
        "Value at 'tagKeyList' failed to satisfy constraint: "
        f"Member must satisfy constraint: [{_LENGTHS_1_128}, "
        "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$]"
    )


def test_a_structure_in_a_list_is_reported_member_by_member(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    message = _message(
        raw_kinesis.put_records,
        StreamName="s",
        Records=[{"Data": b"x", "PartitionKey": "k"}, {"Data": b"x", "PartitionKey": ""}],
    )
    assert message == _ONE + (
        "Value at 'records.2.member.partitionKey' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


# -- map keys and values --------------------------------------------------------


def test_a_map_value_is_reported_at_the_map(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    message = _message(raw_kinesis.add_tags_to_stream, StreamName="s", Tags={"k": "v" * 257})
    assert message == _ONE + (
        "Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length less than or equal to 256, "
        "Member must have length greater than or equal to 0]"
    )


def test_map_keys_are_reported_before_map_values(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    message = _message(raw_kinesis.add_tags_to_stream, StreamName="s", Tags={"": "v" * 257})
    assert message == (
        "2 validation errors detected: "
        "Value at 'tags' failed to satisfy constraint: "
        f"Map keys must satisfy constraint: [{_LENGTHS_1_128}]; "
        "Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length less than or equal to 256, "
        "Member must have length greater than or equal to 0]"
    )


def _image_generation(format_config: dict[str, str]) -> dict[str, Any]:
    return {
        "Status": "ENABLED",
        "ImageSelectorType": "SERVER_TIMESTAMP",
        "DestinationConfig": {"Uri": "s3://bucket/prefix", "DestinationRegion": REGION},
        "SamplingInterval": 3000,
        "Format": "JPEG",
        "FormatConfig": format_config,
    }


@needs_model("kinesisvideo", "UpdateImageGenerationConfiguration")
def test_a_map_key_enum_is_reported_at_the_map(raw_video: Any) -> None:
    message = _message(
        raw_video.update_image_generation_configuration,
        StreamName="cam",
        ImageGenerationConfiguration=_image_generation({"NOPE": "1"}),
    )
    assert message == _ONE + (
        "Value at 'imageGenerationConfiguration.formatConfig' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must satisfy enum value set: [JPEGQuality]]"
    )


@needs_model("kinesisvideo", "UpdateImageGenerationConfiguration")
def test_a_map_value_pattern_follows_its_lengths(raw_video: Any) -> None:
    message = _message(
        raw_video.update_image_generation_configuration,
        StreamName="cam",
        ImageGenerationConfiguration=_image_generation({"JPEGQuality": ""}),
    )
    assert message == _ONE + (
        "Value at 'imageGenerationConfiguration.formatConfig' failed to satisfy constraint: "
        "Map value must satisfy constraint: "
        "[Member must have length less than or equal to 256, "
        "Member must have length greater than or equal to 0, "
        "Member must satisfy regular expression pattern: ^[a-zA-Z_0-9]+]"
    )


# -- members of their own -------------------------------------------------------


def test_a_member_lists_pattern_then_minimum_then_maximum(raw_video: Any) -> None:
    message = _message(raw_video.describe_stream, StreamName="")
    assert message == (
        "2 validation errors detected: "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_a_range_of_a_video_member(raw_video: Any) -> None:
    message = _message(raw_video.create_stream, StreamName="cam", DataRetentionInHours=-1)
    assert message == _ONE + (
        "Value at 'dataRetentionInHours' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0"
    )

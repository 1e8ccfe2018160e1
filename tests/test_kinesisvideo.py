"""Kinesis Video streams through boto3's kinesisvideo client."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, REGION

from kinesis_mock import mock_kinesis


@pytest.fixture
def video(kinesis_mock: Any) -> Any:
    return boto3.client("kinesisvideo", region_name=REGION)


def test_create_describe_list_delete(video: Any) -> None:
    with freeze_time("2026-03-01 12:00:00"):
        arn = video.create_stream(StreamName="cam", MediaType="video/h264")["StreamARN"]
    assert arn == f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam/1772366400000"
    info = video.describe_stream(StreamName="cam")["StreamInfo"]
    assert (info["StreamName"], info["Status"], info["MediaType"]) == (
        "cam",
        "ACTIVE",
        "video/h264",
    )
    assert video.describe_stream(StreamARN=arn)["StreamInfo"]["Version"] == info["Version"]
    assert [s["StreamName"] for s in video.list_streams()["StreamInfoList"]] == ["cam"]
    video.delete_stream(StreamARN=arn)
    with pytest.raises(ClientError) as excinfo:
        video.describe_stream(StreamName="cam")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_duplicate_stream(video: Any) -> None:
    video.create_stream(StreamName="cam")
    with pytest.raises(video.exceptions.ResourceInUseException):
        video.create_stream(StreamName="cam")


def test_list_with_a_name_condition_and_pages(video: Any) -> None:
    for name in ("cam-a", "cam-b", "door", "cam-c"):
        video.create_stream(StreamName=name)
    listed = video.list_streams(
        StreamNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam"}
    )
    assert [s["StreamName"] for s in listed["StreamInfoList"]] == ["cam-a", "cam-b", "cam-c"]
    first = video.list_streams(MaxResults=2)
    rest = video.list_streams(MaxResults=2, NextToken=first["NextToken"])
    names = [s["StreamName"] for s in first["StreamInfoList"] + rest["StreamInfoList"]]
    assert names == ["cam-a", "cam-b", "cam-c", "door"]


def test_versions_change_on_update_and_must_match(video: Any) -> None:
    video.create_stream(StreamName="cam")
    version = video.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    video.update_stream(StreamName="cam", CurrentVersion=version, DeviceName="front-door")
    info = video.describe_stream(StreamName="cam")["StreamInfo"]
    assert info["DeviceName"] == "front-door"
    assert info["Version"] != version
    with pytest.raises(video.exceptions.VersionMismatchException):
        video.update_stream(StreamName="cam", CurrentVersion=version, DeviceName="x")


def test_data_retention(video: Any) -> None:
    video.create_stream(StreamName="cam", DataRetentionInHours=24)
    version = video.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    video.update_data_retention(
        StreamName="cam",
        CurrentVersion=version,
        Operation="INCREASE_DATA_RETENTION",
        DataRetentionChangeInHours=48,
    )
    info = video.describe_stream(StreamName="cam")["StreamInfo"]
    assert info["DataRetentionInHours"] == 72
    with pytest.raises(video.exceptions.InvalidArgumentException):
        video.update_data_retention(
            StreamName="cam",
            CurrentVersion=info["Version"],
            Operation="DECREASE_DATA_RETENTION",
            DataRetentionChangeInHours=100,
        )


def test_tags(video: Any) -> None:
    arn = video.create_stream(StreamName="cam", Tags={"site": "hq"})["StreamARN"]
    video.tag_stream(StreamName="cam", Tags={"floor": "2"})
    video.tag_resource(ResourceARN=arn, Tags=[{"Key": "owner", "Value": "ops"}])
    assert video.list_tags_for_stream(StreamName="cam")["Tags"] == {
        "site": "hq",
        "floor": "2",
        "owner": "ops",
    }
    video.untag_stream(StreamName="cam", TagKeyList=["site"])
    video.untag_resource(ResourceARN=arn, TagKeyList=["floor"])
    assert video.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"owner": "ops"}
    with pytest.raises(video.exceptions.TagsPerResourceExceededLimitException):
        video.tag_stream(StreamName="cam", Tags={f"k{i}": "v" for i in range(50)})


def test_creating_until_the_delay_passes() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_create_delay=5):
        video = boto3.client("kinesisvideo", region_name=REGION)
        video.create_stream(StreamName="cam")
        assert video.describe_stream(StreamName="cam")["StreamInfo"]["Status"] == "CREATING"
        frozen.tick(5)
        assert video.describe_stream(StreamName="cam")["StreamInfo"]["Status"] == "ACTIVE"


def test_data_endpoints_reach_the_media_clients_under_the_mock(
    video: Any, no_network: list[str]
) -> None:
    video.create_stream(StreamName="cam")
    endpoint = video.get_data_endpoint(StreamName="cam", APIName="LIST_FRAGMENTS")["DataEndpoint"]
    assert endpoint.startswith("https://") and endpoint.endswith(".amazonaws.com")
    archived = boto3.client(
        "kinesis-video-archived-media", region_name=REGION, endpoint_url=endpoint
    )
    with pytest.raises(ClientError) as excinfo:
        archived.list_fragments(StreamName="cam")
    # Answered in process (the media operations come next), never sent.
    assert excinfo.value.response["Error"]["Code"] == "NotImplemented"
    assert no_network == []

"""Kinesis Video's error texts through boto3, each written once (a constructor
in ``protocol/errors.py``) and raised by several operations: every place that
raises it answers the same code and message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import REGION

from kinesis_mock import KinesisMock

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def refusal(call: Callable[..., Any], **params: Any) -> tuple[str, str]:
    """The (code, message) a call is refused with."""
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def data_client(video: Any, service: str, api: str, stream: str = "cam") -> Any:
    endpoint = video.get_data_endpoint(StreamName=stream, APIName=api)["DataEndpoint"]
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)


@pytest.fixture
def video(kinesis_mock: KinesisMock) -> Any:
    return boto3.client("kinesisvideo", region_name=REGION)


def test_a_missing_stream_or_channel(video: Any) -> None:
    stream = ("ResourceNotFoundException", "The requested stream is not found or not active.")
    assert refusal(video.describe_stream, StreamName="nope") == stream
    assert refusal(video.list_tags_for_stream, StreamName="nope") == stream
    channel = ("ResourceNotFoundException", "The requested channel is not found or not active.")
    assert refusal(video.describe_signaling_channel, ChannelName="nope") == channel


def test_a_version_that_is_not_the_current_one(video: Any) -> None:
    video.create_stream(StreamName="cam")
    current = video.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    assert refusal(video.update_stream, StreamName="cam", CurrentVersion="old") == (
        "VersionMismatchException",
        f"The stream version old does not match the current version {current}.",
    )
    arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    version = video.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]["Version"]
    assert refusal(video.delete_signaling_channel, ChannelARN=arn, CurrentVersion="old") == (
        "VersionMismatchException",
        f"The channel version old does not match the current version {version}.",
    )


def test_a_stream_that_keeps_no_data(video: Any, kinesis_mock: KinesisMock) -> None:
    video.create_stream(StreamName="cam")
    kinesis_mock.put_media("cam", b"frame")
    expected = (
        "NoDataRetentionException",
        "The stream cam keeps no data (DataRetentionInHours is 0).",
    )
    archived = data_client(video, "kinesis-video-archived-media", "GET_HLS_STREAMING_SESSION_URL")
    assert refusal(archived.get_hls_streaming_session_url, StreamName="cam") == expected
    assert (
        refusal(
            archived.get_images,
            StreamName="cam",
            ImageSelectorType="SERVER_TIMESTAMP",
            StartTimestamp=T0,
            EndTimestamp=T0 + timedelta(seconds=10),
            Format="PNG",
        )
        == expected
    )


def test_fragments_and_ranges(video: Any, kinesis_mock: KinesisMock) -> None:
    with freeze_time(T0):
        video.create_stream(StreamName="cam", DataRetentionInHours=24)
        kinesis_mock.put_media("cam", b"frame", server_timestamp=T0)
        media = data_client(video, "kinesis-video-media", "GET_MEDIA")
        archived = data_client(video, "kinesis-video-archived-media", "GET_CLIP")

        missing = ("ResourceNotFoundException", "The fragment 42 is not found.")
        assert (
            refusal(archived.get_media_for_fragment_list, StreamName="cam", Fragments=["42"])
            == missing
        )
        assert (
            refusal(
                media.get_media,
                StreamName="cam",
                StartSelector={
                    "StartSelectorType": "FRAGMENT_NUMBER",
                    "AfterFragmentNumber": "42",
                },
            )
            == missing
        )

        def clip(start: int, end: int) -> tuple[str, str]:
            return refusal(
                archived.get_clip,
                StreamName="cam",
                ClipFragmentSelector={
                    "FragmentSelectorType": "SERVER_TIMESTAMP",
                    "TimestampRange": {
                        "StartTimestamp": T0 + timedelta(seconds=start),
                        "EndTimestamp": T0 + timedelta(seconds=end),
                    },
                },
            )

        empty = ("ResourceNotFoundException", "No fragments found in the requested time range.")
        assert clip(100, 200) == empty
        assert clip(0, 24 * 3600 + 1) == (
            "InvalidArgumentException",
            "The clip's EndTimestamp must be after its StartTimestamp, at most 24 hours later.",
        )
        assert refusal(
            archived.get_images,
            StreamName="cam",
            ImageSelectorType="SERVER_TIMESTAMP",
            StartTimestamp=T0,
            EndTimestamp=T0 + timedelta(seconds=301),
            Format="PNG",
        ) == (
            "InvalidArgumentException",
            "The EndTimestamp must be at most 300 seconds after the StartTimestamp.",
        )
    # A LIVE session an hour later finds no fragment in its window.
    with freeze_time(T0 + timedelta(hours=1)):
        assert refusal(archived.get_dash_streaming_session_url, StreamName="cam") == empty

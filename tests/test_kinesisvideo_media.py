"""The Kinesis Video media data plane through boto3's kinesis-video-media and
kinesis-video-archived-media clients, over fragments added with
``KinesisMock.put_media``."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import REGION

from kinesis_mock import KinesisMock, mock_kinesis

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def clients(stream: str = "cam") -> tuple[Any, Any]:
    """The media and archived-media clients, at the endpoints GetDataEndpoint gives."""
    video = boto3.client("kinesisvideo", region_name=REGION)

    def at(api: str, service: str) -> Any:
        endpoint = video.get_data_endpoint(StreamName=stream, APIName=api)["DataEndpoint"]
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint)

    return at("GET_MEDIA", "kinesis-video-media"), at(
        "LIST_FRAGMENTS", "kinesis-video-archived-media"
    )


@pytest.fixture
def recorded(kinesis_mock: KinesisMock) -> Iterator[dict[str, Any]]:
    """A stream that keeps 24 hours of media, with five 2-second fragments
    received from T0 on (the producer's clock runs 1 second behind); the
    test runs a minute later."""
    with freeze_time(T0) as frozen:
        boto3.client("kinesisvideo", region_name=REGION).create_stream(
            StreamName="cam", DataRetentionInHours=24
        )
        numbers = [
            kinesis_mock.put_media(
                "cam",
                f"fragment-{i}".encode(),
                server_timestamp=T0 + timedelta(seconds=2 * i),
                producer_timestamp=T0 + timedelta(seconds=2 * i - 1),
            )
            for i in range(5)
        ]
        frozen.tick(60)
        media, archived = clients()
        yield {"numbers": numbers, "media": media, "archived": archived}


def test_fragment_numbers_grow(recorded: dict[str, Any]) -> None:
    numbers = recorded["numbers"]
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert len(set(numbers)) == 5


def test_list_fragments_by_server_and_producer_time(recorded: dict[str, Any]) -> None:
    archived = recorded["archived"]
    with freeze_time(T0 + timedelta(minutes=1)):
        everything = archived.list_fragments(StreamName="cam")["Fragments"]
        assert [f["FragmentNumber"] for f in everything] == recorded["numbers"]
        first = everything[0]
        assert first["FragmentSizeInBytes"] == len(b"fragment-0")
        assert first["ServerTimestamp"] == T0
        assert first["ProducerTimestamp"] == T0 - timedelta(seconds=1)
        assert first["FragmentLengthInMilliseconds"] == 2000

        def between(kind: str, start: int, end: int) -> list[str]:
            fragments = archived.list_fragments(
                StreamName="cam",
                FragmentSelector={
                    "FragmentSelectorType": kind,
                    "TimestampRange": {
                        "StartTimestamp": T0 + timedelta(seconds=start),
                        "EndTimestamp": T0 + timedelta(seconds=end),
                    },
                },
            )["Fragments"]
            return [f["FragmentNumber"] for f in fragments]

        numbers = recorded["numbers"]
        assert between("SERVER_TIMESTAMP", 2, 4) == numbers[1:3]
        assert between("PRODUCER_TIMESTAMP", 2, 4) == numbers[2:3]
        assert between("SERVER_TIMESTAMP", 100, 200) == []


def test_list_fragments_pages(recorded: dict[str, Any]) -> None:
    archived = recorded["archived"]
    with freeze_time(T0 + timedelta(minutes=1)):
        pages = archived.get_paginator("list_fragments").paginate(
            StreamName="cam", PaginationConfig={"PageSize": 2}
        )
        numbers = [f["FragmentNumber"] for page in pages for f in page["Fragments"]]
    assert numbers == recorded["numbers"]


def test_get_media_for_fragment_list(recorded: dict[str, Any]) -> None:
    numbers = recorded["numbers"]
    answer = recorded["archived"].get_media_for_fragment_list(
        StreamName="cam", Fragments=[numbers[3], numbers[1]]
    )
    assert answer["Payload"].read() == b"fragment-3fragment-1"
    with pytest.raises(ClientError) as excinfo:
        recorded["archived"].get_media_for_fragment_list(StreamName="cam", Fragments=["1"])
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({"StartSelectorType": "EARLIEST"}, range(5)),
        ({"StartSelectorType": "NOW"}, range(0)),
        (
            {"StartSelectorType": "SERVER_TIMESTAMP", "StartTimestamp": T0 + timedelta(seconds=5)},
            range(3, 5),
        ),
        (
            {
                "StartSelectorType": "PRODUCER_TIMESTAMP",
                "StartTimestamp": T0 + timedelta(seconds=5),
            },
            range(3, 5),
        ),
    ],
)
def test_get_media_from_each_start(
    recorded: dict[str, Any], selector: dict[str, Any], expected: range
) -> None:
    answer = recorded["media"].get_media(StreamName="cam", StartSelector=selector)
    assert answer["Payload"].read() == b"".join(f"fragment-{i}".encode() for i in expected)


def test_get_media_from_a_fragment_number_or_a_continuation_token(
    recorded: dict[str, Any],
) -> None:
    media, numbers = recorded["media"], recorded["numbers"]
    # AfterFragmentNumber is where the media starts; a continuation token
    # names the last fragment read, so reading resumes after it.
    from_number = media.get_media(
        StreamName="cam",
        StartSelector={"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": numbers[3]},
    )
    assert from_number["Payload"].read() == b"fragment-3fragment-4"
    resumed = media.get_media(
        StreamName="cam",
        StartSelector={"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": numbers[3]},
    )
    assert resumed["Payload"].read() == b"fragment-4"
    with pytest.raises(ClientError) as excinfo:
        media.get_media(StreamName="cam", StartSelector={"StartSelectorType": "FRAGMENT_NUMBER"})
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_get_clip(recorded: dict[str, Any]) -> None:
    archived = recorded["archived"]

    def clip(start: int, end: int) -> Any:
        return archived.get_clip(
            StreamName="cam",
            ClipFragmentSelector={
                "FragmentSelectorType": "SERVER_TIMESTAMP",
                "TimestampRange": {
                    "StartTimestamp": T0 + timedelta(seconds=start),
                    "EndTimestamp": T0 + timedelta(seconds=end),
                },
            },
        )

    with freeze_time(T0 + timedelta(minutes=1)):
        answer = clip(0, 3)
        assert answer["ContentType"] == "video/mp4"
        assert answer["Payload"].read() == b"fragment-0fragment-1"
        with pytest.raises(ClientError) as excinfo:
            clip(100, 200)
        assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_session_urls(recorded: dict[str, Any]) -> None:
    archived = recorded["archived"]
    on_demand = {
        "FragmentSelectorType": "SERVER_TIMESTAMP",
        "TimestampRange": {"StartTimestamp": T0, "EndTimestamp": T0 + timedelta(seconds=10)},
    }
    with freeze_time(T0 + timedelta(seconds=20)):
        hls = archived.get_hls_streaming_session_url(StreamName="cam")["HLSStreamingSessionURL"]
        assert "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=" in hls
        dash = archived.get_dash_streaming_session_url(
            StreamName="cam", PlaybackMode="ON_DEMAND", DASHFragmentSelector=on_demand
        )["DASHStreamingSessionURL"]
        assert "/dash/v1/getDASHManifest.mpd?SessionToken=" in dash
    # LIVE needs a fragment from the last 30 seconds.
    with freeze_time(T0 + timedelta(minutes=5)):
        with pytest.raises(ClientError) as excinfo:
            archived.get_hls_streaming_session_url(StreamName="cam")
        assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
        # ...while ON_DEMAND finds the fragments of its range.
        archived.get_hls_streaming_session_url(
            StreamName="cam", PlaybackMode="ON_DEMAND", HLSFragmentSelector=on_demand
        )
        with pytest.raises(ClientError) as excinfo:
            archived.get_hls_streaming_session_url(StreamName="cam", PlaybackMode="ON_DEMAND")
        assert excinfo.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_session_urls_need_retention(kinesis_mock: KinesisMock) -> None:
    boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="cam")
    kinesis_mock.put_media("cam", b"frame")
    _, archived = clients()
    for call in (archived.get_hls_streaming_session_url, archived.get_dash_streaming_session_url):
        with pytest.raises(ClientError) as excinfo:
            call(StreamName="cam")
        assert excinfo.value.response["Error"]["Code"] == "NoDataRetentionException"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def jpeg_size(data: bytes) -> tuple[int, int]:
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    frame = data.index(b"\xff\xc0")
    height, width = struct.unpack(">HH", data[frame + 5 : frame + 9])
    return width, height


def test_get_images_where_media_exists(recorded: dict[str, Any]) -> None:
    archived = recorded["archived"]
    with freeze_time(T0 + timedelta(minutes=1)):
        images = archived.get_images(
            StreamName="cam",
            ImageSelectorType="SERVER_TIMESTAMP",
            StartTimestamp=T0 + timedelta(seconds=6),
            EndTimestamp=T0 + timedelta(seconds=14),
            SamplingInterval=2000,
            Format="PNG",
            WidthPixels=320,
        )["Images"]
    assert [image["TimeStamp"] for image in images] == [
        T0 + timedelta(seconds=s) for s in (6, 8, 10, 12, 14)
    ]
    # The fragments cover seconds 0-10: later samples have no media.
    assert [image.get("Error") for image in images] == [
        None,
        None,
        "NO_MEDIA",
        "NO_MEDIA",
        "NO_MEDIA",
    ]
    content = base64.b64decode(images[0]["ImageContent"])
    assert png_size(content) == (320, 180)  # 16:9 kept when only the width is given


def test_get_images_as_jpeg_pages(recorded: dict[str, Any]) -> None:
    archived = recorded["archived"]
    with freeze_time(T0 + timedelta(minutes=1)):
        pages = archived.get_paginator("get_images").paginate(
            StreamName="cam",
            ImageSelectorType="PRODUCER_TIMESTAMP",
            StartTimestamp=T0,
            EndTimestamp=T0 + timedelta(seconds=5),
            SamplingInterval=200,
            Format="JPEG",
            WidthPixels=64,
            HeightPixels=48,
            PaginationConfig={"PageSize": 10},
        )
        images = [image for page in pages for image in page["Images"]]
    assert len(images) == 26  # every 200 ms from 0 to 5 s, both ends included
    assert jpeg_size(base64.b64decode(images[0]["ImageContent"])) == (64, 48)


def test_get_images_refuses_more_than_300_seconds(recorded: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        recorded["archived"].get_images(
            StreamName="cam",
            ImageSelectorType="SERVER_TIMESTAMP",
            StartTimestamp=T0,
            EndTimestamp=T0 + timedelta(seconds=301),
            SamplingInterval=1000,
            Format="PNG",
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_fragments_past_retention_are_gone() -> None:
    with freeze_time(T0) as frozen, mock_kinesis() as km:
        boto3.client("kinesisvideo", region_name=REGION).create_stream(
            StreamName="cam", DataRetentionInHours=1
        )
        km.put_media("cam", b"old")
        frozen.tick(3600 + 1)
        km.put_media("cam", b"new")
        media, archived = clients()
        assert [
            f["FragmentSizeInBytes"] for f in archived.list_fragments(StreamName="cam")["Fragments"]
        ] == [3]
        earliest = media.get_media(
            StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
        )
        assert earliest["Payload"].read() == b"new"


def test_put_media_needs_an_existing_stream(kinesis_mock: KinesisMock) -> None:
    with pytest.raises(KeyError):
        kinesis_mock.put_media("missing", b"x")


def test_media_of_a_missing_stream(kinesis_mock: KinesisMock) -> None:
    boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="cam")
    _, archived = clients()
    with pytest.raises(ClientError) as excinfo:
        archived.list_fragments(StreamName="other")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

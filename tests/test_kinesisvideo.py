"""Kinesis Video streams through boto3's kinesisvideo client."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, REGION, needs_model

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
    # Answered in process, never sent.
    assert archived.list_fragments(StreamName="cam")["Fragments"] == []
    assert no_network == []


# -- signaling channels -------------------------------------------------------


def test_signaling_channel_lifecycle(video: Any) -> None:
    with freeze_time("2026-03-01 12:00:00"):
        arn = video.create_signaling_channel(
            ChannelName="door", SingleMasterConfiguration={"MessageTtlSeconds": 30}
        )["ChannelARN"]
    assert arn == f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/door/1772366400000"
    info = video.describe_signaling_channel(ChannelName="door")["ChannelInfo"]
    assert (info["ChannelARN"], info["ChannelType"], info["ChannelStatus"]) == (
        arn,
        "SINGLE_MASTER",
        "ACTIVE",
    )
    assert info["SingleMasterConfiguration"] == {"MessageTtlSeconds": 30}
    assert video.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"] == info

    video.update_signaling_channel(
        ChannelARN=arn,
        CurrentVersion=info["Version"],
        SingleMasterConfiguration={"MessageTtlSeconds": 90},
    )
    updated = video.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]
    assert updated["SingleMasterConfiguration"] == {"MessageTtlSeconds": 90}
    assert updated["Version"] != info["Version"]
    # The old version no longer matches: nothing changes.
    with pytest.raises(video.exceptions.VersionMismatchException):
        video.update_signaling_channel(
            ChannelARN=arn,
            CurrentVersion=info["Version"],
            SingleMasterConfiguration={"MessageTtlSeconds": 5},
        )
    with pytest.raises(video.exceptions.VersionMismatchException):
        video.delete_signaling_channel(ChannelARN=arn, CurrentVersion=info["Version"])
    assert video.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"] == updated

    video.delete_signaling_channel(ChannelARN=arn, CurrentVersion=updated["Version"])
    with pytest.raises(video.exceptions.ResourceNotFoundException):
        video.describe_signaling_channel(ChannelName="door")
    assert video.list_signaling_channels()["ChannelInfoList"] == []


def test_signaling_channel_defaults_and_duplicates(video: Any) -> None:
    video.create_signaling_channel(ChannelName="door")
    info = video.describe_signaling_channel(ChannelName="door")["ChannelInfo"]
    # AWS keeps undelivered messages 60 seconds unless told otherwise.
    assert info["SingleMasterConfiguration"] == {"MessageTtlSeconds": 60}
    with pytest.raises(video.exceptions.ResourceInUseException):
        video.create_signaling_channel(ChannelName="door")
    # A stream and a channel may share a name: they are different resources.
    video.create_stream(StreamName="door")


def test_signaling_channel_needs_a_name_or_arn(video: Any) -> None:
    with pytest.raises(video.exceptions.InvalidArgumentException):
        video.describe_signaling_channel()


def test_message_ttl_outside_5_to_120_seconds_is_refused(video: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        video.create_signaling_channel(
            ChannelName="door", SingleMasterConfiguration={"MessageTtlSeconds": 121}
        )
    # Constraint checks from the model answer as AWS's front end does for
    # every JSON service (ValidationException, field path in camelCase),
    # before the handler runs: no channel is created.
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "'singleMasterConfiguration.messageTtlSeconds'" in error["Message"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert video.list_signaling_channels()["ChannelInfoList"] == []


def test_list_signaling_channels_by_prefix_and_page(video: Any) -> None:
    for name in ("door-b", "yard", "door-a", "door-c"):
        video.create_signaling_channel(ChannelName=name)
    listed = video.list_signaling_channels(
        ChannelNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "door"}
    )
    assert [c["ChannelName"] for c in listed["ChannelInfoList"]] == ["door-a", "door-b", "door-c"]
    pages = video.get_paginator("list_signaling_channels").paginate(
        PaginationConfig={"PageSize": 3}
    )
    names = [c["ChannelName"] for page in pages for c in page["ChannelInfoList"]]
    assert names == ["door-a", "door-b", "door-c", "yard"]


def test_signaling_channel_endpoints_per_protocol(video: Any) -> None:
    arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    endpoints = video.get_signaling_channel_endpoint(
        ChannelARN=arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS", "HTTPS"], "Role": "MASTER"},
    )["ResourceEndpointList"]
    assert [e["Protocol"] for e in endpoints] == ["WSS", "HTTPS"]
    assert endpoints[0]["ResourceEndpoint"].startswith("wss://")
    assert endpoints[1]["ResourceEndpoint"].startswith("https://")
    # WEBRTC needs a channel configured for ingestion (media storage).
    with pytest.raises(video.exceptions.InvalidArgumentException):
        video.get_signaling_channel_endpoint(
            ChannelARN=arn,
            SingleMasterChannelEndpointConfiguration={"Protocols": ["WEBRTC"], "Role": "MASTER"},
        )
    with pytest.raises(video.exceptions.ResourceNotFoundException):
        video.get_signaling_channel_endpoint(ChannelARN=arn + "0")


def test_channel_deleting_until_the_delay_passes() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_delete_delay=5):
        video = boto3.client("kinesisvideo", region_name=REGION)
        arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
        video.delete_signaling_channel(ChannelARN=arn)
        info = video.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]
        assert info["ChannelStatus"] == "DELETING"
        with pytest.raises(video.exceptions.ResourceInUseException):
            video.get_signaling_channel_endpoint(ChannelARN=arn)
        frozen.tick(5)
        with pytest.raises(video.exceptions.ResourceNotFoundException):
            video.describe_signaling_channel(ChannelARN=arn)
        # The name is free again once the channel is gone.
        video.create_signaling_channel(ChannelName="door")


def test_channels_are_tagged_by_arn(video: Any) -> None:
    arn = video.create_signaling_channel(ChannelName="door", Tags=[{"Key": "site", "Value": "hq"}])[
        "ChannelARN"
    ]
    video.tag_resource(ResourceARN=arn, Tags=[{"Key": "floor", "Value": "2"}])
    assert video.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"site": "hq", "floor": "2"}
    # Past 50 tags nothing is added.
    with pytest.raises(video.exceptions.TagsPerResourceExceededLimitException):
        video.tag_resource(
            ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)]
        )
    video.untag_resource(ResourceARN=arn, TagKeyList=["site"])
    assert video.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"floor": "2"}
    with pytest.raises(video.exceptions.ResourceNotFoundException):
        video.list_tags_for_resource(ResourceARN=arn.replace("door", "gate"))


# -- configurations -------------------------------------------------------------

IMAGES = {
    "Status": "ENABLED",
    "ImageSelectorType": "SERVER_TIMESTAMP",
    "DestinationConfig": {"Uri": "s3://bucket/images", "DestinationRegion": REGION},
    "SamplingInterval": 3000,
    "Format": "JPEG",
    "WidthPixels": 640,
}


def test_image_generation_configuration(video: Any) -> None:
    video.create_stream(StreamName="cam", DataRetentionInHours=24)
    described = video.describe_image_generation_configuration(StreamName="cam")
    assert "ImageGenerationConfiguration" not in described
    video.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=IMAGES
    )
    described = video.describe_image_generation_configuration(StreamName="cam")
    assert described["ImageGenerationConfiguration"] == IMAGES
    # AWS: updating with no configuration deletes it.
    video.update_image_generation_configuration(StreamName="cam")
    described = video.describe_image_generation_configuration(StreamName="cam")
    assert "ImageGenerationConfiguration" not in described


def test_configurations_need_a_stream_that_retains_data(video: Any) -> None:
    video.create_stream(StreamName="cam")  # DataRetentionInHours defaults to 0
    with pytest.raises(video.exceptions.NoDataRetentionException):
        video.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration=IMAGES
        )
    with pytest.raises(video.exceptions.NoDataRetentionException):
        video.update_notification_configuration(
            StreamName="cam",
            NotificationConfiguration={
                "Status": "ENABLED",
                "DestinationConfig": {"Uri": "arn:aws:sns:us-east-1:123456789012:topic"},
            },
        )
    assert "ImageGenerationConfiguration" not in video.describe_image_generation_configuration(
        StreamName="cam"
    )


def test_image_width_is_validated_by_the_model(video: Any) -> None:
    video.create_stream(StreamName="cam", DataRetentionInHours=24)
    with pytest.raises(ClientError) as excinfo:
        video.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration={**IMAGES, "WidthPixels": 4000}
        )
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"


def test_notification_configuration(video: Any) -> None:
    video.create_stream(StreamName="cam", DataRetentionInHours=1)
    config = {
        "Status": "ENABLED",
        "DestinationConfig": {"Uri": "arn:aws:sns:us-east-1:123456789012:topic"},
    }
    video.update_notification_configuration(StreamName="cam", NotificationConfiguration=config)
    described = video.describe_notification_configuration(StreamName="cam")
    assert described["NotificationConfiguration"] == config
    with pytest.raises(video.exceptions.ResourceNotFoundException):
        video.describe_notification_configuration(StreamName="other")


@needs_model("kinesisvideo", "DescribeStreamStorageConfiguration")
def test_stream_storage_configuration(video: Any) -> None:
    arn = video.create_stream(StreamName="cam")["StreamARN"]
    described = video.describe_stream_storage_configuration(StreamARN=arn)
    assert described["StreamStorageConfiguration"] == {"DefaultStorageTier": "HOT"}
    assert (described["StreamName"], described["StreamARN"]) == ("cam", arn)
    version = video.describe_stream(StreamARN=arn)["StreamInfo"]["Version"]
    video.update_stream_storage_configuration(
        StreamARN=arn,
        CurrentVersion=version,
        StreamStorageConfiguration={"DefaultStorageTier": "WARM"},
    )
    described = video.describe_stream_storage_configuration(StreamName="cam")
    assert described["StreamStorageConfiguration"] == {"DefaultStorageTier": "WARM"}
    with pytest.raises(video.exceptions.VersionMismatchException):
        video.update_stream_storage_configuration(
            StreamARN=arn,
            CurrentVersion=version,
            StreamStorageConfiguration={"DefaultStorageTier": "HOT"},
        )
    assert video.describe_stream_storage_configuration(StreamName="cam")[
        "StreamStorageConfiguration"
    ] == {"DefaultStorageTier": "WARM"}


def test_media_storage_maps_a_channel_to_a_stream(video: Any) -> None:
    stream_arn = video.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
    channel_arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    assert video.describe_media_storage_configuration(ChannelARN=channel_arn)[
        "MediaStorageConfiguration"
    ] == {"Status": "DISABLED"}
    assert (
        video.describe_mapped_resource_configuration(StreamARN=stream_arn)[
            "MappedResourceConfigurationList"
        ]
        == []
    )

    storage = {"StreamARN": stream_arn, "Status": "ENABLED"}
    video.update_media_storage_configuration(
        ChannelARN=channel_arn, MediaStorageConfiguration=storage
    )
    assert (
        video.describe_media_storage_configuration(ChannelName="door")["MediaStorageConfiguration"]
        == storage
    )
    assert video.describe_mapped_resource_configuration(StreamName="cam")[
        "MappedResourceConfigurationList"
    ] == [{"Type": "SIGNALING_CHANNEL", "ARN": channel_arn}]
    # Ingestion enabled: the WEBRTC endpoint is now available.
    endpoints = video.get_signaling_channel_endpoint(
        ChannelARN=channel_arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": ["WEBRTC"], "Role": "MASTER"},
    )["ResourceEndpointList"]
    assert [e["Protocol"] for e in endpoints] == ["WEBRTC"]

    # A second channel cannot store its media in the same stream.
    other = video.create_signaling_channel(ChannelName="gate")["ChannelARN"]
    with pytest.raises(video.exceptions.ResourceInUseException):
        video.update_media_storage_configuration(
            ChannelARN=other, MediaStorageConfiguration=storage
        )

    # Deleting the channel unmaps it.
    video.delete_signaling_channel(ChannelARN=channel_arn)
    assert (
        video.describe_mapped_resource_configuration(StreamName="cam")[
            "MappedResourceConfigurationList"
        ]
        == []
    )


def test_media_storage_needs_a_retaining_stream(video: Any) -> None:
    stream_arn = video.create_stream(StreamName="cam")["StreamARN"]
    channel_arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    with pytest.raises(video.exceptions.NoDataRetentionException):
        video.update_media_storage_configuration(
            ChannelARN=channel_arn,
            MediaStorageConfiguration={"StreamARN": stream_arn, "Status": "ENABLED"},
        )
    with pytest.raises(video.exceptions.ResourceNotFoundException):
        video.update_media_storage_configuration(
            ChannelARN=channel_arn,
            MediaStorageConfiguration={"StreamARN": stream_arn + "1", "Status": "ENABLED"},
        )
    assert video.describe_media_storage_configuration(ChannelARN=channel_arn)[
        "MediaStorageConfiguration"
    ] == {"Status": "DISABLED"}


HUB = "arn:aws:iot:us-east-1:123456789012:thing/hub"
EDGE = {
    "HubDeviceArn": HUB,
    "RecorderConfig": {
        "MediaSourceConfig": {
            "MediaUriSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:cam",
            "MediaUriType": "RTSP_URI",
        }
    },
    "DeletionConfig": {"EdgeRetentionInHours": 24},
}


def test_edge_configuration_lifecycle() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_update_delay=10):
        video = boto3.client("kinesisvideo", region_name=REGION)
        video.create_stream(StreamName="cam", DataRetentionInHours=24)
        with pytest.raises(video.exceptions.StreamEdgeConfigurationNotFoundException):
            video.describe_edge_configuration(StreamName="cam")
        started = video.start_edge_configuration_update(StreamName="cam", EdgeConfig=EDGE)
        assert (started["SyncStatus"], started["EdgeConfig"]) == ("SYNCING", EDGE)
        # A second update while the first syncs is refused.
        with pytest.raises(video.exceptions.ResourceInUseException):
            video.start_edge_configuration_update(StreamName="cam", EdgeConfig=EDGE)
        frozen.tick(10)
        described = video.describe_edge_configuration(StreamName="cam")
        assert described["SyncStatus"] == "IN_SYNC"
        listed = video.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"]
        assert [(c["StreamName"], c["SyncStatus"]) for c in listed] == [("cam", "IN_SYNC")]
        assert video.list_edge_agent_configurations(HubDeviceArn=HUB + "2")["EdgeConfigs"] == []

        video.delete_edge_configuration(StreamName="cam")
        assert video.describe_edge_configuration(StreamName="cam")["SyncStatus"] == "DELETING"
        frozen.tick(10)
        with pytest.raises(video.exceptions.StreamEdgeConfigurationNotFoundException):
            video.describe_edge_configuration(StreamName="cam")
        assert video.list_edge_agent_configurations(HubDeviceArn=HUB)["EdgeConfigs"] == []


def test_edge_configuration_needs_retention(video: Any) -> None:
    video.create_stream(StreamName="cam")
    with pytest.raises(video.exceptions.NoDataRetentionException):
        video.start_edge_configuration_update(StreamName="cam", EdgeConfig=EDGE)
    with pytest.raises(video.exceptions.StreamEdgeConfigurationNotFoundException):
        video.delete_edge_configuration(StreamName="cam")


def test_listings_page_as_the_model_allows(video: Any) -> None:
    # ListStreams pages up to 10,000 (AWS's default), not Kinesis's 100.
    for n in range(150):
        video.create_stream(StreamName=f"cam-{n:03d}")
    listed = video.list_streams()
    assert len(listed["StreamInfoList"]) == 150 and "NextToken" not in listed
    assert len(video.list_streams(MaxResults=120)["StreamInfoList"]) == 120


def test_stream_deleting_until_the_delay_passes() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_delete_delay=5):
        video = boto3.client("kinesisvideo", region_name=REGION)
        arn = video.create_stream(StreamName="cam")["StreamARN"]
        video.delete_stream(StreamARN=arn)
        assert video.describe_stream(StreamARN=arn)["StreamInfo"]["Status"] == "DELETING"
        # A stream being deleted takes no updates.
        version = video.describe_stream(StreamARN=arn)["StreamInfo"]["Version"]
        with pytest.raises(video.exceptions.ResourceInUseException):
            video.update_stream(StreamARN=arn, CurrentVersion=version, DeviceName="x")
        frozen.tick(5)
        with pytest.raises(video.exceptions.ResourceNotFoundException):
            video.describe_stream(StreamARN=arn)
        assert video.list_streams()["StreamInfoList"] == []


def test_mock_kinesisvideo_is_the_same_mock() -> None:
    from kinesis_mock import mock_kinesisvideo

    with mock_kinesisvideo():
        video = boto3.client("kinesisvideo", region_name=REGION)
        video.create_stream(StreamName="cam")
        assert [s["StreamName"] for s in video.list_streams()["StreamInfoList"]] == ["cam"]

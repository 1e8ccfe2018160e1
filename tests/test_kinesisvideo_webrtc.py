"""The WebRTC clients around signaling channels: kinesis-video-signaling
(ICE servers, Alexa offers) and kinesis-video-webrtc-storage (joining a
channel's storage session)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION

from kinesis_mock import KinesisMock


@pytest.fixture
def video(kinesis_mock: KinesisMock) -> Any:
    return boto3.client("kinesisvideo", region_name=REGION)


def endpoint(video: Any, arn: str, protocol: str) -> str:
    endpoints = video.get_signaling_channel_endpoint(
        ChannelARN=arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": [protocol], "Role": "MASTER"},
    )["ResourceEndpointList"]
    found: str = endpoints[0]["ResourceEndpoint"]
    return found


def signaling(video: Any, arn: str) -> Any:
    return boto3.client(
        "kinesis-video-signaling", region_name=REGION, endpoint_url=endpoint(video, arn, "HTTPS")
    )


def test_ice_server_config(video: Any) -> None:
    arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    servers = signaling(video, arn).get_ice_server_config(ChannelARN=arn, ClientId="viewer-1")[
        "IceServerList"
    ]
    assert len(servers) == 2
    for server in servers:
        assert all(uri.startswith(("turn:", "turns:")) for uri in server["Uris"])
        assert server["Ttl"] == 300 and server["Username"] and server["Password"]
    missing = arn.replace("door", "gate")
    with pytest.raises(ClientError) as excinfo:
        signaling(video, arn).get_ice_server_config(ChannelARN=missing)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_alexa_offer_is_answered_by_the_connected_master(
    video: Any, kinesis_mock: KinesisMock
) -> None:
    arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    client = signaling(video, arn)
    # No master yet: nobody can answer the offer.
    with pytest.raises(ClientError) as excinfo:
        client.send_alexa_offer_to_master(
            ChannelARN=arn, SenderClientId="alexa", MessagePayload="b2ZmZXI="
        )
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    kinesis_mock.connect_master("door", lambda offer: "answer-to-" + offer)
    answer = client.send_alexa_offer_to_master(
        ChannelARN=arn, SenderClientId="alexa", MessagePayload="b2ZmZXI="
    )["Answer"]
    assert answer == "answer-to-b2ZmZXI="


def test_storage_sessions_need_a_channel_that_stores_media(video: Any) -> None:
    channel = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    stream = video.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
    storage = boto3.client("kinesis-video-webrtc-storage", region_name=REGION)
    with pytest.raises(ClientError) as excinfo:
        storage.join_storage_session(channelArn=channel)
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgumentException"

    video.update_media_storage_configuration(
        ChannelARN=channel, MediaStorageConfiguration={"StreamARN": stream, "Status": "ENABLED"}
    )
    storage = boto3.client(
        "kinesis-video-webrtc-storage",
        region_name=REGION,
        endpoint_url=endpoint(video, channel, "WEBRTC"),
    )
    answer = storage.join_storage_session(channelArn=channel)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    storage.join_storage_session_as_viewer(channelArn=channel, clientId="viewer-1")
    with pytest.raises(ClientError) as excinfo:
        storage.join_storage_session(channelArn=channel.replace("door", "gate"))
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

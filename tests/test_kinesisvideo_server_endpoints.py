"""Kinesis Video's data endpoints in server mode: GetDataEndpoint,
GetSignalingChannelEndpoint and the ICE relays name the server's own URL, so
clients outside the process (the CLI, other SDKs) come back to the mock, and
the data-plane clients work there. In process they stay AWS-shaped hosts,
which the in-process hook answers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from helpers import REGION

from kinesis_mock import KinesisMock, server
from kinesis_mock.server import ServerHandle

API_NAMES = (
    "PUT_MEDIA",
    "GET_MEDIA",
    "LIST_FRAGMENTS",
    "GET_MEDIA_FOR_FRAGMENT_LIST",
    "GET_HLS_STREAMING_SESSION_URL",
    "GET_DASH_STREAMING_SESSION_URL",
    "GET_CLIP",
    "GET_IMAGES",
)


def client(service: str, endpoint_url: str, handle: ServerHandle | None = None) -> Any:
    """A client of ``service`` at ``endpoint_url`` (trusting the server's
    certificate, if it has one)."""
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        verify=(handle.certfile if handle is not None else None) or True,
    )


def data_client(video: Any, service: str, api: str, handle: ServerHandle) -> Any:
    """The client of ``service`` at the endpoint GetDataEndpoint gives for ``api``."""
    endpoint = video.get_data_endpoint(StreamName="cam", APIName=api)["DataEndpoint"]
    return client(service, endpoint, handle)


def signaling_endpoints(video: Any, arn: str, *protocols: str) -> dict[str, str]:
    endpoints = video.get_signaling_channel_endpoint(
        ChannelARN=arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": list(protocols), "Role": "MASTER"},
    )["ResourceEndpointList"]
    return {e["Protocol"]: e["ResourceEndpoint"] for e in endpoints}


@pytest.fixture
def served(kinesis_server: ServerHandle) -> Iterator[tuple[ServerHandle, Any]]:
    """The server, and its control-plane client with a stream "cam" that
    keeps a day of media."""
    video = client("kinesisvideo", kinesis_server.endpoint_url)
    video.create_stream(StreamName="cam", DataRetentionInHours=24)
    yield kinesis_server, video


def test_every_data_endpoint_is_the_servers_own_url(
    served: tuple[ServerHandle, Any],
) -> None:
    handle, video = served
    for api in API_NAMES:
        endpoint = video.get_data_endpoint(StreamName="cam", APIName=api)["DataEndpoint"]
        assert endpoint == handle.endpoint_url, api
    # Resetting the server's state keeps where it is served.
    handle.state.reset()
    video.create_stream(StreamName="cam")
    assert video.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")["DataEndpoint"] == (
        handle.endpoint_url
    )


def test_media_clients_at_the_data_endpoint_answer_from_the_server(
    served: tuple[ServerHandle, Any],
) -> None:
    handle, video = served
    now = datetime.now(timezone.utc)
    numbers = [
        handle.state.put_media(
            "cam", f"fragment-{i}".encode(), server_timestamp=now + timedelta(seconds=2 * i)
        )
        for i in range(2)
    ]
    media = data_client(video, "kinesis-video-media", "GET_MEDIA", handle).get_media(
        StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
    )
    assert media["Payload"].read() == b"fragment-0fragment-1"

    def archived(api: str) -> Any:
        return data_client(video, "kinesis-video-archived-media", api, handle)

    listed = archived("LIST_FRAGMENTS").list_fragments(StreamName="cam")["Fragments"]
    assert sorted(f["FragmentNumber"] for f in listed) == numbers
    chosen = archived("GET_MEDIA_FOR_FRAGMENT_LIST").get_media_for_fragment_list(
        StreamName="cam", Fragments=numbers[1:]
    )
    assert chosen["Payload"].read() == b"fragment-1"
    span = {
        "StartTimestamp": now - timedelta(seconds=1),
        "EndTimestamp": now + timedelta(seconds=3),
    }
    clip = archived("GET_CLIP").get_clip(
        StreamName="cam",
        ClipFragmentSelector={"FragmentSelectorType": "SERVER_TIMESTAMP", "TimestampRange": span},
    )
    assert (clip["ContentType"], clip["Payload"].read()) == ("video/mp4", b"fragment-0fragment-1")
    images = archived("GET_IMAGES").get_images(
        StreamName="cam",
        ImageSelectorType="SERVER_TIMESTAMP",
        StartTimestamp=now,
        EndTimestamp=now + timedelta(seconds=3),
        SamplingInterval=1000,
        Format="PNG",
    )["Images"]
    assert [("ImageContent" in image) for image in images] == [True, True, True, True]


def test_signaling_endpoints_name_the_server(served: tuple[ServerHandle, Any]) -> None:
    # The WSS endpoint is ws:// on the server's host and port: the mock has no
    # WebSocket signaling, so a peer gets no further, but never reaches AWS.
    handle, video = served
    host = f"{handle.host}:{handle.port}"
    arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    assert signaling_endpoints(video, arn, "WSS", "HTTPS") == {
        "WSS": f"ws://{host}",
        "HTTPS": handle.endpoint_url,
    }
    signaling = client("kinesis-video-signaling", handle.endpoint_url)
    servers = signaling.get_ice_server_config(ChannelARN=arn)["IceServerList"]
    # The TURN relays name the server too (it runs none).
    assert {uri for s in servers for uri in s["Uris"]} == {
        f"turn:{host}?transport=udp",
        f"turns:{host}?transport=udp",
        f"turns:{host}?transport=tcp",
    }
    handle.state.connect_master("door", "answer")
    answer = signaling.send_alexa_offer_to_master(
        ChannelARN=arn, SenderClientId="alexa", MessagePayload="b2ZmZXI="
    )
    assert answer["Answer"] == "answer"

    stream_arn = video.describe_stream(StreamName="cam")["StreamInfo"]["StreamARN"]
    video.update_media_storage_configuration(
        ChannelARN=arn, MediaStorageConfiguration={"StreamARN": stream_arn, "Status": "ENABLED"}
    )
    webrtc = signaling_endpoints(video, arn, "WEBRTC")["WEBRTC"]
    assert webrtc == handle.endpoint_url
    storage = client("kinesis-video-webrtc-storage", webrtc)
    status = storage.join_storage_session(channelArn=arn)["ResponseMetadata"]["HTTPStatusCode"]
    assert status == 200


def test_a_tls_server_hands_out_https_and_wss_endpoints() -> None:
    with server.start(port=0, tls=True) as handle:
        video = client("kinesisvideo", handle.endpoint_url, handle)
        video.create_stream(StreamName="cam")
        endpoint = video.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")["DataEndpoint"]
        assert endpoint == handle.endpoint_url
        assert endpoint.startswith("https://127.0.0.1:")
        handle.state.put_media("cam", b"secure")
        media = client("kinesis-video-media", endpoint, handle).get_media(
            StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
        )
        assert media["Payload"].read() == b"secure"
        arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
        assert signaling_endpoints(video, arn, "WSS")["WSS"] == f"wss://127.0.0.1:{handle.port}"


def test_the_aws_cli_follows_the_data_endpoint(
    served: tuple[ServerHandle, Any], tmp_path: Any
) -> None:
    aws = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI (awscli, a dev extra) is not installed")
    handle, _ = served
    handle.state.put_media("cam", b"\x1a\x45\xdf\xa3 from the server")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "cli",
        "AWS_SECRET_ACCESS_KEY": "cli",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }

    def cli(*arguments: str) -> str:
        return subprocess.run(
            [aws, *arguments], env=env, check=True, capture_output=True, text=True, timeout=60
        ).stdout

    endpoint = cli(
        "--endpoint-url",
        handle.endpoint_url,
        "kinesisvideo",
        "get-data-endpoint",
        "--stream-name",
        "cam",
        "--api-name",
        "GET_MEDIA",
        "--query",
        "DataEndpoint",
        "--output",
        "text",
    ).strip()
    assert endpoint == handle.endpoint_url
    out = tmp_path / "media.mkv"
    cli(
        "kinesis-video-media",
        "get-media",
        "--endpoint-url",
        endpoint,
        "--stream-name",
        "cam",
        "--start-selector",
        "StartSelectorType=EARLIEST",
        str(out),
    )
    assert out.read_bytes() == b"\x1a\x45\xdf\xa3 from the server"


def test_in_process_endpoints_stay_aws_hosts_answered_by_the_hook(
    kinesis_mock: KinesisMock, no_network: list[str]
) -> None:
    video = boto3.client("kinesisvideo", region_name=REGION)
    video.create_stream(StreamName="cam")
    kinesis_mock.put_media("cam", b"in process")
    endpoint = video.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")["DataEndpoint"]
    assert endpoint.startswith("https://")
    assert endpoint.endswith(f".kinesisvideo.{REGION}.amazonaws.com")
    media = boto3.client("kinesis-video-media", region_name=REGION, endpoint_url=endpoint)
    answer = media.get_media(StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"})
    assert answer["Payload"].read() == b"in process"

    arn = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    endpoints = signaling_endpoints(video, arn, "WSS", "HTTPS")
    assert endpoints["WSS"].startswith("wss://m-")
    assert endpoints["HTTPS"].startswith("https://r-")
    assert all(e.endswith(f".kinesisvideo.{REGION}.amazonaws.com") for e in endpoints.values())
    signaling = boto3.client(
        "kinesis-video-signaling", region_name=REGION, endpoint_url=endpoints["HTTPS"]
    )
    servers = signaling.get_ice_server_config(ChannelARN=arn)["IceServerList"]
    assert all(".amazonaws.com:443?" in uri for s in servers for uri in s["Uris"])
    assert no_network == []

"""Kinesis Video's data endpoints in server mode: GetDataEndpoint,
GetSignalingChannelEndpoint, the ICE relays and the HLS/DASH session URLs
name the server's own URL, so clients outside the process (the CLI, other
SDKs, a media player) come back to the mock, and the data-plane clients work
there. In process they stay AWS-shaped hosts, which the in-process hook
answers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

import boto3
import pytest
import requests
from helpers import REGION

from kinesis_mock import KinesisMock, server, set_clock
from kinesis_mock.server import ServerHandle

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)

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
    # A whole second: older botocore (1.40) sends rest-json timestamps in whole
    # seconds, which would start GetImages' window before the first fragment.
    now = datetime.now(timezone.utc).replace(microsecond=0)
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

    video.update_data_retention(
        StreamName="cam",
        CurrentVersion=video.describe_stream(StreamName="cam")["StreamInfo"]["Version"],
        Operation="INCREASE_DATA_RETENTION",
        DataRetentionChangeInHours=1,
    )
    archived = boto3.client(
        "kinesis-video-archived-media", region_name=REGION, endpoint_url=endpoint
    )
    hls = archived.get_hls_streaming_session_url(StreamName="cam")["HLSStreamingSessionURL"]
    assert hls.startswith("https://b-")
    assert f".kinesisvideo.{REGION}.amazonaws.com/hls/v1/getHLSMasterPlaylist.m3u8?" in hls
    assert no_network == []


# -- HLS and DASH sessions ------------------------------------------------------
#
# The server answers a player's GETs of the session URL: playlists and the
# manifest are built from the stream's fragments at the time of each read,
# and list media URLs on the server. The media is the bytes put_media
# stored, not remuxed to fMP4 or MPEG-TS; the initialization fragment is
# empty (the mock has no codec data).


@pytest.fixture
def clock_at_t0() -> Iterator[list[datetime]]:
    """The mock clock, fixed at T0 until a test moves it (``[0]``)."""
    now = [T0]
    set_clock(lambda: now[0].timestamp())
    try:
        yield now
    finally:
        set_clock(None)


@pytest.fixture
def recorded(
    served: tuple[ServerHandle, Any], clock_at_t0: list[datetime]
) -> tuple[ServerHandle, Any, list[str]]:
    """Four 2-second fragments received from T0 - 8 s on, and the
    archived-media client at the stream's data endpoint."""
    handle, video = served
    numbers = [
        handle.state.put_media(
            "cam", f"fragment-{i}".encode(), server_timestamp=T0 - timedelta(seconds=8 - 2 * i)
        )
        for i in range(4)
    ]
    archived = data_client(
        video, "kinesis-video-archived-media", "GET_HLS_STREAMING_SESSION_URL", handle
    )
    return handle, archived, numbers


def get(url: str) -> requests.Response:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return response


def uris(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


def test_hls_live_session_serves_playlists_of_the_fragments_and_their_stored_bytes(
    recorded: tuple[ServerHandle, Any, list[str]],
) -> None:
    handle, archived, numbers = recorded
    url = archived.get_hls_streaming_session_url(
        StreamName="cam", DisplayFragmentTimestamp="ALWAYS"
    )["HLSStreamingSessionURL"]
    assert url.startswith(f"{handle.endpoint_url}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=")
    master = get(url)
    assert master.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    assert master.text.startswith("#EXTM3U\n")
    [media_url] = [urljoin(url, uri) for uri in uris(master.text)]
    assert media_url.startswith(f"{handle.endpoint_url}/hls/v1/getHLSMediaPlaylist.m3u8?")
    playlist = get(media_url).text
    lines = playlist.splitlines()
    assert lines[:4] == [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        "#EXT-X-TARGETDURATION:2",
        "#EXT-X-MEDIA-SEQUENCE:0",
    ]
    # LIVE: no end; server timestamps, so a discontinuity between fragments.
    assert "#EXT-X-ENDLIST" not in lines
    assert lines.count("#EXT-X-DISCONTINUITY") == 3
    assert "#EXT-X-PROGRAM-DATE-TIME:2026-03-01T11:59:52.000Z" in lines
    assert lines.count("#EXTINF:2.000,") == 4
    [init] = [line for line in lines if line.startswith("#EXT-X-MAP:URI=")]
    init_response = get(urljoin(media_url, init.split('"')[1]))
    assert (init_response.headers["Content-Type"], init_response.content) == ("video/mp4", b"")
    fragment_urls = [urljoin(media_url, uri) for uri in uris(playlist)]
    assert [u.split("FragmentNumber=")[1].split("&")[0] for u in fragment_urls] == numbers
    assert all(
        u.startswith(f"{handle.endpoint_url}/hls/v1/getMP4MediaFragment.mp4?")
        for u in fragment_urls
    )
    assert [get(u).content for u in fragment_urls] == [f"fragment-{i}".encode() for i in range(4)]


def test_a_live_playlist_follows_new_fragments(
    recorded: tuple[ServerHandle, Any, list[str]], clock_at_t0: list[datetime]
) -> None:
    handle, archived, numbers = recorded
    url = archived.get_hls_streaming_session_url(
        StreamName="cam", MaxMediaPlaylistFragmentResults=3
    )["HLSStreamingSessionURL"]
    media_url = urljoin(url, uris(get(url).text)[0])
    assert len(uris(get(media_url).text)) == 3
    clock_at_t0[0] = T0 + timedelta(seconds=2)
    newest = handle.state.put_media("cam", b"fragment-4")
    playlist = get(media_url).text
    # The newest three, the window one further on.
    assert "#EXT-X-MEDIA-SEQUENCE:2" in playlist.splitlines()
    assert [u.split("FragmentNumber=")[1].split("&")[0] for u in uris(playlist)] == [
        *numbers[2:],
        newest,
    ]


def test_hls_on_demand_mpeg_ts_session_serves_its_range_only(
    recorded: tuple[ServerHandle, Any, list[str]],
) -> None:
    _, archived, numbers = recorded
    span = {"StartTimestamp": T0 - timedelta(seconds=8), "EndTimestamp": T0 - timedelta(seconds=5)}
    url = archived.get_hls_streaming_session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        ContainerFormat="MPEG_TS",
        DiscontinuityMode="NEVER",
        HLSFragmentSelector={"FragmentSelectorType": "SERVER_TIMESTAMP", "TimestampRange": span},
    )["HLSStreamingSessionURL"]
    media_url = urljoin(url, uris(get(url).text)[0])
    playlist = get(media_url).text
    lines = playlist.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and lines[-1] == "#EXT-X-ENDLIST"
    assert not any(line.startswith(("#EXT-X-MAP", "#EXT-X-DISCONTINUITY")) for line in lines)
    fragment_urls = [urljoin(media_url, uri) for uri in uris(playlist)]
    assert all("/hls/v1/getTSFragment.ts?FragmentNumber=" in u for u in fragment_urls)
    media = get(fragment_urls[0])
    assert (media.headers["Content-Type"], media.content) == ("video/mp2t", b"fragment-0")
    assert len(fragment_urls) == 2
    # A fragment of the stream outside the session's range is not served.
    outside = fragment_urls[0].replace(numbers[0], numbers[3])
    response = requests.get(outside, timeout=10)
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"


def test_dash_session_serves_a_manifest_of_the_fragments(
    recorded: tuple[ServerHandle, Any, list[str]],
) -> None:
    handle, archived, _ = recorded
    span = {"StartTimestamp": T0 - timedelta(seconds=10), "EndTimestamp": T0}
    url = archived.get_dash_streaming_session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        DASHFragmentSelector={"FragmentSelectorType": "SERVER_TIMESTAMP", "TimestampRange": span},
    )["DASHStreamingSessionURL"]
    assert url.startswith(f"{handle.endpoint_url}/dash/v1/getDASHManifest.mpd?SessionToken=")
    response = get(url)
    assert response.headers["Content-Type"] == "application/dash+xml"
    ns = {"mpd": "urn:mpeg:dash:schema:mpd:2011"}
    mpd = ElementTree.fromstring(response.content)
    assert (mpd.get("type"), mpd.get("mediaPresentationDuration")) == ("static", "PT8.000S")
    segments = mpd.find(".//mpd:SegmentList", ns)
    assert segments is not None
    timeline = [
        (s.get("t"), s.get("d")) for s in segments.iterfind("mpd:SegmentTimeline/mpd:S", ns)
    ]
    assert timeline == [("0", "2000"), ("2000", "2000"), ("4000", "2000"), ("6000", "2000")]
    init = segments.find("mpd:Initialization", ns)
    assert init is not None
    assert get(urljoin(url, init.get("sourceURL", ""))).content == b""
    media = [urljoin(url, s.get("media", "")) for s in segments.iterfind("mpd:SegmentURL", ns)]
    assert all(
        u.startswith(f"{handle.endpoint_url}/dash/v1/getMP4MediaFragment.mp4?") for u in media
    )
    assert [get(u).content for u in media] == [f"fragment-{i}".encode() for i in range(4)]


def test_session_urls_refuse_unknown_and_expired_tokens(
    recorded: tuple[ServerHandle, Any, list[str]], clock_at_t0: list[datetime]
) -> None:
    handle, archived, _ = recorded
    url = archived.get_hls_streaming_session_url(StreamName="cam", Expires=300)[
        "HLSStreamingSessionURL"
    ]
    get(url)

    def refused(target: str) -> tuple[int, str, str]:
        response = requests.get(target, timeout=10)
        return (
            response.status_code,
            response.headers["x-amzn-ErrorType"],
            response.json()["Message"],
        )

    # The server (a token naming no state) and the service (no such session)
    # refuse with the same text.
    invalid = (401, "NotAuthorizedException", "The session token is not valid or has expired.")
    unknown = f"{handle.endpoint_url}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=forged"
    assert refused(unknown) == invalid
    # An HLS session's token opens no DASH manifest.
    dash = url.replace("hls/v1/getHLSMasterPlaylist.m3u8", "dash/v1/getDASHManifest.mpd")
    assert refused(dash) == invalid
    clock_at_t0[0] = T0 + timedelta(seconds=300)
    assert refused(url) == invalid


def test_a_websocket_handshake_is_refused_cleanly(kinesis_server: Any) -> None:
    # No WebSocket signaling is served: the handshake gets a 403, not a bare 500.
    import socket

    with socket.create_connection(("127.0.0.1", kinesis_server.port), timeout=5) as sock:
        sock.sendall(
            b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        assert sock.recv(200).split(b"\r\n")[0] == b"HTTP/1.1 403 "

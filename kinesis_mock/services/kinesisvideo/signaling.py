"""The WebRTC side of signaling channels: ICE server configuration and Alexa
offers (kinesis-video-signaling), and joining the storage session of a channel
that ingests media (kinesis-video-webrtc-storage)."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from ... import clock
from ...protocol.errors import InvalidArgumentException, ResourceNotFoundException
from ..base import Params
from .backend import KinesisVideoBackend, SignalingChannel
from .endpoints import relay_address
from .service import KINESIS_VIDEO_SIGNALING, KINESIS_VIDEO_WEBRTC_STORAGE

# TURN credentials live five minutes, as the service's do.
ICE_CREDENTIAL_TTL = 300


def _ice_server(backend: KinesisVideoBackend, channel: SignalingChannel) -> dict[str, Any]:
    relay = relay_address(backend)
    expires = int(clock.now()) + ICE_CREDENTIAL_TTL
    return {
        "Uris": [
            f"turn:{relay}?transport=udp",
            f"turns:{relay}?transport=udp",
            f"turns:{relay}?transport=tcp",
        ],
        "Username": f"{expires}:{base64.b64encode(channel.arn.encode()).decode()}",
        "Password": base64.b64encode(secrets.token_bytes(30)).decode(),
        "Ttl": ICE_CREDENTIAL_TTL,
    }


@KINESIS_VIDEO_SIGNALING.operation("GetIceServerConfig")
def get_ice_server_config(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    channel = backend.channels.find(arn=req["ChannelARN"], active=True)
    # Two relays, each with its own credentials, like the service hands out.
    return {"IceServerList": [_ice_server(backend, channel) for _ in range(2)]}


@KINESIS_VIDEO_SIGNALING.operation("SendAlexaOfferToMaster")
def send_alexa_offer_to_master(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    channel = backend.channels.find(arn=req["ChannelARN"], active=True)
    if channel.master is None:
        # The service redelivers until the message expires; the mock has no
        # time to wait through, so it says at once that nobody answered.
        raise ResourceNotFoundException(
            f"No master is connected to the signaling channel {channel.name}."
        )
    return {"Answer": channel.master(req["MessagePayload"])}


def _storage_channel(backend: KinesisVideoBackend, arn: str) -> SignalingChannel:
    channel = backend.channels.find(arn=arn, active=True)
    if not channel.ingests:
        raise InvalidArgumentException(
            f"The signaling channel {channel.name} is not configured for media storage."
        )
    return channel


# Joining answers an empty 200; the media that a WebRTC session would ingest
# is what a test adds with KinesisMock.put_media to the mapped stream.


@KINESIS_VIDEO_WEBRTC_STORAGE.operation("JoinStorageSession")
def join_storage_session(backend: KinesisVideoBackend, req: Params) -> None:
    _storage_channel(backend, req["channelArn"])


@KINESIS_VIDEO_WEBRTC_STORAGE.operation("JoinStorageSessionAsViewer")
def join_storage_session_as_viewer(backend: KinesisVideoBackend, req: Params) -> None:
    _storage_channel(backend, req["channelArn"])

"""Kinesis Video signaling channels (WebRTC): create, describe, list, update,
delete, and the endpoints clients signal through."""

from __future__ import annotations

from typing import Any

from ... import clock
from ...protocol.errors import (
    AccountChannelLimitExceededException,
    InvalidArgumentException,
    ResourceInUseException,
)
from ..base import Params
from .backend import (
    MAX_CHANNELS,
    KinesisVideoBackend,
    SignalingChannel,
    add_tags,
    check_version,
    new_version,
    tag_map,
)
from .endpoints import https_endpoint, websocket_endpoint
from .service import KINESIS_VIDEO


def _configure_single_master(channel: SignalingChannel, req: Params) -> None:
    """Applies a request's SingleMasterConfiguration (Create and Update);
    what it leaves out keeps its value, SignalingChannel's default at first."""
    ttl = req.get("SingleMasterConfiguration", {}).get("MessageTtlSeconds")
    if ttl is not None:
        channel.message_ttl_seconds = ttl


@KINESIS_VIDEO.operation("CreateSignalingChannel")
def create_signaling_channel(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    name: str = req["ChannelName"]
    if len(backend.channels.by_name) >= MAX_CHANNELS:
        raise AccountChannelLimitExceededException(
            f"The account has reached its limit of {MAX_CHANNELS} signaling channels."
        )
    now = clock.now()
    channel = SignalingChannel(
        name=name,
        arn=backend.resource_arn("channel", name, now),
        created_at=now,
    )
    if "ChannelType" in req:
        channel.channel_type = req["ChannelType"]
    _configure_single_master(channel, req)
    add_tags(channel, tag_map(req.get("Tags", [])))
    backend.create(backend.channels, channel, now)
    return {"ChannelARN": channel.arn}


@KINESIS_VIDEO.operation("DescribeSignalingChannel")
def describe_signaling_channel(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"ChannelInfo": backend.find_channel(req).info()}


@KINESIS_VIDEO.operation("ListSignalingChannels")
def list_signaling_channels(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    scope = f"kvs-channels:{backend.account}:{backend.region}"
    return backend.channels.page(req, scope, "ChannelInfoList")


@KINESIS_VIDEO.operation("UpdateSignalingChannel")
def update_signaling_channel(backend: KinesisVideoBackend, req: Params) -> None:
    channel = backend.channels.find(arn=req["ChannelARN"], active=True)
    check_version("channel", channel.version, req["CurrentVersion"])
    _configure_single_master(channel, req)
    channel.version = new_version()


@KINESIS_VIDEO.operation("DeleteSignalingChannel")
def delete_signaling_channel(backend: KinesisVideoBackend, req: Params) -> None:
    channel = backend.channels.find(arn=req["ChannelARN"])
    check_version("channel", channel.version, req.get("CurrentVersion"))
    if channel.status == "DELETING":
        raise ResourceInUseException(f"The channel {channel.name} is already being deleted.")
    backend.unmap_channel(channel)
    backend.delete(backend.channels, channel, clock.now())


# The host label prefixes AWS uses: "m-" for WSS signaling, "r-" for HTTPS
# (ICE servers, single-message API), "w-" for WebRTC ingestion.
_HOST_PREFIX = {"WSS": "m-", "HTTPS": "r-", "WEBRTC": "w-"}


@KINESIS_VIDEO.operation("GetSignalingChannelEndpoint")
def get_signaling_channel_endpoint(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    channel = backend.channels.find(arn=req["ChannelARN"], active=True)
    config = req.get("SingleMasterChannelEndpointConfiguration", {})
    protocols: list[str] = config.get("Protocols") or ["WSS", "HTTPS"]
    if "WEBRTC" in protocols and not channel.ingests:
        raise InvalidArgumentException(
            "The WEBRTC protocol needs a signaling channel configured for ingestion "
            "(UpdateMediaStorageConfiguration)."
        )
    endpoints = []
    for protocol in dict.fromkeys(protocols):
        prefix = _HOST_PREFIX[protocol]
        endpoint = (
            websocket_endpoint(backend, prefix)
            if protocol == "WSS"
            else https_endpoint(backend, prefix)
        )
        endpoints.append({"Protocol": protocol, "ResourceEndpoint": endpoint})
    return {"ResourceEndpointList": endpoints}

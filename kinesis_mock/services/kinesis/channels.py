"""Channels (botocore 1.44's kinesis model): deliveries of a stream's records
to Amazon S3 or S3 Tables. The mock keeps their configuration and lifecycle
(CREATING -> ACTIVE, DELETING on the consumer delays); it delivers nothing.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    NotActive,
    ResourceInUseException,
)
from ..base import Params
from ..paging import page_of
from .backend import ACTIVE, CREATING, ON_DEMAND, KinesisBackend
from .resources import Channel, channel_for, channels
from .service import KINESIS
from .tag_rules import check_new_tags

_DESTINATIONS = ("S3DestinationConfiguration", "S3TablesDestinationConfiguration")


def _one_destination(req: Params) -> None:
    given = [key for key in _DESTINATIONS if key in req]
    if len(given) != 1:
        raise InvalidArgumentException(
            "Exactly one of S3DestinationConfiguration and S3TablesDestinationConfiguration "
            "must be specified."
        )


@KINESIS.operation("CreateChannel")
def create_channel(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    name: str = req["ChannelName"]
    if name in channels(backend):
        raise ResourceInUseException(
            f"Channel {name} under account {backend.account} already exists."
        )
    _one_destination(req)
    streams = []
    for config in req["StreamConfigurationList"]:
        stream = backend.find_stream({"StreamARN": config["StreamARN"]})
        if stream.mode != ON_DEMAND:
            raise InvalidArgumentException(
                f"Channels are supported only on streams in ON_DEMAND mode; stream "
                f"{stream.name} is {stream.mode}."
            )
        streams.append((stream, config))
    tags: dict[str, str] = req.get("Tags", {})
    check_new_tags(name, backend.account, tags)
    now = clock.now()
    alphabet = string.ascii_lowercase + string.digits
    channel = Channel(
        name=name,
        arn=backend.resource_arn("channel", name),
        channel_id="".join(secrets.choice(alphabet) for _ in range(20)),
        status=CREATING,
        created_at=now,
        role_arn=req["ServiceExecutionRoleARN"],
        streams=streams,
        settings={
            key: req[key]
            for key in (*_DESTINATIONS, "EncryptionConfiguration", "LoggingConfiguration")
            if key in req
        },
        tags={key: value or "" for key, value in tags.items()},
    )
    channels(backend)[name] = channel
    backend.resource_created(channel, now)
    return {"ChannelDescription": channel.describe()}


@KINESIS.operation("DescribeChannel")
def describe_channel(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    return {"ChannelDescription": channel_for(backend, req["ChannelARN"]).describe()}


@KINESIS.operation("UpdateChannel")
def update_channel(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    channel = channel_for(backend, req["ChannelARN"])
    if channel.status != ACTIVE:
        raise NotActive("Channel", channel.name, backend.account, channel.status)
    if any(key in req for key in _DESTINATIONS):
        _one_destination(req)
        for key in _DESTINATIONS:
            channel.settings.pop(key, None)
    for key in (*_DESTINATIONS, "LoggingConfiguration"):
        if key in req:
            channel.settings[key] = req[key]
    return {"ChannelDescription": channel.describe()}


@KINESIS.operation("DeleteChannel")
def delete_channel(backend: KinesisBackend, req: Params) -> None:
    channel = channel_for(backend, req["ChannelARN"])
    backend.resource_deleted(channels(backend), channel.name)


@KINESIS.operation("ListChannels")
def list_channels(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    listed = sorted(channels(backend).values(), key=lambda c: c.name)
    filters = req.get("StreamFilter")
    if filters:
        wanted = [backend.find_stream({"StreamARN": f["StreamARN"]}) for f in filters]
        listed = [c for c in listed if any(s is w for s, _ in c.streams for w in wanted)]
    return page_of(
        req,
        f"channels:{backend.account}:{backend.region}",
        listed,
        "ChannelSummaries",
        lambda c: c.summary(),
    )

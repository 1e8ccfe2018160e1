"""Kinesis Video configurations: image generation, notifications, stream
storage, media storage of signaling channels (and the mapped resources it
makes), and edge agent configurations."""

from __future__ import annotations

import functools
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    ResourceInUseException,
    StreamEdgeConfigurationNotFoundException,
)
from ..base import Params
from ..paging import page_of
from .backend import EdgeConfiguration, KinesisVideoBackend, VideoStream, new_version
from .channels import channel_named
from .errors import check_version, require_retention
from .service import KINESIS_VIDEO
from .streams import stream_named

# -- image generation and notifications ---------------------------------------


@KINESIS_VIDEO.operation("UpdateImageGenerationConfiguration")
def update_image_generation_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req, active=True)
    config = req.get("ImageGenerationConfiguration")
    if config is not None:  # AWS: a null configuration deletes it
        require_retention(stream.name, stream.data_retention_hours)
    stream.image_generation = config


@KINESIS_VIDEO.operation("DescribeImageGenerationConfiguration")
def describe_image_generation_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    stream = stream_named(backend, req)
    return {"ImageGenerationConfiguration": stream.image_generation}


@KINESIS_VIDEO.operation("UpdateNotificationConfiguration")
def update_notification_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req, active=True)
    config = req.get("NotificationConfiguration")
    if config is not None:
        require_retention(stream.name, stream.data_retention_hours)
    stream.notification = config


@KINESIS_VIDEO.operation("DescribeNotificationConfiguration")
def describe_notification_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    return {"NotificationConfiguration": stream_named(backend, req).notification}


# -- storage -------------------------------------------------------------------


@KINESIS_VIDEO.operation("UpdateStreamStorageConfiguration")
def update_stream_storage_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req, active=True)
    check_version("stream", stream.version, req["CurrentVersion"])
    stream.storage = req["StreamStorageConfiguration"]
    stream.version = new_version()


@KINESIS_VIDEO.operation("DescribeStreamStorageConfiguration")
def describe_stream_storage_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    stream = stream_named(backend, req)
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStorageConfiguration": stream.storage,
    }


@KINESIS_VIDEO.operation("UpdateMediaStorageConfiguration")
def update_media_storage_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    channel = channel_named(backend, {"ChannelARN": req["ChannelARN"]}, active=True)
    storage: dict[str, Any] = req["MediaStorageConfiguration"]
    if storage["Status"] == "ENABLED":
        stream_arn = storage.get("StreamARN")
        if stream_arn is None:
            raise InvalidArgumentException(
                "MediaStorageConfiguration needs a StreamARN when its Status is ENABLED."
            )
        stream = stream_named(backend, {"StreamARN": stream_arn}, active=True)
        require_retention(stream.name, stream.data_retention_hours)
        # One channel stores its media in a stream; a stream takes one channel.
        if any(arn != channel.arn for arn in stream.mapped_channels):
            raise ResourceInUseException(
                f"The stream {stream.name} already stores the media of another channel."
            )
    backend.map_channel(channel, storage)


@KINESIS_VIDEO.operation("DescribeMediaStorageConfiguration")
def describe_media_storage_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    channel = channel_named(backend, req)
    return {"MediaStorageConfiguration": channel.media_storage or {"Status": "DISABLED"}}


@KINESIS_VIDEO.operation("DescribeMappedResourceConfiguration")
def describe_mapped_resource_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    stream = stream_named(backend, req)
    return page_of(
        req,
        f"kvs-mapped:{stream.arn}",
        stream.mapped_channels,
        "MappedResourceConfigurationList",
        lambda arn: {"Type": "SIGNALING_CHANNEL", "ARN": arn},
        default=1,  # the model allows one per page
        most=1,
    )


# -- edge agent ----------------------------------------------------------------


def _edge_of(stream: VideoStream) -> EdgeConfiguration:
    if stream.edge is None:
        raise StreamEdgeConfigurationNotFoundException(
            f"The stream {stream.name} has no edge configuration."
        )
    return stream.edge


def _edge_view(stream: VideoStream, edge: EdgeConfiguration) -> dict[str, Any]:
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "CreationTime": edge.created_at,
        "LastUpdatedTime": edge.updated_at,
        "SyncStatus": edge.sync_status,
        "EdgeConfig": edge.config,
    }


@KINESIS_VIDEO.operation("StartEdgeConfigurationUpdate")
def start_edge_configuration_update(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = stream_named(backend, req, active=True)
    require_retention(stream.name, stream.data_retention_hours)
    previous = stream.edge
    if previous is not None and previous.sync_status in ("SYNCING", "DELETING"):
        raise ResourceInUseException(
            f"The edge configuration of stream {stream.name} is {previous.sync_status}; "
            "wait until it reaches a terminal state."
        )
    now = clock.now()
    config: dict[str, Any] = req["EdgeConfig"]
    edge = EdgeConfiguration(
        hub_device_arn=config["HubDeviceArn"],
        config=config,
        created_at=previous.created_at if previous is not None else now,
        updated_at=now,
        sync_status="SYNCING",
    )
    backend.set_edge(stream, edge)
    view = _edge_view(stream, edge)
    # The edge agent acknowledges after the update delay (at once by default).
    delay = backend.settings.stream_update_delay
    if delay > 0:
        backend.later(now + delay, functools.partial(_synced, stream, edge))
    else:
        _synced(stream, edge, now)
    return view


def _synced(stream: VideoStream, edge: EdgeConfiguration, _due: float) -> None:
    if stream.edge is edge and edge.sync_status == "SYNCING":
        edge.sync_status = "IN_SYNC"


@KINESIS_VIDEO.operation("DescribeEdgeConfiguration")
def describe_edge_configuration(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = stream_named(backend, req)
    return _edge_view(stream, _edge_of(stream))


@KINESIS_VIDEO.operation("DeleteEdgeConfiguration")
def delete_edge_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req)
    edge = _edge_of(stream)
    if edge.sync_status == "DELETING":
        return
    now = clock.now()
    edge.sync_status = "DELETING"
    edge.updated_at = now
    delay = backend.settings.stream_update_delay
    if delay > 0:
        backend.later(now + delay, functools.partial(_edge_deleted, backend, stream, edge))
    else:
        _edge_deleted(backend, stream, edge, now)


def _edge_deleted(
    backend: KinesisVideoBackend, stream: VideoStream, edge: EdgeConfiguration, _due: float
) -> None:
    if stream.edge is edge:
        backend.set_edge(stream, None)


@KINESIS_VIDEO.operation("ListEdgeAgentConfigurations")
def list_edge_agent_configurations(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    hub: str = req["HubDeviceArn"]
    streams = sorted(backend.edge_streams.get(hub, {}).values(), key=lambda s: s.name)
    return page_of(
        req,
        f"kvs-edge:{backend.account}:{backend.region}:{hub}",
        streams,
        "EdgeConfigs",
        lambda stream: _edge_view(stream, _edge_of(stream)),
        default=5,  # AWS's default page; the model allows up to 10
        most=10,
    )

"""Edge agent configurations of Kinesis Video streams (the recording and
upload an IoT Greengrass edge agent runs for a stream, by hub device): start
an update, describe, delete, and list a hub's.

An update is SYNCING until the edge agent acknowledges it, a delete DELETING
until it is gone: both after the settings' update delay (at once by default)."""

from __future__ import annotations

import functools
from typing import Any

from ... import clock
from ...protocol.errors import ResourceInUseException, StreamEdgeConfigurationNotFoundException
from ..base import Params
from ..paging import page_of
from .backend import EdgeConfiguration, KinesisVideoBackend, VideoStream
from .service import KINESIS_VIDEO


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
    stream = backend.find_stream(req, active=True)
    stream.require_retention()
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
    backend.after(
        backend.settings.stream_update_delay, functools.partial(_synced, stream, edge), now=now
    )
    return view


def _synced(stream: VideoStream, edge: EdgeConfiguration, _due: float) -> None:
    if stream.edge is edge and edge.sync_status == "SYNCING":
        edge.sync_status = "IN_SYNC"


@KINESIS_VIDEO.operation("DescribeEdgeConfiguration")
def describe_edge_configuration(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    return _edge_view(stream, _edge_of(stream))


@KINESIS_VIDEO.operation("DeleteEdgeConfiguration")
def delete_edge_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream = backend.find_stream(req)
    edge = _edge_of(stream)
    if edge.sync_status == "DELETING":
        return
    now = clock.now()
    edge.sync_status = "DELETING"
    edge.updated_at = now
    backend.after(
        backend.settings.stream_update_delay,
        functools.partial(_edge_deleted, backend, stream, edge),
        now=now,
    )


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

"""Kinesis Video streams: create, describe, list, update, retention, delete,
and the data endpoints of the media clients."""

from __future__ import annotations

from typing import Any

from ... import clock
from ...protocol.errors import InvalidArgumentException
from ..base import Params
from .backend import KinesisVideoBackend, VideoStream, add_tags, check_version, new_version
from .endpoints import https_endpoint
from .service import KINESIS_VIDEO


@KINESIS_VIDEO.operation("CreateStream")
def create_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    name: str = req["StreamName"]
    now = clock.now()
    stream = VideoStream(
        name=name,
        arn=backend.resource_arn("stream", name, now),
        created_at=now,
        device_name=req.get("DeviceName"),
        media_type=req.get("MediaType"),
        kms_key_id=req.get("KmsKeyId") or backend.arn("kms", "alias/aws/kinesisvideo"),
        data_retention_hours=req.get("DataRetentionInHours", 0),
        media=backend.new_media(),
    )
    if "StreamStorageConfiguration" in req:  # otherwise VideoStream's default tier
        stream.storage = req["StreamStorageConfiguration"]
    add_tags(stream, req.get("Tags", {}))
    backend.create(backend.streams, stream, now)
    return {"StreamARN": stream.arn}


@KINESIS_VIDEO.operation("DescribeStream")
def describe_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"StreamInfo": backend.find_stream(req).info()}


@KINESIS_VIDEO.operation("ListStreams")
def list_streams(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    scope = f"kvs-streams:{backend.account}:{backend.region}"
    return backend.streams.page(req, scope, "StreamInfoList")


@KINESIS_VIDEO.operation("UpdateStream")
def update_stream(backend: KinesisVideoBackend, req: Params) -> None:
    stream = backend.find_stream(req, active=True)
    check_version("stream", stream.version, req["CurrentVersion"])
    if "DeviceName" in req:
        stream.device_name = req["DeviceName"]
    if "MediaType" in req:
        stream.media_type = req["MediaType"]
    stream.version = new_version()


@KINESIS_VIDEO.operation("UpdateDataRetention")
def update_data_retention(backend: KinesisVideoBackend, req: Params) -> None:
    stream = backend.find_stream(req, active=True)
    check_version("stream", stream.version, req["CurrentVersion"])
    change: int = req["DataRetentionChangeInHours"]
    if req["Operation"] == "INCREASE_DATA_RETENTION":
        stream.data_retention_hours += change
    else:
        if change > stream.data_retention_hours:
            raise InvalidArgumentException(
                f"The data retention of stream {stream.name} is "
                f"{stream.data_retention_hours} hours; it cannot decrease by {change}."
            )
        stream.data_retention_hours -= change
    stream.version = new_version()


@KINESIS_VIDEO.operation("DeleteStream")
def delete_stream(backend: KinesisVideoBackend, req: Params) -> None:
    stream = backend.streams.find(arn=req["StreamARN"])
    check_version("stream", stream.version, req.get("CurrentVersion"))
    backend.set_edge(stream, None)
    backend.delete(backend.streams, stream, clock.now())


@KINESIS_VIDEO.operation("GetDataEndpoint")
def get_data_endpoint(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    backend.find_stream(req)
    # Every APIName gets the same kind of endpoint: the media clients find
    # their operations there by URI, in process (intercepted whatever the
    # host) and at a server (its own URL).
    return {"DataEndpoint": https_endpoint(backend)}

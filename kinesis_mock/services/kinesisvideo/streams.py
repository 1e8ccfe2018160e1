"""Kinesis Video streams: create, describe, list, update, retention, delete,
and the data endpoints of the media clients."""

from __future__ import annotations

from typing import Any

from ... import clock
from ...protocol.errors import InvalidArgumentException
from ..base import Params
from ..paging import page_of
from .backend import KinesisVideoBackend, VideoStream, add_tags, new_version
from .endpoints import https_endpoint
from .errors import check_version
from .service import KINESIS_VIDEO


def stream_named(backend: KinesisVideoBackend, req: Params, *, active: bool = False) -> VideoStream:
    """The stream a request names by StreamName or StreamARN."""
    return backend.streams.find(req.get("StreamName"), req.get("StreamARN"), active=active)


def name_prefix(condition: dict[str, Any] | None) -> str | None:
    """The prefix of a BEGINS_WITH name condition (the only operator)."""
    return None if condition is None else condition.get("ComparisonValue")


@KINESIS_VIDEO.operation("CreateStream")
def create_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    name: str = req["StreamName"]
    now = clock.now()
    stream = VideoStream(
        name=name,
        arn=backend.stream_arn(name, now),
        created_at=now,
        status="CREATING",
        version=new_version(),
        device_name=req.get("DeviceName"),
        media_type=req.get("MediaType"),
        kms_key_id=req.get("KmsKeyId")
        or f"arn:{backend.partition}:kms:{backend.region}:{backend.account}:alias/aws/kinesisvideo",
        data_retention_hours=req.get("DataRetentionInHours", 0),
        storage=req.get("StreamStorageConfiguration", {"DefaultStorageTier": "HOT"}),
        media=backend.new_media(),
    )
    add_tags(stream, req.get("Tags", {}))
    backend.create(backend.streams, stream, now)
    return {"StreamARN": stream.arn}


@KINESIS_VIDEO.operation("DescribeStream")
def describe_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"StreamInfo": stream_named(backend, req).info()}


@KINESIS_VIDEO.operation("ListStreams")
def list_streams(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    names = backend.streams.names_beginning_with(name_prefix(req.get("StreamNameCondition")))
    scope = f"kvs-streams:{backend.account}:{backend.region}"
    # AWS pages up to 10,000 streams, which is also the default.
    return page_of(
        req,
        scope,
        names,
        "StreamInfoList",
        lambda name: backend.streams.by_name[name].info(),
        default=10_000,
        most=10_000,
    )


@KINESIS_VIDEO.operation("UpdateStream")
def update_stream(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req, active=True)
    check_version("stream", stream.version, req["CurrentVersion"])
    if "DeviceName" in req:
        stream.device_name = req["DeviceName"]
    if "MediaType" in req:
        stream.media_type = req["MediaType"]
    stream.version = new_version()


@KINESIS_VIDEO.operation("UpdateDataRetention")
def update_data_retention(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req, active=True)
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
    stream = stream_named(backend, {"StreamARN": req["StreamARN"]})
    check_version("stream", stream.version, req.get("CurrentVersion"))
    backend.set_edge(stream, None)
    backend.delete(backend.streams, stream, clock.now())


@KINESIS_VIDEO.operation("GetDataEndpoint")
def get_data_endpoint(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream_named(backend, req)
    # Every APIName gets the same kind of endpoint: the media clients find
    # their operations there by URI, in process (intercepted whatever the
    # host) and at a server (its own URL).
    return {"DataEndpoint": https_endpoint(backend)}

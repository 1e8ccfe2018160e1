"""Kinesis Video streams: create, describe, list, update, retention, delete,
tags, and the data endpoints of the media clients."""

from __future__ import annotations

import secrets
import string
from typing import Any

from ... import clock
from ...protocol.errors import InvalidArgumentException, ServiceError
from ..base import Params
from ..kinesis.paging import page_of
from .backend import KinesisVideoBackend, VideoStream, new_version
from .service import KINESIS_VIDEO

MAX_TAGS = 50


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 404


class ResourceInUseException(ServiceError):
    code = "ResourceInUseException"


class VersionMismatchException(ServiceError):
    code = "VersionMismatchException"


class TagsPerResourceExceededLimitException(ServiceError):
    code = "TagsPerResourceExceededLimitException"


def _stream(backend: KinesisVideoBackend, req: Params, *, active: bool = False) -> VideoStream:
    """The stream a request names by StreamName or StreamARN."""
    name: str | None = req.get("StreamName")
    arn: str | None = req.get("StreamARN")
    if name is None and arn is None:
        raise InvalidArgumentException("Either StreamName or StreamARN must be specified.")
    stream = backend.streams.get(name) if name is not None else None
    if arn is not None:
        stream = next((s for s in backend.streams.values() if s.arn == arn), None)
        if stream is not None and name is not None and stream.name != name:
            stream = None
    if stream is None:
        raise ResourceNotFoundException("The requested stream is not found or not active.")
    if active and stream.status != "ACTIVE":
        raise ResourceInUseException(
            f"The stream {stream.name} is not ACTIVE; it is {stream.status}."
        )
    return stream


def _check_version(stream: VideoStream, current: str | None) -> None:
    if current is not None and current != stream.version:
        raise VersionMismatchException(
            f"The stream version {current} does not match the current version {stream.version}."
        )


def _add_tags(stream: VideoStream, tags: dict[str, str]) -> None:
    if len(stream.tags.keys() | tags.keys()) > MAX_TAGS:
        raise TagsPerResourceExceededLimitException(f"A resource can have at most {MAX_TAGS} tags.")
    stream.tags.update(tags)


@KINESIS_VIDEO.operation("CreateStream")
def create_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    name: str = req["StreamName"]
    if name in backend.streams:
        raise ResourceInUseException(f"The stream {name} already exists.")
    now = clock.now()
    delay = backend.settings.stream_create_delay
    stream = VideoStream(
        name=name,
        arn=backend.stream_arn(name, now),
        created_at=now,
        status="CREATING" if delay > 0 else "ACTIVE",
        version=new_version(),
        device_name=req.get("DeviceName"),
        media_type=req.get("MediaType"),
        kms_key_id=req.get("KmsKeyId")
        or f"arn:{backend.partition}:kms:{backend.region}:{backend.account}:alias/aws/kinesisvideo",
        data_retention_hours=req.get("DataRetentionInHours", 0),
        storage=req.get("StreamStorageConfiguration"),
    )
    _add_tags(stream, req.get("Tags", {}))
    backend.streams[name] = stream
    if delay > 0:

        def activate() -> None:
            if stream.status == "CREATING":
                stream.status = "ACTIVE"

        backend.later(now + delay, activate)
    return {"StreamARN": stream.arn}


@KINESIS_VIDEO.operation("DescribeStream")
def describe_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"StreamInfo": _stream(backend, req).info()}


@KINESIS_VIDEO.operation("ListStreams")
def list_streams(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    streams = sorted(backend.streams.values(), key=lambda s: s.name)
    condition = req.get("StreamNameCondition")
    if condition is not None and "ComparisonValue" in condition:
        prefix = condition["ComparisonValue"]
        streams = [s for s in streams if s.name.startswith(prefix)]
    scope = f"kvs-streams:{backend.account}:{backend.region}"
    return page_of(req, scope, streams, "StreamInfoList", VideoStream.info)


@KINESIS_VIDEO.operation("UpdateStream")
def update_stream(backend: KinesisVideoBackend, req: Params) -> None:
    stream = _stream(backend, req, active=True)
    _check_version(stream, req["CurrentVersion"])
    if "DeviceName" in req:
        stream.device_name = req["DeviceName"]
    if "MediaType" in req:
        stream.media_type = req["MediaType"]
    stream.version = new_version()


@KINESIS_VIDEO.operation("UpdateDataRetention")
def update_data_retention(backend: KinesisVideoBackend, req: Params) -> None:
    stream = _stream(backend, req, active=True)
    _check_version(stream, req["CurrentVersion"])
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
    stream = _stream(backend, {"StreamARN": req["StreamARN"]})
    _check_version(stream, req.get("CurrentVersion"))
    delay = backend.settings.stream_delete_delay
    if delay <= 0:
        del backend.streams[stream.name]
        return
    stream.status = "DELETING"

    def remove() -> None:
        if backend.streams.get(stream.name) is stream:
            del backend.streams[stream.name]

    backend.later(clock.now() + delay, remove)


@KINESIS_VIDEO.operation("TagStream")
def tag_stream(backend: KinesisVideoBackend, req: Params) -> None:
    _add_tags(_stream(backend, req), req["Tags"])


@KINESIS_VIDEO.operation("UntagStream")
def untag_stream(backend: KinesisVideoBackend, req: Params) -> None:
    stream = _stream(backend, req)
    for key in req["TagKeyList"]:
        stream.tags.pop(key, None)


@KINESIS_VIDEO.operation("ListTagsForStream")
def list_tags_for_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"Tags": dict(_stream(backend, req).tags)}


@KINESIS_VIDEO.operation("TagResource")
def tag_resource(backend: KinesisVideoBackend, req: Params) -> None:
    stream = _stream(backend, {"StreamARN": req["ResourceARN"]})
    _add_tags(stream, {tag["Key"]: tag["Value"] for tag in req["Tags"]})


@KINESIS_VIDEO.operation("UntagResource")
def untag_resource(backend: KinesisVideoBackend, req: Params) -> None:
    stream = _stream(backend, {"StreamARN": req["ResourceARN"]})
    for key in req["TagKeyList"]:
        stream.tags.pop(key, None)


@KINESIS_VIDEO.operation("ListTagsForResource")
def list_tags_for_resource(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"Tags": dict(_stream(backend, {"StreamARN": req["ResourceARN"]}).tags)}


@KINESIS_VIDEO.operation("GetDataEndpoint")
def get_data_endpoint(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    _stream(backend, req)
    host = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
    # The media clients reach this endpoint under the same mock (they are
    # intercepted whatever endpoint they are given).
    return {"DataEndpoint": f"https://{host}.kinesisvideo.{backend.region}.amazonaws.com"}

"""Tags on Kinesis Video streams and signaling channels: by stream name or ARN
(TagStream family) and by any resource ARN (TagResource family)."""

from __future__ import annotations

from typing import Any

from ...protocol.errors import ResourceNotFoundException
from ..base import Params
from .backend import KinesisVideoBackend, SignalingChannel, VideoStream, add_tags
from .service import KINESIS_VIDEO
from .streams import stream_named


def _resource(backend: KinesisVideoBackend, arn: str) -> VideoStream | SignalingChannel:
    resource = backend.resource(arn)
    if resource is None:
        raise ResourceNotFoundException(f"The resource {arn} is not found.")
    return resource


@KINESIS_VIDEO.operation("TagStream")
def tag_stream(backend: KinesisVideoBackend, req: Params) -> None:
    add_tags(stream_named(backend, req), req["Tags"])


@KINESIS_VIDEO.operation("UntagStream")
def untag_stream(backend: KinesisVideoBackend, req: Params) -> None:
    stream = stream_named(backend, req)
    for key in req["TagKeyList"]:
        stream.tags.pop(key, None)


@KINESIS_VIDEO.operation("ListTagsForStream")
def list_tags_for_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"Tags": dict(stream_named(backend, req).tags)}


@KINESIS_VIDEO.operation("TagResource")
def tag_resource(backend: KinesisVideoBackend, req: Params) -> None:
    add_tags(
        _resource(backend, req["ResourceARN"]), {tag["Key"]: tag["Value"] for tag in req["Tags"]}
    )


@KINESIS_VIDEO.operation("UntagResource")
def untag_resource(backend: KinesisVideoBackend, req: Params) -> None:
    resource = _resource(backend, req["ResourceARN"])
    for key in req["TagKeyList"]:
        resource.tags.pop(key, None)


@KINESIS_VIDEO.operation("ListTagsForResource")
def list_tags_for_resource(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"Tags": dict(_resource(backend, req["ResourceARN"]).tags)}

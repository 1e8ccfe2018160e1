"""Tags on Kinesis Video streams and signaling channels: by stream name or ARN
(TagStream family) and by any resource ARN (TagResource family)."""

from __future__ import annotations

from typing import Any

from ...protocol.errors import ResourceNotFoundException
from ..base import Params
from .backend import (
    KinesisVideoBackend,
    SignalingChannel,
    VideoStream,
    add_tags,
    remove_tags,
    tag_map,
)
from .service import KINESIS_VIDEO


def _resource(backend: KinesisVideoBackend, arn: str) -> VideoStream | SignalingChannel:
    resource = backend.resource(arn)
    if resource is None:
        raise ResourceNotFoundException(f"The resource {arn} is not found.")
    return resource


@KINESIS_VIDEO.operation("TagStream")
def tag_stream(backend: KinesisVideoBackend, req: Params) -> None:
    add_tags(backend.find_stream(req), req["Tags"])


@KINESIS_VIDEO.operation("UntagStream")
def untag_stream(backend: KinesisVideoBackend, req: Params) -> None:
    remove_tags(backend.find_stream(req), req["TagKeyList"])


@KINESIS_VIDEO.operation("ListTagsForStream")
def list_tags_for_stream(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"Tags": dict(backend.find_stream(req).tags)}


@KINESIS_VIDEO.operation("TagResource")
def tag_resource(backend: KinesisVideoBackend, req: Params) -> None:
    add_tags(_resource(backend, req["ResourceARN"]), tag_map(req["Tags"]))


@KINESIS_VIDEO.operation("UntagResource")
def untag_resource(backend: KinesisVideoBackend, req: Params) -> None:
    remove_tags(_resource(backend, req["ResourceARN"]), req["TagKeyList"])


@KINESIS_VIDEO.operation("ListTagsForResource")
def list_tags_for_resource(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"Tags": dict(_resource(backend, req["ResourceARN"]).tags)}

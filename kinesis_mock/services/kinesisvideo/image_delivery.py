"""KVS Images delivery settings of a stream: the image generation
configuration (which frames become images, where they go) and the
notification configuration (who hears of a delivered image).

A null configuration deletes it; any other needs a stream that keeps its
media, since images are read from it."""

from __future__ import annotations

from typing import Any

from ..base import Params
from .backend import KinesisVideoBackend, VideoStream
from .service import KINESIS_VIDEO


def _to_set(
    backend: KinesisVideoBackend, req: Params, key: str
) -> tuple[VideoStream, dict[str, Any] | None]:
    """The stream an Update…Configuration changes and the configuration under
    ``key`` it sets."""
    stream = backend.find_stream(req, active=True)
    config: dict[str, Any] | None = req.get(key)
    if config is not None:
        stream.require_retention()
    return stream, config


@KINESIS_VIDEO.operation("UpdateImageGenerationConfiguration")
def update_image_generation_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream, config = _to_set(backend, req, "ImageGenerationConfiguration")
    stream.image_generation = config


@KINESIS_VIDEO.operation("DescribeImageGenerationConfiguration")
def describe_image_generation_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    return {"ImageGenerationConfiguration": backend.find_stream(req).image_generation}


@KINESIS_VIDEO.operation("UpdateNotificationConfiguration")
def update_notification_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream, config = _to_set(backend, req, "NotificationConfiguration")
    stream.notification = config


@KINESIS_VIDEO.operation("DescribeNotificationConfiguration")
def describe_notification_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    return {"NotificationConfiguration": backend.find_stream(req).notification}

"""Where Kinesis Video keeps media: a stream's storage tier, and the stream a
signaling channel's WebRTC media is ingested into (the channel's media storage
configuration, and the mapped resources it makes on the stream)."""

from __future__ import annotations

from typing import Any

from ...protocol.errors import InvalidArgumentException, ResourceInUseException
from ..base import Params
from ..paging import page_of
from .backend import KinesisVideoBackend, check_version, new_version
from .service import KINESIS_VIDEO


@KINESIS_VIDEO.operation("UpdateStreamStorageConfiguration")
def update_stream_storage_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    stream = backend.find_stream(req, active=True)
    check_version("stream", stream.version, req["CurrentVersion"])
    stream.storage = req["StreamStorageConfiguration"]
    stream.version = new_version()


@KINESIS_VIDEO.operation("DescribeStreamStorageConfiguration")
def describe_stream_storage_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    stream = backend.find_stream(req)
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStorageConfiguration": stream.storage,
    }


@KINESIS_VIDEO.operation("UpdateMediaStorageConfiguration")
def update_media_storage_configuration(backend: KinesisVideoBackend, req: Params) -> None:
    channel = backend.channels.find(arn=req["ChannelARN"], active=True)
    storage: dict[str, Any] = req["MediaStorageConfiguration"]
    if storage["Status"] == "ENABLED":
        stream_arn = storage.get("StreamARN")
        if stream_arn is None:
            raise InvalidArgumentException(
                "MediaStorageConfiguration needs a StreamARN when its Status is ENABLED."
            )
        stream = backend.streams.find(arn=stream_arn, active=True)
        stream.require_retention()
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
    channel = backend.find_channel(req)
    return {"MediaStorageConfiguration": channel.media_storage or {"Status": "DISABLED"}}


@KINESIS_VIDEO.operation("DescribeMappedResourceConfiguration")
def describe_mapped_resource_configuration(
    backend: KinesisVideoBackend, req: Params
) -> dict[str, Any]:
    stream = backend.find_stream(req)
    return page_of(
        req,
        f"kvs-mapped:{stream.arn}",
        stream.mapped_channels,
        "MappedResourceConfigurationList",
        lambda arn: {"Type": "SIGNALING_CHANNEL", "ARN": arn},
        default=1,  # the model allows one per page
        most=1,
    )

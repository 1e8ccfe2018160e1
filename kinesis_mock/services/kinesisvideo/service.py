"""The Kinesis Video service definitions handlers register on."""

from __future__ import annotations

from ..base import ServiceDefinition
from .backend import KinesisVideoBackend, backend_factory


def _sharing_state(name: str) -> ServiceDefinition[KinesisVideoBackend]:
    # The data-plane clients share the control plane's state.
    return ServiceDefinition(name=name, state_name="kinesisvideo", backend_factory=backend_factory)


KINESIS_VIDEO = _sharing_state("kinesisvideo")
KINESIS_VIDEO_MEDIA = _sharing_state("kinesis-video-media")
KINESIS_VIDEO_ARCHIVED_MEDIA = _sharing_state("kinesis-video-archived-media")

KINESIS_VIDEO_SIGNALING = _sharing_state("kinesis-video-signaling")
KINESIS_VIDEO_WEBRTC_STORAGE = _sharing_state("kinesis-video-webrtc-storage")

KINESIS_VIDEO_SERVICES = (
    KINESIS_VIDEO,
    KINESIS_VIDEO_MEDIA,
    KINESIS_VIDEO_ARCHIVED_MEDIA,
    KINESIS_VIDEO_SIGNALING,
    KINESIS_VIDEO_WEBRTC_STORAGE,
)

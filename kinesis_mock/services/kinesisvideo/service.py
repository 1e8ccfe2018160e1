"""The Kinesis Video service definitions handlers register on."""

from __future__ import annotations

from ..base import ServiceDefinition
from .backend import backend_factory

KINESIS_VIDEO = ServiceDefinition(
    name="kinesisvideo", state_name="kinesisvideo", backend_factory=backend_factory
)

# The data-plane clients share the control plane's state.
KINESIS_VIDEO_SERVICES = (
    KINESIS_VIDEO,
    *(
        ServiceDefinition(name=name, state_name="kinesisvideo", backend_factory=backend_factory)
        for name in (
            "kinesis-video-media",
            "kinesis-video-archived-media",
            "kinesis-video-signaling",
            "kinesis-video-webrtc-storage",
        )
    ),
)

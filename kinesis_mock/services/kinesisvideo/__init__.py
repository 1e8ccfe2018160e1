"""Amazon Kinesis Video Streams: the control plane and the clients around it.

Every Kinesis Video client is intercepted so that no call leaves the process;
operations without a handler answer ``NotImplemented`` naming the operation.
"""

from __future__ import annotations

import threading

from ...settings import Settings
from ..base import ServiceDefinition


class KinesisVideoBackend:
    """Kinesis Video state of one account and region."""

    def __init__(self, account: str, region: str, settings: Settings) -> None:
        self.account = account
        self.region = region
        self.settings = settings
        self.lock = threading.RLock()

    def advance(self, now: float) -> None:
        return None


def _backend(account: str, region: str, settings: Settings) -> KinesisVideoBackend:
    return KinesisVideoBackend(account, region, settings)


# The data-plane clients share the control plane's state.
KINESIS_VIDEO_SERVICES = tuple(
    ServiceDefinition(name=name, state_name="kinesisvideo", backend_factory=_backend)
    for name in (
        "kinesisvideo",
        "kinesis-video-media",
        "kinesis-video-archived-media",
        "kinesis-video-signaling",
        "kinesis-video-webrtc-storage",
    )
)

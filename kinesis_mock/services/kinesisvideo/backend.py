"""Kinesis Video Streams state for one account and region."""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...protocol.model import partition_for_region
from ...settings import Settings

_ALPHANUMERIC = string.ascii_letters + string.digits


def new_version() -> str:
    """A stream version: changes on every update, compared by CurrentVersion."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(20))


@dataclass(eq=False)
class VideoStream:
    name: str
    arn: str
    created_at: float
    status: str
    version: str
    device_name: str | None = None
    media_type: str | None = None
    kms_key_id: str | None = None
    data_retention_hours: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    storage: dict[str, Any] | None = None

    def info(self) -> dict[str, Any]:
        return {
            "DeviceName": self.device_name,
            "StreamName": self.name,
            "StreamARN": self.arn,
            "MediaType": self.media_type,
            "KmsKeyId": self.kms_key_id,
            "Version": self.version,
            "Status": self.status,
            "CreationTime": self.created_at,
            "DataRetentionInHours": self.data_retention_hours,
        }


class KinesisVideoBackend:
    """Kinesis Video state of one account and region, guarded by ``lock``."""

    def __init__(self, account: str, region: str, settings: Settings) -> None:
        self.account = account
        self.region = region
        self.settings = settings
        self.partition = partition_for_region(region)
        self.lock = threading.RLock()
        self.streams: dict[str, VideoStream] = {}
        self._later: list[tuple[float, Callable[[], None]]] = []

    def advance(self, now: float) -> None:
        due = [action for when, action in self._later if when <= now]
        self._later = [(when, action) for when, action in self._later if when > now]
        for action in due:
            action()

    def later(self, when: float, action: Callable[[], None]) -> None:
        self._later.append((when, action))

    def stream_arn(self, name: str, created_at: float) -> str:
        return (
            f"arn:{self.partition}:kinesisvideo:{self.region}:{self.account}:stream/"
            f"{name}/{int(created_at * 1000)}"
        )


def backend_factory(account: str, region: str, settings: Settings) -> KinesisVideoBackend:
    return KinesisVideoBackend(account, region, settings)

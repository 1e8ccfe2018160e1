"""Kinesis Video rules that several handlers share, with their messages.

The error classes live in ``protocol/errors.py``; ``NotAuthorizedException``
is re-exported here for ``transport/media_urls.py``, which imports it from
this module.
"""

from __future__ import annotations

from ...protocol.errors import (
    NoDataRetentionException,
    NotAuthorizedException,
    VersionMismatchException,
)

__all__ = ["NotAuthorizedException", "check_version", "require_retention"]


def check_version(kind: str, version: str, current: str | None) -> None:
    """``CurrentVersion`` must name the resource's version, when given."""
    if current is not None and current != version:
        raise VersionMismatchException(
            f"The {kind} version {current} does not match the current version {version}."
        )


def require_retention(name: str, retention_hours: int) -> None:
    """Images, notifications, edge recording, WebRTC ingestion and archived
    playback all read media back from the stream, so it must keep some."""
    if retention_hours == 0:
        raise NoDataRetentionException(
            f"The stream {name} keeps no data (DataRetentionInHours is 0)."
        )

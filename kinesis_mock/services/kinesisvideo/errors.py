"""Kinesis Video errors shared by the control-plane handlers."""

from __future__ import annotations

from ...protocol.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 404


class ResourceInUseException(ServiceError):
    code = "ResourceInUseException"


class VersionMismatchException(ServiceError):
    code = "VersionMismatchException"


class TagsPerResourceExceededLimitException(ServiceError):
    code = "TagsPerResourceExceededLimitException"


class NoDataRetentionException(ServiceError):
    code = "NoDataRetentionException"


class NotAuthorizedException(ServiceError):
    code = "NotAuthorizedException"
    status = 401


class AccountChannelLimitExceededException(ServiceError):
    code = "AccountChannelLimitExceededException"


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

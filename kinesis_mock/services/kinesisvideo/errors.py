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


class AccountChannelLimitExceededException(ServiceError):
    code = "AccountChannelLimitExceededException"


def check_version(kind: str, version: str, current: str | None) -> None:
    """``CurrentVersion`` must name the resource's version, when given."""
    if current is not None and current != version:
        raise VersionMismatchException(
            f"The {kind} version {current} does not match the current version {version}."
        )

"""Service errors, one class per AWS error code, for every service mocked.

Handlers raise these; the protocol layer renders them with the status code,
``__type`` and message key the service uses. A code the model declares takes
its HTTP status from the model (Kinesis Video's ``ResourceNotFoundException``
is a 404 because its models say so); the classes only carry a default for a
code a model does not declare.

A message written the same way in several places has one constructor here
(a subclass named for the situation), so its text is written once.

Our exception hierarchy::

    ServiceError
    ├── ValidationException
    ├── SerializationException
    ├── UnknownOperationException
    ├── InternalFailure                          (500)
    ├── NotImplementedOperation                  ("NotImplemented", 501)
    ├── MissingAuthenticationTokenException
    ├── IncompleteSignatureException
    ├── InvalidSignatureException
    ├── InvalidArgumentException
    │   └── ShardNotOpen                         "Shard … has already been merged or split, …"
    ├── ResourceNotFoundException
    │   ├── StreamNotFound                       "Stream … under account … not found."
    │   ├── ShardNotFound                        "Could not find shard … in stream …"
    │   ├── ShardDoesNotExist                    "Shard … in stream … does not exist"
    │   │   Kinesis Video's:
    │   ├── VideoResourceNotFound                "The requested … is not found or not active."
    │   ├── FragmentNotFound                     "The fragment … is not found."
    │   └── NoFragmentsInRange                   "No fragments found in the requested time range."
    ├── ResourceInUseException
    │   └── NotActive                            "… under account … not ACTIVE, instead in state …"
    ├── LimitExceededException
    ├── AccessDeniedException
    │   └── CrossAccountAccessDenied
    ├── ExpiredNextTokenException
    ├── ExpiredIteratorException
    ├── ProvisionedThroughputExceededException
    │   Kinesis Video only:
    ├── VersionMismatchException
    │   └── VersionMismatch                      "The … version … does not match the current …"
    ├── TagsPerResourceExceededLimitException
    ├── NoDataRetentionException
    │   └── NoDataRetention                      "The stream … keeps no data (…)."
    ├── NotAuthorizedException                   (401)
    │   └── SessionTokenInvalid                  "The session token is not valid or has expired."
    ├── AccountChannelLimitExceededException
    └── StreamEdgeConfigurationNotFoundException
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """An error the mocked service answers with."""

    code: ClassVar[str] = "ServiceError"
    status: ClassVar[int] = 400
    # The body key the message travels under when the model does not declare
    # the error; ``None`` means the key the service's modeled errors use.
    message_key: ClassVar[str | None] = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message if message is not None else self.code)
        self.message = message


class ValidationException(ServiceError):
    code = "ValidationException"


class SerializationException(ServiceError):
    code = "SerializationException"
    message_key = "Message"


class UnknownOperationException(ServiceError):
    code = "UnknownOperationException"


class InternalFailure(ServiceError):
    code = "InternalFailure"
    status = 500


class NotImplementedOperation(ServiceError):
    """A model operation kinesis-mock does not implement yet."""

    code = "NotImplemented"
    status = 501


class MissingAuthenticationTokenException(ServiceError):
    code = "MissingAuthenticationTokenException"


class IncompleteSignatureException(ServiceError):
    code = "IncompleteSignatureException"


class InvalidSignatureException(ServiceError):
    code = "InvalidSignatureException"


class InvalidArgumentException(ServiceError):
    code = "InvalidArgumentException"


class ShardNotOpen(InvalidArgumentException):
    """A shard already merged or split: the service answers InvalidArgument
    (not ResourceInUse) to a split or merge that names it."""

    def __init__(self, shard_id: str, stream: str, account: str) -> None:
        super().__init__(
            f"Shard {shard_id} in stream {stream} under account {account} "
            "has already been merged or split, and thus is not eligible for merging or splitting."
        )


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"


class StreamNotFound(ResourceNotFoundException):
    """A Kinesis stream that does not exist (or no longer can be read)."""

    def __init__(self, name: str, account: str) -> None:
        super().__init__(f"Stream {name} under account {account} not found.")


class ShardNotFound(ResourceNotFoundException):
    """A shard a control-plane request names (a reshard, or a shard id that
    cannot be read) that the stream does not have."""

    def __init__(self, shard_id: str, stream: str, account: str) -> None:
        super().__init__(
            f"Could not find shard {shard_id} in stream {stream} under account {account}."
        )


class ShardDoesNotExist(ResourceNotFoundException):
    """A shard a read names (GetShardIterator, GetRecords, SubscribeToShard)
    that the stream does not have, or a stream that cannot be read."""

    def __init__(self, shard_id: str, stream: str, account: str) -> None:
        super().__init__(
            f"Shard {shard_id} in stream {stream} under account {account} does not exist"
        )


class ResourceInUseException(ServiceError):
    code = "ResourceInUseException"


class NotActive(ResourceInUseException):
    """A Kinesis resource (``kind``: Stream, Channel, Queue) that must be
    ACTIVE for the change asked."""

    def __init__(self, kind: str, name: str, account: str, status: str) -> None:
        super().__init__(
            f"{kind} {name} under account {account} not ACTIVE, instead in state {status}"
        )


class LimitExceededException(ServiceError):
    code = "LimitExceededException"


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


class ExpiredNextTokenException(ServiceError):
    code = "ExpiredNextTokenException"


class ExpiredIteratorException(ServiceError):
    code = "ExpiredIteratorException"


class ProvisionedThroughputExceededException(ServiceError):
    code = "ProvisionedThroughputExceededException"


class CrossAccountAccessDenied(AccessDeniedException):
    """A resource of another account that no resource policy opens to the caller.

    The message names the caller and the action, which only the request
    pipeline knows; it fills them in.
    """

    def __init__(self, resource_arn: str) -> None:
        super().__init__(None)
        self.resource_arn = resource_arn


# Kinesis Video's codes (the statuses come from its models).


class VersionMismatchException(ServiceError):
    code = "VersionMismatchException"


class TagsPerResourceExceededLimitException(ServiceError):
    code = "TagsPerResourceExceededLimitException"


class NoDataRetentionException(ServiceError):
    code = "NoDataRetentionException"


class NotAuthorizedException(ServiceError):
    # kinesis-video-webrtc-storage does not declare the code; 401 as the
    # other Kinesis Video models do.
    code = "NotAuthorizedException"
    status = 401


class AccountChannelLimitExceededException(ServiceError):
    code = "AccountChannelLimitExceededException"


class StreamEdgeConfigurationNotFoundException(ServiceError):
    code = "StreamEdgeConfigurationNotFoundException"


class VersionMismatch(VersionMismatchException):
    """A ``CurrentVersion`` that is not the stream's or channel's (``kind``)."""

    def __init__(self, kind: str, current: str, version: str) -> None:
        super().__init__(
            f"The {kind} version {current} does not match the current version {version}."
        )


class NoDataRetention(NoDataRetentionException):
    """A stream that keeps no media, asked for something that reads it back."""

    def __init__(self, name: str) -> None:
        super().__init__(f"The stream {name} keeps no data (DataRetentionInHours is 0).")


class SessionTokenInvalid(NotAuthorizedException):
    """An HLS or DASH session token that names no live session: made up,
    expired, or used on the other protocol's paths."""

    def __init__(self) -> None:
        super().__init__("The session token is not valid or has expired.")


class VideoResourceNotFound(ResourceNotFoundException):
    """A Kinesis Video stream or signaling channel (``kind``) that is not there."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"The requested {kind} is not found or not active.")


class FragmentNotFound(ResourceNotFoundException):
    """A Kinesis Video fragment number a stream does not (or no longer) hold."""

    def __init__(self, number: str) -> None:
        super().__init__(f"The fragment {number} is not found.")


class NoFragmentsInRange(ResourceNotFoundException):
    """A Kinesis Video read (a clip, a playback session) that selects no media."""

    def __init__(self) -> None:
        super().__init__("No fragments found in the requested time range.")

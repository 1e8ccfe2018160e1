"""IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod."""

from __future__ import annotations

from ... import clock
from ...protocol.errors import InvalidArgumentException
from ..base import Params
from .backend import KinesisBackend, active_stream
from .service import KINESIS

MIN_RETENTION_HOURS = 24
MAX_RETENTION_HOURS = 8760


def _check_bounds(hours: int) -> None:
    if hours < MIN_RETENTION_HOURS:
        raise InvalidArgumentException(
            f"Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. "
            f"Requested retention period ({hours} hours) is too short."
        )
    if hours > MAX_RETENTION_HOURS:
        raise InvalidArgumentException(
            f"Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. "
            f"Requested retention period ({hours} hours) is too long."
        )


@KINESIS.operation("IncreaseStreamRetentionPeriod")
def increase_stream_retention_period(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    hours: int = req["RetentionPeriodHours"]
    _check_bounds(hours)
    if hours < stream.retention_hours:
        raise InvalidArgumentException(
            f"Requested retention period ({hours} hours) for stream {stream.name} can not be "
            f"shorter than existing retention period ({stream.retention_hours} hours). "
            "Use DecreaseRetentionPeriod API."
        )
    stream.retention_hours = hours


@KINESIS.operation("DecreaseStreamRetentionPeriod")
def decrease_stream_retention_period(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    hours: int = req["RetentionPeriodHours"]
    _check_bounds(hours)
    if hours > stream.retention_hours:
        raise InvalidArgumentException(
            f"Requested retention period ({hours} hours) for stream {stream.name} can not be "
            f"longer than existing retention period ({stream.retention_hours} hours). "
            "Use IncreaseRetentionPeriod API."
        )
    stream.retention_hours = hours
    # A decrease takes effect at once: the records now too old are gone.
    now = clock.now()
    for shard in stream.shards:
        stream.trim_expired(shard, now)

"""Stream and account settings: encryption, enhanced monitoring, capacity mode,
record size and distribution, warm throughput, limits and account settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
)
from ..base import Params
from .backend import (
    AUTO,
    MODE_CHANGES_PER_DAY,
    ON_DEMAND,
    PROVISIONED,
    UPDATING,
    KinesisBackend,
    Stream,
    active_stream,
    changes_in_window,
)
from .service import KINESIS

# The shard-level metrics, in the order the service lists them (as recorded
# from EnableEnhancedMonitoring with ALL); ALL means all seven.
SHARD_LEVEL_METRICS = (
    "IncomingBytes",
    "OutgoingRecords",
    "IteratorAgeMilliseconds",
    "IncomingRecords",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
    "OutgoingBytes",
)


def _start_update(backend: KinesisBackend, stream: Stream) -> None:
    """An asynchronous change: UPDATING for the configured delay, then ACTIVE."""
    backend.transition(stream, UPDATING, backend.settings.stream_update_delay)


# -- encryption ------------------------------------------------------------------


@KINESIS.operation("StartStreamEncryption")
def start_stream_encryption(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    if req["EncryptionType"] != "KMS":
        raise InvalidArgumentException(
            f"Invalid EncryptionType {req['EncryptionType']} for StartStreamEncryption: "
            "only KMS is supported."
        )
    _set_encryption(stream, "KMS", req["KeyId"])
    _start_update(backend, stream)


@KINESIS.operation("StopStreamEncryption")
def stop_stream_encryption(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    if req["EncryptionType"] != "KMS":
        raise InvalidArgumentException(
            f"Invalid EncryptionType {req['EncryptionType']} for StopStreamEncryption: "
            "only KMS is supported."
        )
    _set_encryption(stream, "NONE", None)
    _start_update(backend, stream)


def _set_encryption(stream: Stream, encryption_type: str, key_id: str | None) -> None:
    stream.encryption_type = encryption_type
    stream.key_id = key_id
    for shard in stream.shards:
        shard.log.set_encryption(encryption_type)


# -- enhanced monitoring ----------------------------------------------------------


def _metrics(requested: list[str]) -> set[str]:
    return set(SHARD_LEVEL_METRICS) if "ALL" in requested else set(requested)


def _monitoring_result(stream: Stream, current: list[str]) -> dict[str, Any]:
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "CurrentShardLevelMetrics": current,
        "DesiredShardLevelMetrics": list(stream.shard_level_metrics),
    }


def _in_order(metrics: set[str]) -> list[str]:
    return [metric for metric in SHARD_LEVEL_METRICS if metric in metrics]


@KINESIS.operation("EnableEnhancedMonitoring")
def enable_enhanced_monitoring(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = active_stream(backend, req)
    current = list(stream.shard_level_metrics)
    stream.shard_level_metrics = _in_order(set(current) | _metrics(req["ShardLevelMetrics"]))
    return _monitoring_result(stream, current)


@KINESIS.operation("DisableEnhancedMonitoring")
def disable_enhanced_monitoring(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = active_stream(backend, req)
    current = list(stream.shard_level_metrics)
    stream.shard_level_metrics = _in_order(set(current) - _metrics(req["ShardLevelMetrics"]))
    return _monitoring_result(stream, current)


# -- capacity mode, record size and distribution, warm throughput -------------------


@KINESIS.operation("UpdateStreamMode")
def update_stream_mode(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    mode = req["StreamModeDetails"]["StreamMode"]
    if mode == stream.mode:
        raise InvalidArgumentException(
            f"Stream {stream.name} under account {stream.account} is already in {mode} mode."
        )
    if mode == PROVISIONED and stream.record_distribution_strategy == AUTO:
        raise InvalidArgumentException(
            "A stream with RecordDistributionStrategy AUTO cannot move to PROVISIONED mode."
        )
    now = clock.now()
    recent = changes_in_window(
        stream.mode_changes,
        now,
        MODE_CHANGES_PER_DAY,
        f"Stream {stream.name} under account {stream.account} has already switched "
        f"capacity mode {MODE_CHANGES_PER_DAY} times in the last 24 hours.",
    )
    stream.mode_changes = [*recent, now]
    stream.mode = mode
    if mode == ON_DEMAND and "WarmThroughputMiBps" in req:
        stream.warm_throughput_mibps = req["WarmThroughputMiBps"]
    if mode == PROVISIONED:
        stream.warm_throughput_mibps = None
    _start_update(backend, stream)


@KINESIS.operation("UpdateMaxRecordSize")
def update_max_record_size(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    stream.max_record_size_kib = req["MaxRecordSizeInKiB"]


@KINESIS.operation("UpdateStreamRecordDistributionStrategy")
def update_stream_record_distribution_strategy(backend: KinesisBackend, req: Params) -> None:
    stream = active_stream(backend, req)
    strategy = req["RecordDistributionStrategy"]
    if strategy == AUTO and stream.mode != ON_DEMAND:
        raise InvalidArgumentException(
            "RecordDistributionStrategy AUTO is only supported for streams in ON_DEMAND mode."
        )
    stream.record_distribution_strategy = strategy


@KINESIS.operation("UpdateStreamWarmThroughput")
def update_stream_warm_throughput(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = active_stream(backend, req)
    if stream.mode != ON_DEMAND:
        raise InvalidArgumentException(
            "Warm throughput can only be set on streams in ON_DEMAND mode."
        )
    if backend.minimum_throughput_commitment.get("Status") == "DISABLED":
        raise InvalidArgumentException(
            "Warm throughput requires MinimumThroughputBillingCommitment to be enabled "
            "for the account."
        )
    stream.warm_throughput_mibps = req["WarmThroughputMiBps"]
    return {
        "StreamARN": stream.arn,
        "StreamName": stream.name,
        "WarmThroughput": stream.warm_throughput(),
    }


# -- limits and account settings ------------------------------------------------------


@KINESIS.operation("DescribeLimits")
def describe_limits(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    streams = backend.streams.values()
    return {
        "ShardLimit": backend.settings.shard_limit_for(backend.region),
        "OpenShardCount": backend.provisioned_open_shards(),
        "OnDemandStreamCount": sum(1 for stream in streams if stream.mode == ON_DEMAND),
        "OnDemandStreamCountLimit": backend.settings.on_demand_stream_limit,
    }


@KINESIS.operation("DescribeAccountSettings")
def describe_account_settings(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    return {"MinimumThroughputBillingCommitment": dict(backend.minimum_throughput_commitment)}


@KINESIS.operation("UpdateAccountSettings")
def update_account_settings(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    status = req["MinimumThroughputBillingCommitment"]["Status"]
    commitment = backend.minimum_throughput_commitment
    now: datetime = clock.now_datetime()
    if status == "ENABLED" and commitment.get("Status") != "ENABLED":
        commitment.clear()
        commitment.update({"Status": "ENABLED", "StartedAt": now})
    elif status == "DISABLED" and commitment.get("Status") == "ENABLED":
        commitment.update({"Status": "DISABLED", "EndedAt": now})
    return {"MinimumThroughputBillingCommitment": dict(commitment)}

"""ListShards: pages of a stream's shards, with every ShardFilter type."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ... import clock
from ...protocol.errors import (
    InvalidArgumentException,
    StreamNotFound,
)
from ..base import Params
from ..paging import issue_token, open_token
from .backend import KinesisBackend, Shard, Stream
from .service import KINESIS

PAGE_LIMIT = 1000
# Members a NextToken already stands for, in the order the service checks them.
_TOKEN_CONFLICTS = (
    "StreamName",
    "StreamARN",
    "ExclusiveStartShardId",
    "ShardFilter",
    "StreamCreationTimestamp",
)


@KINESIS.operation("ListShards")
def list_shards(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    token: str | None = req.get("NextToken")
    now = clock.now()
    after: str | None
    if token is not None:
        for member in _TOKEN_CONFLICTS:
            if member in req:
                raise InvalidArgumentException(
                    f"NextToken and {member} cannot be provided together."
                )
        stream, shard_filter, after = _open_token(backend, token)
    else:
        if "StreamName" not in req and "StreamARN" not in req:
            raise InvalidArgumentException("Either NextToken or StreamName should be provided.")
        stream = backend.find_stream(req)
        created: datetime | None = req.get("StreamCreationTimestamp")
        if created is not None and int(created.timestamp()) != int(stream.created_at):
            raise StreamNotFound(stream.name, stream.account)
        shard_filter = _checked_filter(req.get("ShardFilter"))
        after = req.get("ExclusiveStartShardId")
    shards = _filtered(stream, shard_filter, now)
    if after is not None:
        shards = [shard for shard in shards if shard.shard_id > after]
    limit = min(req.get("MaxResults", PAGE_LIMIT), PAGE_LIMIT)
    page = shards[:limit]
    result: dict[str, Any] = {"Shards": [shard.describe() for shard in page]}
    if len(shards) > limit:
        result["NextToken"] = issue_token(
            _scope(backend),
            {
                "stream": stream.name,
                "id": stream.stream_id,
                "filter": shard_filter,
                "after": page[-1].shard_id,
            },
        )
    return result


def _scope(backend: KinesisBackend) -> str:
    return f"ListShards:{backend.account}:{backend.region}"


def _open_token(backend: KinesisBackend, token: str) -> tuple[Stream, dict[str, Any] | None, str]:
    state = open_token(token, _scope(backend))
    name = str(state["stream"])
    stream = backend.streams.get(name)
    if stream is None or stream.stream_id != state["id"]:
        raise StreamNotFound(name, backend.account)
    return stream, state["filter"], str(state["after"])


def _checked_filter(shard_filter: dict[str, Any] | None) -> dict[str, Any] | None:
    """The filter as the token stores it (timestamps as epoch seconds)."""
    if shard_filter is None:
        return None
    kind = shard_filter["Type"]
    if kind == "AFTER_SHARD_ID" and "ShardId" not in shard_filter:
        raise InvalidArgumentException(
            "ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID"
        )
    if kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP") and "Timestamp" not in shard_filter:
        raise InvalidArgumentException(
            "Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or "
            "AT_TIMESTAMP"
        )
    stored: dict[str, Any] = {"Type": kind}
    if kind == "AFTER_SHARD_ID":
        stored["ShardId"] = shard_filter["ShardId"]
    if "Timestamp" in shard_filter and kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP"):
        stored["Timestamp"] = shard_filter["Timestamp"].timestamp()
    return stored


def _open_at(shard: Shard, moment: float) -> bool:
    return shard.created_at <= moment and (shard.closed_at is None or shard.closed_at >= moment)


def _filtered(stream: Stream, shard_filter: dict[str, Any] | None, now: float) -> list[Shard]:
    """The shards a filter selects, in shard order (FROM_TRIM_HORIZON when none)."""
    shards = stream.visible_shards(now)
    kind = shard_filter["Type"] if shard_filter else "FROM_TRIM_HORIZON"
    # The oldest moment whose records are still kept.
    horizon = max(now - stream.retention_hours * 3600, stream.created_at)
    if kind == "AFTER_SHARD_ID":
        assert shard_filter is not None
        return [shard for shard in shards if shard.shard_id > shard_filter["ShardId"]]
    if kind == "AT_LATEST":
        return [shard for shard in shards if shard.is_open]
    if kind == "AT_TRIM_HORIZON":
        return [shard for shard in shards if _open_at(shard, horizon)]
    if kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP"):
        assert shard_filter is not None
        moment = max(float(shard_filter["Timestamp"]), horizon)
        if kind == "AT_TIMESTAMP":
            return [shard for shard in shards if _open_at(shard, moment)]
        return [shard for shard in shards if shard.closed_at is None or shard.closed_at >= moment]
    return shards

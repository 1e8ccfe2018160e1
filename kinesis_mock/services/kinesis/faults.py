"""What a Kinesis call is about, and the service's texts for the errors a
test arranges on it (``km.faults``), so an arranged error reads like one the
service sends.

The texts were seen from the service (public issue threads quoting them):
PutRecord/PutRecords throttling "Rate exceeded for shard shardId-… in stream …
under account ….", GetRecords throttling "Rate exceeded for Shard -
<account>/<stream>/<shard>" (the form since about 2021; older answers used
the write form), control-plane limits "Rate exceeded for stream … under
account …." and, for calls about no stream, "Rate exceeded for account …."
(botocore#821, kinsumer#42, risingwave#7453, amazon-kinesis-client#1521,
graylog-plugin-integrations#341).
"""

from __future__ import annotations

from typing import Any

from ... import clock
from ...protocol.errors import StreamNotFound
from ..base import FaultTarget, Params, stream_name_in
from .backend import AUTO, KinesisBackend, shard_id_for, shard_index_from_id
from .iterators import ITERATOR_LIFETIME_MS, expired_iterator, open_iterator

# PutRecordsResultEntry.ErrorMessage for an entry the service failed internally.
INTERNAL_ENTRY_FAILURE = "Internal service failure."


def write_throttled(shard_id: str, stream: str, account: str) -> str:
    """The service's text for a write over a shard's limits."""
    return f"Rate exceeded for shard {shard_id} in stream {stream} under account {account}."


def read_throttled(shard_id: str, stream: str, account: str) -> str:
    """The service's text for a GetRecords over a shard's limits."""
    return f"Rate exceeded for Shard - {account}/{stream}/{shard_id}"


def fault_target(backend: KinesisBackend, operation: str, params: Params) -> FaultTarget:
    """The stream, shard and consumer a call is about, as far as its
    parameters tell (never raising: a call the service refuses still meets
    the faults arranged for it)."""
    name = stream_name_in(params)
    shard = params.get("ShardId") or params.get("ShardToSplit") or params.get("ShardToMerge")
    consumer = params.get("ConsumerName")
    consumer_arn = params.get("ConsumerARN")
    if consumer is None and isinstance(consumer_arn, str) and "/consumer/" in consumer_arn:
        consumer = consumer_arn.partition("/consumer/")[2].partition(":")[0]
    iterator = params.get("ShardIterator")
    if isinstance(iterator, str):
        position = open_iterator(iterator)
        if position is not None:
            name, shard = position.stream_name, position.shard_id
    if isinstance(shard, str):
        index = shard_index_from_id(shard)
        shard = shard_id_for(index) if index is not None else shard
    stream = backend.streams.get(name) if isinstance(name, str) else None
    if stream is not None and shard is None and operation == "PutRecord":
        shard = _put_record_shard(stream, params)
    return FaultTarget(
        stream=name if isinstance(name, str) else None,
        shard=shard if isinstance(shard, str) else None,
        consumer=consumer if isinstance(consumer, str) else None,
        encrypted=stream is not None and stream.encryption_type == "KMS",
    )


def _put_record_shard(stream: Any, params: Params) -> str | None:
    key = params.get("PartitionKey")
    if stream.record_distribution_strategy == AUTO or not isinstance(key, str):
        return None  # AUTO's shard is chosen when the record is stored
    hash_key = params.get("ExplicitHashKey")
    try:
        if isinstance(hash_key, str):
            return str(stream.shard_for_hash_key(int(hash_key)).shard_id)
        return str(stream.shard_for_partition_key(key).shard_id)
    except (ValueError, LookupError):
        return None


def fault_message(
    backend: KinesisBackend, operation: str, code: str, target: FaultTarget
) -> str | None:
    """The service's text for ``code`` answered to this call, where known."""
    account, stream, shard = backend.account, target.stream, target.shard
    if code == "ProvisionedThroughputExceededException" and stream and shard:
        if operation == "GetRecords":
            return read_throttled(shard, stream, account)
        return write_throttled(shard, stream, account)
    if code in ("LimitExceededException", "ProvisionedThroughputExceededException"):
        if stream:
            return f"Rate exceeded for stream {stream} under account {account}."
        return f"Rate exceeded for account {account}."
    if code == "ResourceNotFoundException" and stream:
        return StreamNotFound(stream, account).message
    if code == "ExpiredIteratorException":
        now_ms = int(clock.now() * 1000)
        return expired_iterator(now_ms - ITERATOR_LIFETIME_MS - 1, now_ms).message
    return None

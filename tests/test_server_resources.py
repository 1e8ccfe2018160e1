"""What the server holds: no thread for a waiting subscriber."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from test_server import client_for, signed_headers

from kinesis_mock import server


class _Subscription:
    """A SubscribeToShard event stream read over raw HTTP, message by message."""

    def __init__(self, response: Any) -> None:
        from botocore.eventstream import EventStreamBuffer

        self._chunks: Iterator[bytes] = response.iter_bytes()
        self._buffer = EventStreamBuffer()

    def next_message(self) -> Any:
        """The next message, or None once the stream has ended."""
        for message in self._buffer:
            return message
        for chunk in self._chunks:
            self._buffer.add_data(chunk)
            for message in self._buffer:
                return message
        return None


# -- waiting subscribers hold no thread ----------------------------------------


def test_waiting_subscribers_leave_other_calls_answering() -> None:
    import httpx

    consumers, shards = 10, 3
    handle = server.start(port=0, subscription_wait_seconds=5)
    client = client_for(handle)
    client.create_stream(StreamName="s", ShardCount=shards)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    arns = [
        client.register_stream_consumer(StreamARN=arn, ConsumerName=f"c{n}")["Consumer"][
            "ConsumerARN"
        ]
        for n in range(consumers)
    ]
    url = handle.endpoint_url + "/"
    subscriptions: list[_Subscription] = []
    with httpx.Client(timeout=10) as http, ExitStack() as open_streams:
        try:
            for consumer in arns:
                for shard in range(shards):
                    body = json.dumps(
                        {
                            "ConsumerARN": consumer,
                            "ShardId": f"shardId-{shard:012d}",
                            "StartingPosition": {"Type": "LATEST"},
                        }
                    ).encode()
                    headers = signed_headers(url, "SubscribeToShard", body)
                    response = open_streams.enter_context(
                        http.stream("POST", url, content=body, headers=headers)
                    )
                    subscription = _Subscription(response)
                    # The initial response and a first (caught-up) event: now it waits.
                    assert subscription.next_message().headers[":event-type"] == (
                        "initial-response"
                    )
                    assert subscription.next_message().headers[":event-type"] == (
                        "SubscribeToShardEvent"
                    )
                    subscriptions.append(subscription)
            # 30 subscribers wait for records; other calls still answer at once
            # (they used to queue behind the waiting streams for seconds).
            started = time.monotonic()
            assert client.list_streams()["StreamNames"] == ["s"]
            client.put_record(StreamName="s", Data=b"x", PartitionKey="k", ExplicitHashKey="0")
            assert time.monotonic() - started < 1.0
            # A waiting subscriber of the shard gets the record.
            event = json.loads(subscriptions[0].next_message().payload)
            assert [record["PartitionKey"] for record in event["Records"]] == ["k"]
        finally:
            # Stopping ends the open streams at once (no grace period to sit out).
            started = time.monotonic()
            handle.stop()
            assert time.monotonic() - started < 2.0
        assert subscriptions[1].next_message() is None


def test_a_subscription_waits_real_seconds_under_a_frozen_clock() -> None:
    from freezegun import freeze_time

    with server.start(port=0, subscription_wait_seconds=0.2) as handle:
        client = client_for(handle)
        client.create_stream(StreamName="s", ShardCount=1)
        arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"][
            "StreamARN"
        ]
        consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="c")
        with freeze_time("2026-01-01"):
            response = client.subscribe_to_shard(
                ConsumerARN=consumer["Consumer"]["ConsumerARN"],
                ShardId="shardId-000000000000",
                StartingPosition={"Type": "LATEST"},
            )
            # One caught-up event, then the stream ends after 0.2 real seconds.
            assert len(list(response["EventStream"])) == 1

"""asyncio libraries on top of aiobotocore, answered in process.

Runs in CI's second environment (aioboto3, async-kinesis, pytest-asyncio and
the aiobotocore/botocore they pin; see README, "Developing"); skipped where
they are not installed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kinesis_mock import mock_kinesis

aioboto3 = pytest.importorskip("aioboto3")
pytest.importorskip("pytest_asyncio")


@pytest.mark.asyncio
async def test_aioboto3_round_trip_under_async_with(no_network: list[str]) -> None:
    async with mock_kinesis() as km:
        session = aioboto3.Session()
        async with session.client("kinesis", region_name="us-east-1") as kinesis:
            await kinesis.create_stream(StreamName="s", ShardCount=2)
            for i in range(10):
                await kinesis.put_record(StreamName="s", Data=f"{i}".encode(), PartitionKey=f"{i}")
            listed = await kinesis.list_shards(StreamName="s")
        assert len(listed["Shards"]) == 2
        assert sorted(int(r.data) for r in km.records("s")) == list(range(10))
    assert no_network == []


@mock_kinesis(subscription_wait_seconds=5)
@pytest.mark.asyncio
async def test_a_waiting_subscription_does_not_block_the_event_loop() -> None:
    # The subscription waits for records; a put from another task of the same
    # loop must reach it (were the loop blocked, the put would come only after
    # the wait ended and the stream closed empty).
    session = aioboto3.Session()
    async with session.client("kinesis", region_name="us-east-1") as kinesis:
        await kinesis.create_stream(StreamName="s", ShardCount=1)
        arn = (await kinesis.describe_stream_summary(StreamName="s"))["StreamDescriptionSummary"][
            "StreamARN"
        ]
        consumer = (await kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c"))[
            "Consumer"
        ]["ConsumerARN"]
        response = await kinesis.subscribe_to_shard(
            ConsumerARN=consumer,
            ShardId="shardId-000000000000",
            StartingPosition={"Type": "LATEST"},
        )

        async def produce() -> None:
            await asyncio.sleep(0.2)
            await kinesis.put_record(StreamName="s", Data=b"live", PartitionKey="k")

        producer = asyncio.create_task(produce())
        async for event in response["EventStream"]:
            records = event["SubscribeToShardEvent"]["Records"]
            if records:
                assert [r["Data"] for r in records] == [b"live"]
                break
        else:
            raise AssertionError("the subscription ended without the live record")
        await producer


@pytest.mark.asyncio
async def test_async_kinesis_producer_and_consumer_move_500_records(
    kinesis_mock: Any, no_network: list[str]
) -> None:
    from kinesis import Consumer, Producer

    session = aioboto3.Session()
    async with session.client("kinesis", region_name="us-east-1") as kinesis:
        await kinesis.create_stream(StreamName="events", ShardCount=2)
    sent = [{"key": f"k{i % 7}", "n": i} for i in range(500)]
    async with Producer(stream_name="events", region_name="us-east-1") as producer:
        for item in sent:
            await producer.put(item, partition_key=item["key"])
        await producer.flush()
    received: list[dict[str, Any]] = []
    async with Consumer(
        stream_name="events", region_name="us-east-1", sleep_time_no_records=0.05
    ) as consumer:
        async for item in consumer:
            received.append(item)
            if len(received) == len(sent):
                break
    # Each record once, in order per partition key.
    assert sorted(r["n"] for r in received) == list(range(500))
    for key in {item["key"] for item in sent}:
        assert [r["n"] for r in received if r["key"] == key] == [
            s["n"] for s in sent if s["key"] == key
        ]
    assert no_network == []


@pytest.mark.asyncio
async def test_async_kinesis_consumer_reads_through_a_resharding(
    kinesis_mock: Any, no_network: list[str]
) -> None:
    from kinesis import Consumer, Producer

    session = aioboto3.Session()
    first = [{"key": f"k{i % 5}", "n": i} for i in range(250)]
    second = [{"key": f"k{i % 5}", "n": i} for i in range(250, 500)]
    received: list[dict[str, Any]] = []
    async with session.client("kinesis", region_name="us-east-1") as kinesis:
        await kinesis.create_stream(StreamName="events", ShardCount=2)
        async with Producer(stream_name="events", region_name="us-east-1") as producer:
            for item in first:
                await producer.put(item, partition_key=item["key"])
        async with Consumer(
            stream_name="events", region_name="us-east-1", sleep_time_no_records=0.05
        ) as consumer:
            # async-kinesis looks for new shards every 60 s of real time; the
            # test has it look on every fetch instead of waiting a minute.
            consumer._shard_refresh_interval = 0
            async for item in consumer:
                received.append(item)
                if len(received) == 100:
                    break
            # Mid-read: the two shards close and four children take over.
            await kinesis.update_shard_count(
                StreamName="events", TargetShardCount=4, ScalingType="UNIFORM_SCALING"
            )
            async with Producer(stream_name="events", region_name="us-east-1") as producer:
                for item in second:
                    await producer.put(item, partition_key=item["key"])
            async for item in consumer:
                received.append(item)
                if len(received) == 500:
                    break
    assert sorted(r["n"] for r in received) == list(range(500))
    for key in {item["key"] for item in first}:
        assert [r["n"] for r in received if r["key"] == key] == [
            s["n"] for s in first + second if s["key"] == key
        ]
    assert no_network == []


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
@mock_kinesis
async def test_under_anyio_with_the_decorator_on_an_async_test() -> None:
    session = aioboto3.Session()
    async with session.client("kinesis", region_name="us-east-1") as kinesis:
        await kinesis.create_stream(StreamName="s", ShardCount=1)
        assert (await kinesis.list_streams())["StreamNames"] == ["s"]

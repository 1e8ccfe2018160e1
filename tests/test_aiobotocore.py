"""aiobotocore clients never leave the process under the mock.

aiobotocore pins botocore, so this module runs in CI's second environment
(aiobotocore with the botocore it pins; see README, "Development") and is
skipped where aiobotocore is not installed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kinesis_mock import mock_kinesis
from kinesis_mock.transport.botocore_hook import before_send

aiobotocore_session = pytest.importorskip("aiobotocore.session")


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def _made_before_import(service: str, **config: Any) -> Any:
    """A client as it is when created before kinesis_mock was imported:
    without our before-send handler, so only aiobotocore's send path is left."""
    session = aiobotocore_session.get_session()
    context = session.create_client(service, region_name="us-east-1", **config)
    client = await context.__aenter__()
    client.meta.events.unregister("before-send", before_send)
    return context, client


def test_a_client_made_before_import_is_answered(no_network: list[str]) -> None:
    async def scenario() -> list[str]:
        context, client = await _made_before_import(
            "kinesis", aws_access_key_id="AKIAREAL", aws_secret_access_key="real"
        )
        try:
            await client.create_stream(StreamName="async", ShardCount=1)
            await client.put_record(StreamName="async", Data=b"x", PartitionKey="k")
            with pytest.raises(client.exceptions.ResourceNotFoundException):
                await client.describe_stream(StreamName="missing")
            names: list[str] = (await client.list_streams())["StreamNames"]
            return names
        finally:
            await context.__aexit__(None, None, None)

    with mock_kinesis() as km:
        assert _run(scenario()) == ["async"]
        assert [r.data for r in km.records("async")] == [b"x"]
    assert no_network == []


def test_an_unsigned_kinesis_video_client_made_before_import_is_answered(
    no_network: list[str],
) -> None:
    from botocore import UNSIGNED
    from botocore.config import Config

    async def scenario() -> list[str]:
        context, client = await _made_before_import(
            "kinesisvideo", config=Config(signature_version=UNSIGNED)
        )
        try:
            await client.create_stream(StreamName="cam")
            listed = await client.list_streams()
            return [s["StreamName"] for s in listed["StreamInfoList"]]
        finally:
            await context.__aexit__(None, None, None)

    with mock_kinesis():
        assert _run(scenario()) == ["cam"]
    assert no_network == []


async def _client(service: str) -> tuple[Any, Any]:
    session = aiobotocore_session.get_session()
    context = session.create_client(service, region_name="us-east-1")
    return context, await context.__aenter__()


def test_a_client_made_under_the_mock_round_trips(no_network: list[str]) -> None:
    # The before-send handler's answer is one botocore reads and aiobotocore
    # awaits (it used to fail with "object bytes can't be used in 'await'").
    async def scenario() -> list[bytes]:
        context, kinesis = await _client("kinesis")
        try:
            await kinesis.create_stream(StreamName="s", ShardCount=1)
            await kinesis.put_records(
                StreamName="s",
                Records=[{"Data": f"r{i}".encode(), "PartitionKey": "k"} for i in range(3)],
            )
            with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
                await kinesis.describe_stream(StreamName="missing")
            iterator = (
                await kinesis.get_shard_iterator(
                    StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
                )
            )["ShardIterator"]
            records = (await kinesis.get_records(ShardIterator=iterator))["Records"]
            return [r["Data"] for r in records]
        finally:
            await context.__aexit__(None, None, None)

    with mock_kinesis() as km:
        assert _run(scenario()) == [b"r0", b"r1", b"r2"]
        assert len(km.records("s")) == 3
    assert no_network == []


def test_subscribe_to_shard_is_an_async_event_stream(no_network: list[str]) -> None:
    async def scenario() -> list[bytes]:
        context, kinesis = await _client("kinesis")
        try:
            await kinesis.create_stream(StreamName="s", ShardCount=1)
            arn = (await kinesis.describe_stream_summary(StreamName="s"))[
                "StreamDescriptionSummary"
            ]["StreamARN"]
            consumer = (await kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c"))[
                "Consumer"
            ]["ConsumerARN"]
            await kinesis.put_record(StreamName="s", Data=b"pushed", PartitionKey="k")
            response = await kinesis.subscribe_to_shard(
                ConsumerARN=consumer,
                ShardId="shardId-000000000000",
                StartingPosition={"Type": "TRIM_HORIZON"},
            )
            seen: list[bytes] = []
            async for event in response["EventStream"]:
                seen += [r["Data"] for r in event["SubscribeToShardEvent"]["Records"]]
            return seen
        finally:
            await context.__aexit__(None, None, None)

    with mock_kinesis():
        assert _run(scenario()) == [b"pushed"]
    assert no_network == []


def test_get_media_and_get_clip_stream_their_payloads(no_network: list[str]) -> None:
    async def scenario(km: Any) -> bytes:
        context, video = await _client("kinesisvideo")
        try:
            await video.create_stream(StreamName="cam", DataRetentionInHours=1)
            km.put_media("cam", b"\x1a\x45\xdf\xa3" + b"\x00" * 70_000)
            endpoint = (await video.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA"))[
                "DataEndpoint"
            ]
        finally:
            await context.__aexit__(None, None, None)
        session = aiobotocore_session.get_session()
        async with session.create_client(
            "kinesis-video-media", region_name="us-east-1", endpoint_url=endpoint
        ) as media:
            response = await media.get_media(
                StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
            )
            payload: bytes = await response["Payload"].read()
        async with session.create_client(
            "kinesis-video-archived-media", region_name="us-east-1", endpoint_url=endpoint
        ) as archived:
            now = datetime.now(timezone.utc)
            clip = await archived.get_clip(
                StreamName="cam",
                ClipFragmentSelector={
                    "FragmentSelectorType": "SERVER_TIMESTAMP",
                    "TimestampRange": {
                        "StartTimestamp": now - timedelta(minutes=1),
                        "EndTimestamp": now + timedelta(minutes=1),
                    },
                },
            )
            assert await clip["Payload"].read() == payload
            return payload

    with mock_kinesis() as km:
        assert _run(scenario(km)) == b"\x1a\x45\xdf\xa3" + b"\x00" * 70_000
    assert no_network == []

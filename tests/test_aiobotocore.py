"""aiobotocore clients never leave the process under the mock.

aiobotocore pins botocore, so this module runs in CI's second environment
(aiobotocore with the botocore it pins; see README, "Development") and is
skipped where aiobotocore is not installed.
"""

from __future__ import annotations

import asyncio
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

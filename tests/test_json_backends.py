"""Bodies are the same JSON with or without the optional orjson accelerator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from helpers import REGION, signed_request

from kinesis_mock.protocol import jsonlib


@pytest.fixture(params=["orjson", "stdlib"])
def json_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "stdlib":
        monkeypatch.setattr(jsonlib, "orjson", None)
    elif jsonlib.orjson is None:
        pytest.skip("orjson is not installed")
    yield request.param


def test_round_trip(json_backend: str, kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    client.create_stream(StreamName="s", ShardCount=1)
    keys = ["plain", "ünïcödé", "emoji 🎉", 'quote " and \\ backslash']
    client.put_records(
        StreamName="s", Records=[{"Data": k.encode(), "PartitionKey": k} for k in keys]
    )
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = client.get_records(ShardIterator=iterator)["Records"]
    assert [r["PartitionKey"] for r in records] == keys
    assert [r["Data"].decode() for r in records] == keys


def test_huge_integers_are_read(json_backend: str, kinesis_mock: Any) -> None:
    response = signed_request(json.dumps({"StreamName": "s", "ShardCount": 2**70}), "CreateStream")
    assert response.status_code == 400
    assert response.json()["__type"] == "LimitExceededException"
    assert str(2**70) in response.json()["message"]


def test_malformed_json(json_backend: str, kinesis_mock: Any) -> None:
    response = signed_request("{nope", "ListStreams")
    assert response.json()["__type"] == "SerializationException"

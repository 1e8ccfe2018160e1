"""Testing a handler module that makes its boto3 client at import.

Imported at the top of this file, ``orders_handler`` would make its client
before any mock is active: with no region in the environment that raises
``NoRegionError``, and with no credentials its first call raises
``NoCredentialsError``. The fixture enters the mock first (through the
``kinesis_mock`` fixture), sets the region, and only then imports it.

Run it with ``pytest examples/lambda_handler``.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from types import ModuleType

import boto3
import pytest

from kinesis_mock import KinesisMock

REGION = "eu-west-1"


@pytest.fixture
def orders_handler(
    kinesis_mock: KinesisMock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    """The handler module, imported under the mock with the region set."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    boto3.client("kinesis").create_stream(StreamName="orders", ShardCount=1)
    sys.modules.pop("orders_handler", None)  # a fresh import: a new client each test
    yield importlib.import_module("orders_handler")
    sys.modules.pop("orders_handler", None)


def test_an_order_is_published(orders_handler: ModuleType, kinesis_mock: KinesisMock) -> None:
    answer = orders_handler.handler({"body": json.dumps({"id": 7, "item": "tea"})}, None)

    assert answer == {"statusCode": 202}
    assert orders_handler.kinesis.meta.region_name == REGION
    records = kinesis_mock.records("orders", region=REGION)
    assert [json.loads(r.data) for r in records] == [{"id": 7, "item": "tea"}]
    assert [r.partition_key for r in records] == ["7"]

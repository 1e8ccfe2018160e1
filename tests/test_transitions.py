"""CREATING -> ACTIVE and DELETING -> gone, on the mock's clock."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from helpers import REGION

from kinesis_mock import mock_kinesis


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record (and skip) every sleep, to show the waiters never needed one."""
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    return sleeps


def test_waiters_return_at_once_by_default(kinesis: Any, no_sleep: list[float]) -> None:
    kinesis.create_stream(StreamName="w", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="w")
    kinesis.delete_stream(StreamName="w")
    kinesis.get_waiter("stream_not_exists").wait(StreamName="w")
    assert no_sleep == []


def test_stream_is_creating_until_the_delay_passes() -> None:
    with freeze_time("2026-01-01 00:00:00") as frozen, mock_kinesis(stream_create_delay=30):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="slow", ShardCount=2)

        description = client.describe_stream(StreamName="slow")["StreamDescription"]
        assert description["StreamStatus"] == "CREATING"
        assert description["Shards"] == []
        assert client.list_streams()["StreamSummaries"][0]["StreamStatus"] == "CREATING"

        frozen.tick(29)
        summary = client.describe_stream_summary(StreamName="slow")["StreamDescriptionSummary"]
        assert summary["StreamStatus"] == "CREATING"

        frozen.tick(1)
        description = client.describe_stream(StreamName="slow")["StreamDescription"]
        assert description["StreamStatus"] == "ACTIVE"
        assert len(description["Shards"]) == 2


def test_waiter_completes_once_the_clock_moves(no_sleep: list[float]) -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_create_delay=10):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="slow", ShardCount=1)
        # The waiter's sleep moves the frozen clock, as a real wait would.
        no_sleep.clear()
        waiter_sleeps: list[float] = []

        def tick(seconds: float) -> None:
            waiter_sleeps.append(seconds)
            frozen.tick(seconds)

        time.sleep = tick  # type: ignore[assignment]  # undone by monkeypatch
        client.get_waiter("stream_exists").wait(
            StreamName="slow", WaiterConfig={"Delay": 5, "MaxAttempts": 5}
        )
        assert waiter_sleeps == [5, 5]


def test_stream_is_deleting_until_the_delay_passes() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_delete_delay=20):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="slow", ShardCount=1)
        client.delete_stream(StreamName="slow")
        description = client.describe_stream(StreamName="slow")["StreamDescription"]
        assert description["StreamStatus"] == "DELETING"
        assert description["Shards"] == []
        # Deleting a stream that is already being deleted finds nothing to delete.
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.delete_stream(StreamName="slow")
        # Its name is still taken.
        with pytest.raises(client.exceptions.ResourceInUseException):
            client.create_stream(StreamName="slow", ShardCount=1)

        frozen.tick(20)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_stream(StreamName="slow")
        assert client.list_streams()["StreamNames"] == []


def test_a_creating_stream_can_be_deleted() -> None:
    with (
        freeze_time("2026-01-01") as frozen,
        mock_kinesis(stream_create_delay=30, stream_delete_delay=30),
    ):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        client.delete_stream(StreamName="s")
        status = client.describe_stream(StreamName="s")["StreamDescription"]["StreamStatus"]
        assert status == "DELETING"
        frozen.tick(30)
        # The creation finishing does not bring it back.
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_stream(StreamName="s")


def test_no_more_than_five_streams_creating_at_once() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_create_delay=60):
        client = boto3.client("kinesis", region_name=REGION)
        for i in range(5):
            client.create_stream(StreamName=f"s{i}", ShardCount=1)
        with pytest.raises(client.exceptions.LimitExceededException):
            client.create_stream(StreamName="s5", ShardCount=1)
        frozen.tick(60)
        client.create_stream(StreamName="s5", ShardCount=1)


def test_delays_can_change_mid_test(kinesis_mock: Any, kinesis: Any) -> None:
    with freeze_time("2026-01-01") as frozen:
        kinesis_mock.settings.stream_create_delay = 5
        kinesis.create_stream(StreamName="s", ShardCount=1)
        assert kinesis_mock.streams()["s"].status == "CREATING"
        frozen.tick(5)
        kinesis.describe_stream_summary(StreamName="s")
        assert kinesis_mock.streams()["s"].status == "ACTIVE"

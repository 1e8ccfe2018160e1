"""km.clock: read and move the mock's time without freezegun."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from kinesis_mock import mock_kinesis, set_clock


def test_advancing_completes_transitions_and_expires_iterators() -> None:
    with mock_kinesis(stream_create_delay=30) as km:
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="s", ShardCount=1)
        assert km.streams()["s"].status == "CREATING"
        km.clock.advance(30)
        assert km.streams()["s"].status == "ACTIVE"
        iterator = kinesis.get_shard_iterator(
            StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        km.clock.advance(301)  # iterators last 5 minutes
        with pytest.raises(kinesis.exceptions.ExpiredIteratorException):
            kinesis.get_records(ShardIterator=iterator)


def test_advancing_past_retention_drops_records() -> None:
    with mock_kinesis() as km:
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="s", ShardCount=1)
        kinesis.put_record(StreamName="s", Data=b"old", PartitionKey="k")
        km.clock.advance(23 * 3600)
        kinesis.put_record(StreamName="s", Data=b"new", PartitionKey="k")
        km.clock.advance(2 * 3600)  # the first record is now 25 hours old
        assert [r.data for r in km.records("s")] == [b"new"]


def test_the_clock_adds_to_freezegun_and_to_an_installed_clock() -> None:
    with freeze_time("2026-01-01 00:00:00"), mock_kinesis() as km:
        start = km.clock.now()
        km.clock.advance(90)
        assert km.clock.now() == start + 90
        assert km.clock.datetime().isoformat() == "2026-01-01T00:01:30+00:00"
    set_clock(lambda: 1_000.0)
    try:
        with mock_kinesis() as km:
            km.clock.advance(5)
            assert km.clock.now() == 1_005.0
        with mock_kinesis() as km:  # undone when the mock ended
            assert km.clock.now() == 1_000.0
    finally:
        set_clock(None)


@pytest.mark.parametrize(("seconds", "error"), [(-1, ValueError), ("30", TypeError)])
def test_the_clock_only_moves_forward_by_a_number(
    kinesis_mock: Any, seconds: Any, error: type
) -> None:
    with pytest.raises(error):
        kinesis_mock.clock.advance(seconds)

"""Reading: GetShardIterator and GetRecords through boto3."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import ACCOUNT, REGION, error_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinesis_mock import mock_kinesis

SHARD = "shardId-000000000000"


@pytest.fixture
def stream(kinesis: Any) -> Any:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    return kinesis


def _iterator(client: Any, kind: str, **extra: Any) -> str:
    return str(
        client.get_shard_iterator(
            StreamName="s", ShardId=extra.pop("ShardId", SHARD), ShardIteratorType=kind, **extra
        )["ShardIterator"]
    )


def _put(client: Any, *payloads: bytes) -> list[str]:
    return [
        client.put_record(StreamName="s", Data=p, PartitionKey="k")["SequenceNumber"]
        for p in payloads
    ]


def _read_all(client: Any, iterator: str, limit: int = 10_000) -> list[bytes]:
    out: list[bytes] = []
    while True:
        page = client.get_records(ShardIterator=iterator, Limit=limit)
        out.extend(r["Data"] for r in page["Records"])
        if not page["Records"]:
            return out
        iterator = page["NextShardIterator"]


def test_trim_horizon_reads_everything_in_order(stream: Any) -> None:
    _put(stream, b"a", b"b", b"c")
    page = stream.get_records(ShardIterator=_iterator(stream, "TRIM_HORIZON"))
    assert [r["Data"] for r in page["Records"]] == [b"a", b"b", b"c"]
    assert [r["PartitionKey"] for r in page["Records"]] == ["k", "k", "k"]
    # Unencrypted records carry no EncryptionType (tests/test_recorded_wire.py).
    assert not any("EncryptionType" in r for r in page["Records"])
    assert page["MillisBehindLatest"] == 0
    assert "ChildShards" not in page


def test_latest_reads_only_what_comes_after(stream: Any) -> None:
    _put(stream, b"old")
    iterator = _iterator(stream, "LATEST")
    assert stream.get_records(ShardIterator=iterator)["Records"] == []
    _put(stream, b"new")
    assert _read_all(stream, iterator) == [b"new"]


def test_at_and_after_sequence_number(stream: Any) -> None:
    numbers = _put(stream, b"a", b"b", b"c")
    at = _iterator(stream, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[1])
    after = _iterator(stream, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=numbers[1])
    assert _read_all(stream, at) == [b"b", b"c"]
    assert _read_all(stream, after) == [b"c"]


def test_the_shards_starting_sequence_number_is_before_every_record(stream: Any) -> None:
    _put(stream, b"a", b"b")
    shard = stream.describe_stream(StreamName="s")["StreamDescription"]["Shards"][0]
    start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
    assert _read_all(
        stream, _iterator(stream, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=start)
    ) == [b"a", b"b"]
    assert _read_all(
        stream, _iterator(stream, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=start)
    ) == [b"a", b"b"]


def test_at_timestamp(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-03-01 12:00:00") as frozen:
        client.create_stream(StreamName="s", ShardCount=1)
        _put(client, b"early")
        frozen.tick(10)
        _put(client, b"middle")
        frozen.tick(10)
        _put(client, b"late")
        start = datetime(2026, 3, 1, 12, 0, 5, tzinfo=timezone.utc)
        assert _read_all(client, _iterator(client, "AT_TIMESTAMP", Timestamp=start)) == [
            b"middle",
            b"late",
        ]
        exact = datetime(2026, 3, 1, 12, 0, 10, tzinfo=timezone.utc)
        assert _read_all(client, _iterator(client, "AT_TIMESTAMP", Timestamp=exact)) == [
            b"middle",
            b"late",
        ]
        before = datetime(2020, 1, 1, tzinfo=timezone.utc)
        assert len(_read_all(client, _iterator(client, "AT_TIMESTAMP", Timestamp=before))) == 3


def test_at_timestamp_in_the_future(stream: Any) -> None:
    with freeze_time("2026-03-01 12:00:00"):
        future = datetime(2026, 3, 1, 12, 0, 1, tzinfo=timezone.utc)
        with pytest.raises(ClientError) as excinfo:
            _iterator(stream, "AT_TIMESTAMP", Timestamp=future)
    now_ms = int(datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp() * 1000)
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
        f"timestampInMillis: {now_ms + 1000}, currentTimestampInMillis: {now_ms}",
        400,
    )


def test_at_timestamp_without_a_timestamp(stream: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _iterator(stream, "AT_TIMESTAMP")
    assert error_of(excinfo)[1] == (
        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
        "Current request has no timestamp parameter."
    )


@pytest.mark.parametrize("kind", ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"])
def test_sequence_types_need_a_sequence_number(stream: Any, kind: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        _iterator(stream, kind)
    assert error_of(excinfo)[1] == (
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
        "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. "
        f"Request specified {kind} and no StartingSequenceNumber."
    )


@pytest.mark.parametrize("kind", ["TRIM_HORIZON", "LATEST"])
def test_other_types_refuse_a_sequence_number(stream: Any, kind: str) -> None:
    number = _put(stream, b"a")[0]
    with pytest.raises(ClientError) as excinfo:
        _iterator(stream, kind, StartingSequenceNumber=number)
    assert error_of(excinfo)[1].endswith(
        f"Request specified {kind} and also a StartingSequenceNumber."
    )


def test_sequence_number_of_another_shard(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=2)
    number = kinesis.put_record(
        StreamName="s", Data=b"d", PartitionKey="k", ExplicitHashKey=str(2**128 - 1)
    )["SequenceNumber"]
    with pytest.raises(ClientError) as excinfo:
        _iterator(kinesis, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=number)
    assert error_of(excinfo) == (
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used "
        "in a call to a shard with shardId-000000000000",
        400,
    )


def test_sequence_number_of_another_stream(kinesis: Any) -> None:
    with freeze_time("2026-01-01") as frozen:
        kinesis.create_stream(StreamName="other", ShardCount=1)
        number = kinesis.put_record(StreamName="other", Data=b"d", PartitionKey="k")[
            "SequenceNumber"
        ]
        frozen.tick(5)
        kinesis.create_stream(StreamName="s", ShardCount=1)
        with pytest.raises(ClientError) as excinfo:
            _iterator(kinesis, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=number)
    assert error_of(excinfo)[1] == (
        f"StartingSequenceNumber {number} used in GetShardIterator on shard {SHARD} in stream s "
        f"under account {ACCOUNT} is invalid because it did not come from this stream."
    )


def test_malformed_sequence_number(stream: Any) -> None:
    # A version-3 number: no version the service reads. (A short number such
    # as 12345 is a version-0 one: tests/test_recorded_wire.py.)
    number = str((1 << 185) | 3)
    with pytest.raises(ClientError) as excinfo:
        _iterator(stream, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=number)
    assert error_of(excinfo)[1] == (
        f"StartingSequenceNumber {number} used in GetShardIterator on shard {SHARD} in stream s "
        f"under account {ACCOUNT} is invalid."
    )


def test_missing_shard(stream: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _iterator(stream, "TRIM_HORIZON", ShardId="shardId-000000000007")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Shard shardId-000000000007 in stream s under account {ACCOUNT} does not exist",
        400,
    )


def test_unparseable_shard_id(stream: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _iterator(stream, "TRIM_HORIZON", ShardId="ABKLFD8")
    assert (
        error_of(excinfo)[1] == f"Could not find shard ABKLFD8 in stream s under account {ACCOUNT}."
    )


def test_short_shard_ids_name_the_same_shard(stream: Any) -> None:
    _put(stream, b"a")
    assert _read_all(stream, _iterator(stream, "TRIM_HORIZON", ShardId="shardId-0")) == [b"a"]


def test_iterator_on_a_missing_stream(kinesis: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        kinesis.get_shard_iterator(StreamName="ghost", ShardId=SHARD, ShardIteratorType="LATEST")
    assert error_of(excinfo)[1] == (
        f"Shard {SHARD} in stream ghost under account {ACCOUNT} does not exist"
    )


def test_iterator_of_a_creating_stream() -> None:
    with freeze_time("2026-01-01"), mock_kinesis(stream_create_delay=10):
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            _iterator(client, "LATEST")


def test_changed_or_invented_iterators_are_invalid(stream: Any) -> None:
    iterator = _iterator(stream, "TRIM_HORIZON")
    raw = bytearray(base64.urlsafe_b64decode(iterator))
    raw[-2] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    invented = base64.b64encode(json.dumps({"shard": SHARD}).encode()).decode()
    for bad in (tampered, invented, "not-an-iterator"):
        with pytest.raises(ClientError) as excinfo:
            stream.get_records(ShardIterator=bad)
        assert error_of(excinfo) == ("InvalidArgumentException", "Invalid ShardIterator.", 400)


def test_iterators_expire_after_five_minutes(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-03-01 12:00:00") as frozen:
        client.create_stream(StreamName="s", ShardCount=1)
        iterator = _iterator(client, "TRIM_HORIZON")
        frozen.tick(300)
        client.get_records(ShardIterator=iterator)  # exactly five minutes is still fine
        frozen.tick(1)
        with pytest.raises(client.exceptions.ExpiredIteratorException) as excinfo:
            client.get_records(ShardIterator=iterator)
    assert error_of(excinfo) == (
        "ExpiredIteratorException",
        "Iterator expired. The iterator was created at time Sun Mar 01 12:00:00 UTC 2026 "
        "while right now it is Sun Mar 01 12:05:01 UTC 2026 which is further in the future "
        "than the tolerated delay of 300000 milliseconds.",
        400,
    )


def test_next_iterator_is_fresh(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-03-01 12:00:00") as frozen:
        client.create_stream(StreamName="s", ShardCount=1)
        iterator = _iterator(client, "TRIM_HORIZON")
        frozen.tick(200)
        client.put_record(StreamName="s", Data=b"later", PartitionKey="k")
        following = client.get_records(ShardIterator=iterator)["NextShardIterator"]
        frozen.tick(200)
        # 400 s after the first iterator was issued: it has expired, while the
        # one the read handed out 200 s ago still reads.
        with pytest.raises(ClientError) as excinfo:
            client.get_records(ShardIterator=iterator)
        assert error_of(excinfo)[0] == "ExpiredIteratorException"
        client.put_record(StreamName="s", Data=b"after", PartitionKey="k")
        read = client.get_records(ShardIterator=following)
        assert [r["Data"] for r in read["Records"]] == [b"after"]


def test_iterator_of_a_deleted_stream(stream: Any) -> None:
    iterator = _iterator(stream, "TRIM_HORIZON")
    stream.delete_stream(StreamName="s")
    with pytest.raises(ClientError) as excinfo:
        stream.get_records(ShardIterator=iterator)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"Shard {SHARD} in stream s under account {ACCOUNT} does not exist",
        400,
    )


def test_iterator_from_another_account_is_invalid(stream: Any) -> None:
    iterator = _iterator(stream, "TRIM_HORIZON")
    other = boto3.client(
        "kinesis", region_name=REGION, aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    with pytest.raises(other.exceptions.InvalidArgumentException):
        other.get_records(ShardIterator=iterator)


def test_limit_pages_and_next_iterator(stream: Any) -> None:
    _put(stream, *[f"{i}".encode() for i in range(7)])
    page = stream.get_records(ShardIterator=_iterator(stream, "TRIM_HORIZON"), Limit=3)
    assert [r["Data"] for r in page["Records"]] == [b"0", b"1", b"2"]
    page = stream.get_records(ShardIterator=page["NextShardIterator"], Limit=3)
    assert [r["Data"] for r in page["Records"]] == [b"3", b"4", b"5"]
    page = stream.get_records(ShardIterator=page["NextShardIterator"], Limit=3)
    assert [r["Data"] for r in page["Records"]] == [b"6"]
    page = stream.get_records(ShardIterator=page["NextShardIterator"], Limit=3)
    assert page["Records"] == []
    assert page["NextShardIterator"]


def test_limit_bounds(raw_kinesis: Any) -> None:
    raw_kinesis.create_stream(StreamName="s", ShardCount=1)
    iterator = _iterator(raw_kinesis, "LATEST")
    for bad, rule in [
        (0, "greater than or equal to 1"),
        (10001, "less than or equal to 10000"),
    ]:
        with pytest.raises(ClientError) as excinfo:
            raw_kinesis.get_records(ShardIterator=iterator, Limit=bad)
        # Today's service leaves the value out ("Value at", not "Value '0' at").
        assert error_of(excinfo)[1] == (
            "1 validation error detected: Value at 'limit' failed to satisfy "
            f"constraint: Member must have value {rule}"
        )


def test_default_limit_is_10000(stream: Any) -> None:
    for _ in range(21):
        stream.put_records(
            StreamName="s", Records=[{"Data": b"d", "PartitionKey": "k"} for _ in range(500)]
        )
    page = stream.get_records(ShardIterator=_iterator(stream, "TRIM_HORIZON"))
    assert len(page["Records"]) == 10_000
    assert page["MillisBehindLatest"] >= 0


def test_a_page_holds_at_most_10_mib(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=1)
    chunk = b"x" * (1024 * 1024 - 1)  # plus the one-byte key: exactly 1 MiB
    for _ in range(2):
        kinesis.put_records(
            StreamName="s", Records=[{"Data": chunk, "PartitionKey": "k"} for _ in range(6)]
        )
    page = kinesis.get_records(ShardIterator=_iterator(kinesis, "TRIM_HORIZON"))
    assert len(page["Records"]) == 10
    rest = kinesis.get_records(ShardIterator=page["NextShardIterator"])
    assert len(rest["Records"]) == 2


def test_millis_behind_latest(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    with freeze_time("2026-03-01 12:00:00") as frozen:
        client.create_stream(StreamName="s", ShardCount=1)
        _put(client, b"a")
        frozen.tick(4)
        _put(client, b"b")
        frozen.tick(6)
        page = client.get_records(ShardIterator=_iterator(client, "TRIM_HORIZON"), Limit=1)
        # The next unread record arrived 6 s ago.
        assert page["MillisBehindLatest"] == 6000
        page = client.get_records(ShardIterator=page["NextShardIterator"], Limit=1)
        assert page["MillisBehindLatest"] == 0


def test_arrival_timestamp_has_millisecond_precision(kinesis_mock: Any) -> None:
    client = boto3.client("kinesis", region_name=REGION)
    moment = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    with freeze_time(moment):
        client.create_stream(StreamName="s", ShardCount=1)
        _put(client, b"a")
        record = client.get_records(ShardIterator=_iterator(client, "TRIM_HORIZON"))["Records"][0]
    assert record["ApproximateArrivalTimestamp"] == moment.replace(microsecond=123000)


def test_reads_by_stream_arn(stream: Any) -> None:
    _put(stream, b"a")
    arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
    iterator = stream.get_shard_iterator(
        StreamARN=arn, ShardId=SHARD, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = stream.get_records(ShardIterator=iterator, StreamARN=arn)["Records"]
    assert [r["Data"] for r in records] == [b"a"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=5),
    page_sizes=st.lists(st.integers(min_value=1, max_value=25), min_size=1, max_size=10),
)
def test_chained_reads_see_every_record_exactly_once_in_order(
    counts: list[int], page_sizes: list[int]
) -> None:
    with mock_kinesis():
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        iterator = _iterator(client, "TRIM_HORIZON")
        written: list[bytes] = []
        read: list[bytes] = []
        for batch, count in enumerate(counts):
            payloads = [f"{batch}-{i}".encode() for i in range(count)]
            if payloads:
                client.put_records(
                    StreamName="s", Records=[{"Data": p, "PartitionKey": "k"} for p in payloads]
                )
            written.extend(payloads)
            for size in page_sizes:
                page = client.get_records(ShardIterator=iterator, Limit=size)
                read.extend(r["Data"] for r in page["Records"])
                iterator = page["NextShardIterator"]
        read.extend(_read_all(client, iterator, limit=7))
        assert read == written


class TestRetention:
    def test_records_older_than_retention_are_gone(self, kinesis_mock: Any) -> None:
        client = boto3.client("kinesis", region_name=REGION)
        with freeze_time("2026-03-01 00:00:00") as frozen:
            client.create_stream(StreamName="s", ShardCount=1)
            _put(client, b"old")
            frozen.tick(timedelta(hours=20))
            _put(client, b"new")
            frozen.tick(timedelta(hours=5))
            assert _read_all(client, _iterator(client, "TRIM_HORIZON")) == [b"new"]
            assert [r.data for r in kinesis_mock.records("s")] == [b"new"]

    def test_an_iterator_into_trimmed_records_resumes_at_the_oldest_kept(
        self, kinesis_mock: Any
    ) -> None:
        client = boto3.client("kinesis", region_name=REGION)
        with freeze_time("2026-03-01 00:00:00") as frozen:
            client.create_stream(StreamName="s", ShardCount=1)
            first = _put(client, b"old")[0]
            frozen.tick(timedelta(hours=23, minutes=58))
            _put(client, b"new")
            iterator = _iterator(client, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=first)
            frozen.tick(timedelta(minutes=3))
            assert _read_all(client, iterator) == [b"new"]

    def test_increase_keeps_records_longer(self, kinesis_mock: Any) -> None:
        client = boto3.client("kinesis", region_name=REGION)
        with freeze_time("2026-03-01 00:00:00") as frozen:
            client.create_stream(StreamName="s", ShardCount=1)
            _put(client, b"kept")
            client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=48)
            frozen.tick(timedelta(hours=47))
            assert _read_all(client, _iterator(client, "TRIM_HORIZON")) == [b"kept"]
            summary = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
            assert summary["RetentionPeriodHours"] == 48

    def test_decrease_trims_at_once(self, kinesis_mock: Any) -> None:
        client = boto3.client("kinesis", region_name=REGION)
        with freeze_time("2026-03-01 00:00:00") as frozen:
            client.create_stream(StreamName="s", ShardCount=1)
            client.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=72)
            _put(client, b"old")
            frozen.tick(timedelta(hours=30))
            _put(client, b"new")
            client.decrease_stream_retention_period(StreamName="s", RetentionPeriodHours=24)
            assert [r.data for r in kinesis_mock.records("s")] == [b"new"]

    def test_retention_reaches_8760_hours(self, stream: Any) -> None:
        stream.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=8760)
        summary = stream.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]
        assert summary["RetentionPeriodHours"] == 8760

    @pytest.mark.parametrize(
        ("operation", "hours", "message"),
        [
            (
                "increase_stream_retention_period",
                8761,
                "Maximum allowed retention period is 8760 hours. Requested retention period "
                "(8761 hours) is too long.",
            ),
            (
                "decrease_stream_retention_period",
                23,
                "Minimum allowed retention period is 24 hours. Requested retention period "
                "(23 hours) is too short.",
            ),
            (
                "decrease_stream_retention_period",
                48,
                "Requested retention period (48 hours) for stream s can not be longer than "
                "existing retention period (24 hours). Use IncreaseRetentionPeriod API.",
            ),
        ],
    )
    def test_bounds_and_direction(
        self, stream: Any, operation: str, hours: int, message: str
    ) -> None:
        with pytest.raises(ClientError) as excinfo:
            getattr(stream, operation)(StreamName="s", RetentionPeriodHours=hours)
        assert error_of(excinfo) == ("InvalidArgumentException", message, 400)

    def test_increase_below_current(self, stream: Any) -> None:
        stream.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=48)
        with pytest.raises(ClientError) as excinfo:
            stream.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=36)
        assert error_of(excinfo)[1] == (
            "Requested retention period (36 hours) for stream s can not be shorter than "
            "existing retention period (48 hours). Use DecreaseRetentionPeriod API."
        )

    def test_retention_of_a_missing_stream(self, kinesis: Any) -> None:
        with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
            kinesis.increase_stream_retention_period(StreamName="ghost", RetentionPeriodHours=48)


def test_handle_reads_records_of_every_shard(kinesis: Any, kinesis_mock: Any) -> None:
    kinesis.create_stream(StreamName="s", ShardCount=4)
    for i in range(20):
        kinesis.put_record(StreamName="s", Data=f"{i}".encode(), PartitionKey=f"key{i}")
    records = kinesis_mock.records("s")
    assert sorted(int(r.data) for r in records) == list(range(20))
    shard_order = [r.shard_id for r in records]
    assert shard_order == sorted(shard_order)
    assert all(r.arrival_time.tzinfo is not None for r in records)
    with pytest.raises(KeyError):
        kinesis_mock.records("ghost")

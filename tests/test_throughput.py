"""Throughput limits as the service enforces them (opt-in), through boto3.

Every test runs on a stopped clock (freezegun) that it moves with
``km.clock.advance``, so capacity only comes back when the test says so.
Clients do not retry (botocore would retry a throttled call itself, with
real sleeps): the tests' producers and consumers retry on the mock's clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time
from helpers import ACCOUNT, REGION, error_of, needs_model

import kinesis_mock
from kinesis_mock import KinesisMock, cli, mock_kinesis
from kinesis_mock.settings import Settings

MIB = 1 << 20
SHARD = "shardId-000000000000"
OTHER_SHARD = "shardId-000000000001"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
THROTTLED = "ProvisionedThroughputExceededException"


def write_text(stream: str, shard: str = SHARD) -> str:
    return f"Rate exceeded for shard {shard} in stream {stream} under account {ACCOUNT}."


def read_text(stream: str, shard: str = SHARD) -> str:
    return f"Rate exceeded for Shard - {ACCOUNT}/{stream}/{shard}"


def to_shard(index: int, shards: int) -> str:
    """An ExplicitHashKey that lands in shard ``index`` of ``shards`` even ones."""
    return str(index * ((1 << 128) // shards))


def entries(count: int, data: bytes = b"x", **entry: Any) -> list[dict[str, Any]]:
    return [{"Data": data, "PartitionKey": "k", **entry} for _ in range(count)]


@pytest.fixture
def km(kinesis_mock: KinesisMock) -> Iterator[KinesisMock]:
    """The mock with throughput enforced, on a clock that only the test moves."""
    with freeze_time("2026-01-01"):
        kinesis_mock.settings.throughput = True
        yield kinesis_mock


@pytest.fixture
def client(km: KinesisMock) -> Any:
    return boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)


def iterator(client: Any, stream: str, shard: str = SHARD) -> str:
    return str(
        client.get_shard_iterator(
            StreamName=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
    )


# -- writes ---------------------------------------------------------------------


def test_a_shard_takes_1000_records_a_second(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    for _ in range(2):
        assert client.put_records(StreamName="s", Records=entries(500))["FailedRecordCount"] == 0
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as excinfo:
        client.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    assert error_of(excinfo) == (THROTTLED, write_text("s"), 400)
    assert len(km.records("s")) == 1000  # the throttled record was not stored
    km.clock.advance(0.25)  # 250 records back
    assert client.put_records(StreamName="s", Records=entries(251))["FailedRecordCount"] == 1
    km.clock.advance(1)
    client.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    assert len(km.records("s")) == 1251


def test_a_shard_takes_1_mib_a_second_counting_partition_keys(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    key = "k" * 10
    # 10 bytes left with the key counted (20 without): a 15-byte record
    # with its key does not fit.
    client.put_record(StreamName="s", Data=b"x" * (MIB - 20), PartitionKey=key)
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.put_record(StreamName="s", Data=b"x" * 15, PartitionKey=key)
    km.clock.advance(0.25)  # a quarter of a MiB back
    client.put_record(StreamName="s", Data=b"x" * (MIB // 4 - 10), PartitionKey=key)
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.put_record(StreamName="s", Data=b"x" * 15, PartitionKey=key)
    assert len(km.records("s")) == 2


def test_a_record_larger_than_a_second_goes_from_a_full_shard_and_leaves_a_debt(
    client: Any, km: KinesisMock
) -> None:
    client.create_stream(StreamName="s", ShardCount=1, MaxRecordSizeInKiB=4096)
    client.put_record(StreamName="s", Data=b"x" * (3 * MIB - 1), PartitionKey="k")
    km.clock.advance(2)  # 1 MiB - 3 MiB + 2 MiB: nothing yet
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    km.clock.advance(1)
    client.put_record(StreamName="s", Data=b"x", PartitionKey="k")


def test_put_records_fails_only_the_entries_over_capacity_in_order(
    client: Any, km: KinesisMock
) -> None:
    client.create_stream(StreamName="s", ShardCount=2)
    first, second = to_shard(0, 2), to_shard(1, 2)
    client.put_records(StreamName="s", Records=entries(500, ExplicitHashKey=first))
    client.put_records(StreamName="s", Records=entries(498, ExplicitHashKey=first))
    batch = [
        {"Data": f"r{i}".encode(), "PartitionKey": "k", "ExplicitHashKey": key}
        for i, key in enumerate([first, second, first, first, second, first])
    ]
    result = client.put_records(StreamName="s", Records=batch)
    assert result["FailedRecordCount"] == 2
    failure = {"ErrorCode": THROTTLED, "ErrorMessage": write_text("s")}
    records = result["Records"]
    assert [records[3], records[5]] == [failure, failure]
    assert [records[i]["ShardId"] for i in (0, 1, 2, 4)] == [SHARD, OTHER_SHARD, SHARD, OTHER_SHARD]
    stored = km.records("s")
    assert [r.data for r in stored if r.shard_id == SHARD][-2:] == [b"r0", b"r2"]
    assert [r.data for r in stored if r.shard_id == OTHER_SHARD] == [b"r1", b"r4"]
    assert [r.sequence_number for r in stored if r.data in (b"r0", b"r1", b"r2", b"r4")] == [
        records[i]["SequenceNumber"] for i in (0, 2, 1, 4)
    ]


def test_a_later_smaller_entry_can_still_go(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_record(StreamName="s", Data=b"x" * (MIB - 101), PartitionKey="k")  # 100 left
    result = client.put_records(
        StreamName="s",
        Records=[
            {"Data": b"a" * 200, "PartitionKey": "k"},
            {"Data": b"b" * 50, "PartitionKey": "k"},
        ],
    )
    assert result["FailedRecordCount"] == 1
    assert result["Records"][0]["ErrorCode"] == THROTTLED
    assert "SequenceNumber" in result["Records"][1]


def test_a_wholly_throttled_batch_answers_200_and_stores_nothing(
    client: Any, km: KinesisMock
) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_records(StreamName="s", Records=entries(500))
    client.put_records(StreamName="s", Records=entries(500))
    result = client.put_records(StreamName="s", Records=entries(3))
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert result["FailedRecordCount"] == 3
    assert len(km.records("s")) == 1000


def test_entries_failed_by_an_arranged_fault_take_no_capacity(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_records(StreamName="s", Records=entries(500))
    client.put_records(StreamName="s", Records=entries(499))  # one record left
    km.faults.fail_records(index=0, error="InternalFailure")
    result = client.put_records(StreamName="s", Records=entries(3))
    assert [r.get("ErrorCode") for r in result["Records"]] == ["InternalFailure", None, THROTTLED]


# -- on-demand streams --------------------------------------------------------------


def test_an_on_demand_stream_still_limits_each_shard(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    hot = to_shard(0, 4)
    for _ in range(2):
        client.put_records(StreamName="od", Records=entries(500, ExplicitHashKey=hot))
    result = client.put_records(
        StreamName="od",
        Records=entries(1, ExplicitHashKey=hot) + entries(1, ExplicitHashKey=to_shard(1, 4)),
    )
    assert [r.get("ErrorCode") for r in result["Records"]] == [THROTTLED, None]


def test_an_on_demand_stream_has_4_mib_and_4000_records_a_second(
    client: Any, km: KinesisMock
) -> None:
    # Eight shards could take 8,000 records a second; the stream takes 4,000.
    client.create_stream(StreamName="s", ShardCount=8)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    client.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    for index in range(8):
        client.put_records(StreamName="s", Records=entries(500, ExplicitHashKey=to_shard(index, 8)))
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as excinfo:
        client.put_record(StreamName="s", Data=b"x", PartitionKey="k", ExplicitHashKey="0")
    assert error_of(excinfo)[1] == write_text("s")
    km.clock.advance(1)
    # 4 MiB: four records of 1 MiB on four shards, then none on a fifth.
    for index in range(4):
        client.put_record(
            StreamName="s",
            Data=b"x" * (MIB - 1),
            PartitionKey="k",
            ExplicitHashKey=to_shard(index, 8),
        )
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.put_record(
            StreamName="s", Data=b"x", PartitionKey="k", ExplicitHashKey=to_shard(5, 8)
        )


@needs_model("kinesis", "CreateStream", "CreateStreamInput", "WarmThroughputMiBps")
def test_warm_throughput_raises_an_on_demand_streams_capacity(client: Any, km: KinesisMock) -> None:
    client.create_stream(
        StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"}, WarmThroughputMiBps=8
    )
    # 8 MiB/s over the mock's 4 shards: 2,000 records a second each.
    hot = to_shard(0, 4)
    for _ in range(4):
        client.put_records(StreamName="od", Records=entries(500, ExplicitHashKey=hot))
    result = client.put_records(StreamName="od", Records=entries(1, ExplicitHashKey=hot))
    assert result["FailedRecordCount"] == 1


# -- GetRecords ---------------------------------------------------------------------


def test_get_records_5_calls_a_second(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    position = iterator(client, "s")
    for _ in range(5):
        position = client.get_records(ShardIterator=position)["NextShardIterator"]
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as excinfo:
        client.get_records(ShardIterator=position)
    assert error_of(excinfo) == (THROTTLED, read_text("s"), 400)
    km.clock.advance(0.999)
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.get_records(ShardIterator=position)
    km.clock.advance(0.001)
    # Throttled calls took nothing: five more go.
    for _ in range(5):
        position = client.get_records(ShardIterator=position)["NextShardIterator"]


def test_a_10_mib_answer_refuses_reads_for_5_seconds(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    km.enforce_throughput("s", False)  # fill the shard at once
    for _ in range(10):
        client.put_record(StreamName="s", Data=b"x" * (MIB - 1), PartitionKey="k")
    km.enforce_throughput("s")
    answer = client.get_records(ShardIterator=iterator(client, "s"))
    assert len(answer["Records"]) == 10
    km.clock.advance(4.9)
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.get_records(ShardIterator=answer["NextShardIterator"])
    km.clock.advance(0.1)
    assert client.get_records(ShardIterator=answer["NextShardIterator"])["Records"] == []


def test_reading_past_2_mib_a_second_refuses_reads_for_a_second(
    client: Any, km: KinesisMock
) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    km.enforce_throughput("s", False)
    client.put_records(StreamName="s", Records=entries(6, data=b"x" * (MIB * 3 // 4 - 1)))
    km.enforce_throughput("s")
    position = iterator(client, "s")
    # Reads of 1.5 MiB: 2 MiB - 1.5 MiB leaves some, so the second goes, and overdraws.
    for _ in range(2):
        position = client.get_records(ShardIterator=position, Limit=2)["NextShardIterator"]
    km.clock.advance(1)
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.get_records(ShardIterator=position, Limit=2)
    km.clock.advance(0.5)  # (2 MiB + 1 MiB of debt) / 2 MiB/s
    assert len(client.get_records(ShardIterator=position, Limit=2)["Records"]) == 2


# -- SubscribeToShard -----------------------------------------------------------------


def test_subscriptions_deliver_2_mib_a_second_per_consumer(client: Any, km: KinesisMock) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    consumers = [
        client.register_stream_consumer(StreamARN=arn, ConsumerName=name)["Consumer"]["ConsumerARN"]
        for name in ("a", "b")
    ]
    km.enforce_throughput("s", False)
    sent = [bytes([i]) * (MIB // 2 - 1) for i in range(5)]  # half a MiB each, with the key
    for data in sent:
        client.put_record(StreamName="s", Data=data, PartitionKey="k")
    km.enforce_throughput("s")

    def subscribe(consumer: str, position: dict[str, Any]) -> list[dict[str, Any]]:
        stream = client.subscribe_to_shard(
            ConsumerARN=consumer, ShardId=SHARD, StartingPosition=position
        )["EventStream"]
        return [event["SubscribeToShardEvent"] for event in stream]

    # Each consumer gets its own 2 MiB: four records, then (the clock
    # standing still) the subscription ends where the service's could.
    for consumer in consumers:
        events = subscribe(consumer, {"Type": "TRIM_HORIZON"})
        assert [len(event["Records"]) for event in events] == [4]
    km.clock.advance(5)  # a consumer subscribes again after 5 seconds
    events = subscribe(
        consumers[0],
        {
            "Type": "AFTER_SEQUENCE_NUMBER",
            "SequenceNumber": events[-1]["ContinuationSequenceNumber"],
        },
    )
    assert [r["Data"] for event in events for r in event["Records"]] == sent[4:]


def test_a_subscription_waits_for_its_allowance_while_the_clock_moves(
    client: Any, km: KinesisMock
) -> None:
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="a")["Consumer"][
        "ConsumerARN"
    ]
    km.enforce_throughput("s", False)
    client.put_records(StreamName="s", Records=entries(3, data=b"x" * (MIB - 1)))
    km.enforce_throughput("s")
    # A clock that moves 10 ms each time it is read: the allowance comes back.
    ticks = itertools.count()
    kinesis_mock.set_clock(lambda: 1_767_225_600 + next(ticks) / 100)
    try:
        stream = client.subscribe_to_shard(
            ConsumerARN=consumer, ShardId=SHARD, StartingPosition={"Type": "TRIM_HORIZON"}
        )["EventStream"]
        sizes = [len(event["SubscribeToShardEvent"]["Records"]) for event in stream]
    finally:
        kinesis_mock.set_clock(None)
    assert sizes == [2, 1]


# -- turning it on and off --------------------------------------------------------------


def test_off_by_default(kinesis_mock: KinesisMock) -> None:
    client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)
    with freeze_time("2026-01-01"):
        client.create_stream(StreamName="s", ShardCount=1)
        for _ in range(3):
            assert (
                client.put_records(StreamName="s", Records=entries(500))["FailedRecordCount"] == 0
            )


def test_per_stream_and_mid_test(kinesis_mock: KinesisMock) -> None:
    client = boto3.client("kinesis", region_name=REGION, config=NO_RETRIES)

    def over(stream: str) -> bool:
        """Whether 1,001 records in one instant are refused (clock moved on after)."""
        client.put_records(StreamName=stream, Records=entries(500))
        client.put_records(StreamName=stream, Records=entries(500))
        failed = client.put_records(StreamName=stream, Records=entries(1))["FailedRecordCount"]
        kinesis_mock.clock.advance(1)
        return bool(failed)

    with freeze_time("2026-01-01"):
        for name in ("a", "b"):
            client.create_stream(StreamName=name, ShardCount=1)
        kinesis_mock.enforce_throughput("a")
        assert (over("a"), over("b")) == (True, False)
        kinesis_mock.settings.throughput = True  # mid-test, for every stream
        kinesis_mock.enforce_throughput("a", False)
        assert (over("a"), over("b")) == (False, True)
        kinesis_mock.enforce_throughput("a", None)  # follows the option again
        kinesis_mock.settings.throughput = False
        assert (over("a"), over("b")) == (False, False)


def test_options_are_checked() -> None:
    with pytest.raises(TypeError, match="throughput must be a bool"):
        Settings(throughput=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="throughput must be a bool"):
        mock_kinesis(throughput="yes")
    with mock_kinesis(throughput=True) as km:
        assert km.settings.throughput is True
        with pytest.raises(KeyError, match="no stream 'missing'"):
            km.enforce_throughput("missing")
        boto3.client("kinesis", region_name=REGION).create_stream(StreamName="s", ShardCount=1)
        with pytest.raises(TypeError, match="enabled must be a bool or None"):
            km.enforce_throughput("s", "on")  # type: ignore[arg-type]


def test_the_command_line_flag_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    def parsed(*argv: str) -> dict[str, Any]:
        return cli.settings_options(cli._parser().parse_args(["serve", *argv]))

    assert parsed() == {}
    assert parsed("--throughput") == {"throughput": True}
    assert parsed("--throughput", "false") == {"throughput": False}
    monkeypatch.setenv("KINESIS_MOCK_THROUGHPUT", "1")
    assert parsed() == {"throughput": True}
    assert parsed("--throughput", "no") == {"throughput": False}


# -- a producer and a consumer that back off ------------------------------------------------


def test_a_retrying_producer_and_a_backing_off_consumer_move_every_record_in_order(
    client: Any, km: KinesisMock
) -> None:
    client.create_stream(StreamName="s", ShardCount=2)
    sent = [(f"key{i % 7}", f"r{i}".encode()) for i in range(3000)]

    # The producer: batches of 500; entries that fail go again, after an
    # exponential backoff on the mock's clock.
    pending = sent
    delay, retries = 0.05, 0
    while pending:
        batch, pending = pending[:500], pending[500:]
        while batch:
            result = client.put_records(
                StreamName="s", Records=[{"Data": d, "PartitionKey": k} for k, d in batch]
            )
            failed = [e for e, r in zip(batch, result["Records"], strict=True) if "ErrorCode" in r]
            if failed:
                retries += 1
                km.clock.advance(delay)
                delay = min(delay * 2, 1.0)
            else:
                delay = 0.05
            batch = failed
    assert retries > 0

    # The consumer: each shard to its end, backing off when throttled.
    received: dict[str, list[bytes]] = {}
    backoffs = 0
    for shard in (SHARD, OTHER_SHARD):
        position = iterator(client, "s", shard)
        while True:
            try:
                answer = client.get_records(ShardIterator=position, Limit=100)
            except client.exceptions.ProvisionedThroughputExceededException:
                backoffs += 1
                km.clock.advance(0.2)
                continue
            received.setdefault(shard, []).extend(r["Data"] for r in answer["Records"])
            position = answer["NextShardIterator"]
            if answer["MillisBehindLatest"] == 0:
                break
    assert backoffs > 0
    by_shard: dict[str, list[bytes]] = {r.shard_id: [] for r in km.records("s")}
    for record in km.records("s"):
        by_shard[record.shard_id].append(record.data)
    assert received == by_shard
    # Every record arrived once; each key's records in the order sent.
    assert sorted(d for data in received.values() for d in data) == sorted(d for _, d in sent)
    for key in {k for k, _ in sent}:
        mine = [d for k, d in sent if k == key]
        assert [d for data in received.values() for d in data if d in set(mine)] == mine


# -- over the server -------------------------------------------------------------------


def test_throttling_over_http(kinesis_server: Any) -> None:
    client = boto3.client(
        "kinesis",
        region_name=REGION,
        endpoint_url=kinesis_server.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=NO_RETRIES,
    )
    kinesis_server.state.settings.throughput = True  # what --throughput sets
    now = [1_767_225_600.0]
    kinesis_mock.set_clock(lambda: now[0])
    try:
        client.create_stream(StreamName="s", ShardCount=1)
        result = client.put_records(StreamName="s", Records=entries(2, data=b"x" * (MIB // 2)))
        assert result["Records"][1] == {"ErrorCode": THROTTLED, "ErrorMessage": write_text("s")}
        with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as excinfo:
            client.put_record(StreamName="s", Data=b"x" * (MIB // 2), PartitionKey="k")
        assert error_of(excinfo) == (THROTTLED, write_text("s"), 400)
        position = iterator(client, "s")
        for _ in range(5):
            position = client.get_records(ShardIterator=position)["NextShardIterator"]
        with pytest.raises(client.exceptions.ProvisionedThroughputExceededException) as excinfo:
            client.get_records(ShardIterator=position)
        assert error_of(excinfo) == (THROTTLED, read_text("s"), 400)
        now[0] += 1
        client.put_record(StreamName="s", Data=b"x" * (MIB // 2), PartitionKey="k")
        assert len(client.get_records(ShardIterator=position)["Records"]) == 1
    finally:
        kinesis_mock.set_clock(None)


@pytest.mark.kinesis_mock(throughput=True, streams={"orders": 1})
def test_the_pytest_marker_turns_enforcement_on(
    kinesis_mock: KinesisMock, kinesis_stream: Any
) -> None:
    client = boto3.client(
        "kinesis", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
    )
    with freeze_time("2026-06-01"):
        client.put_record(StreamName=kinesis_stream.name, Data=b"x" * 700_000, PartitionKey="k")
        with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
            client.put_record(StreamName=kinesis_stream.name, Data=b"x" * 700_000, PartitionKey="k")
        kinesis_mock.clock.advance(1)
        client.put_record(StreamName=kinesis_stream.name, Data=b"x" * 700_000, PartitionKey="k")
        assert len(kinesis_mock.records("orders")) == 2

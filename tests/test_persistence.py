"""A server with a data directory keeps its state across a restart: each
kind of state is written through boto3, the server is stopped and started
again on the same directory (as a new process would: with new secrets),
and the state is read back through boto3."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from helpers import ACCOUNT, REGION, needs_model

from kinesis_mock import clock, server
from kinesis_mock.registry import REGISTRY, Registry
from kinesis_mock.server import ServerHandle, ServerStartError
from kinesis_mock.services import tokens
from kinesis_mock.services.kinesis import iterators

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"


class Restarts:
    """A server on one data directory, restarted at will."""

    def __init__(self, directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.directory = directory
        self.monkeypatch = monkeypatch
        self.handle: ServerHandle | None = None

    def start(self, **options: Any) -> ServerHandle:
        self.handle = server.start(port=0, data_dir=self.directory, **options)
        return self.handle

    def restart(self, **options: Any) -> ServerHandle:
        """Stop the server and start another on the directory, with this
        process's secrets replaced as a new process would have its own."""
        assert self.handle is not None
        self.handle.stop()
        for module in (iterators, tokens):
            self.monkeypatch.setattr(module, "_SECRET", secrets.token_bytes(32))
            self.monkeypatch.setattr(module, "_EARLIER", ())
        return self.start(**options)

    def client(self, service: str = "kinesis") -> Any:
        assert self.handle is not None
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.handle.endpoint_url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
        )

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()


@pytest.fixture
def servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Restarts]:
    restarts = Restarts(tmp_path / "data", monkeypatch)
    try:
        yield restarts
    finally:
        restarts.stop()
        clock.reset_advance()


def _shape(response: dict[str, Any]) -> dict[str, Any]:
    """A response without what differs between calls."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def _read_all(client: Any, iterator: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every record from ``iterator`` on, and the last page."""
    records: list[dict[str, Any]] = []
    while True:
        page = client.get_records(ShardIterator=iterator)
        records += page["Records"]
        if not page["Records"] or page.get("NextShardIterator") is None:
            return records, page
        iterator = page["NextShardIterator"]


def _view(records: list[dict[str, Any]]) -> list[tuple[str, bytes, str, Any]]:
    return [
        (r["SequenceNumber"], r["Data"], r["PartitionKey"], r.get("EncryptionType"))
        for r in records
    ]


def test_records_and_their_sequence_numbers_survive_a_restart(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=2)
    singles = [
        kinesis.put_record(StreamName="s", Data=f"one-{i}".encode(), PartitionKey=f"k{i}")
        for i in range(5)
    ]
    batch = kinesis.put_records(
        StreamName="s",
        Records=[{"Data": f"many-{i}".encode(), "PartitionKey": f"p{i}"} for i in range(20)],
    )["Records"]
    iterator = kinesis.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    first_page = kinesis.get_records(ShardIterator=iterator, Limit=3)
    before = {
        shard: _read_all(
            kinesis,
            kinesis.get_shard_iterator(
                StreamName="s", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"],
        )[0]
        for shard in ("shardId-000000000000", "shardId-000000000001")
    }
    assert sum(map(len, before.values())) == 25
    stored = {(r["ShardId"], r["SequenceNumber"]) for r in [*singles, *batch]}
    assert stored == {(s, r["SequenceNumber"]) for s, rs in before.items() for r in rs}

    servers.restart()
    kinesis = servers.client()
    after = {
        shard: _read_all(
            kinesis,
            kinesis.get_shard_iterator(
                StreamName="s", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"],
        )[0]
        for shard in before
    }
    assert {s: _view(rs) for s, rs in after.items()} == {s: _view(rs) for s, rs in before.items()}
    assert [r["ApproximateArrivalTimestamp"] for r in after["shardId-000000000000"]] == [
        r["ApproximateArrivalTimestamp"] for r in before["shardId-000000000000"]
    ]
    # Iterators issued before the restart still read, from where they were.
    again = kinesis.get_records(ShardIterator=iterator, Limit=3)
    assert _view(again["Records"]) == _view(first_page["Records"])
    rest, _ = _read_all(kinesis, first_page["NextShardIterator"])
    assert _view(rest) == _view(before["shardId-000000000000"][3:])
    # New records follow the old ones.
    put = kinesis.put_record(StreamName="s", Data=b"later", PartitionKey="k0")
    last = before[put["ShardId"]][-1]["SequenceNumber"]
    assert int(put["SequenceNumber"]) > int(last)
    at = kinesis.get_shard_iterator(
        StreamName="s",
        ShardId=put["ShardId"],
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber=last,
    )["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=at)["Records"]] == [b"later"]
    # The test handle reads them too.
    assert len(servers.handle.state.records("s")) == 26  # type: ignore[union-attr]


def test_streams_shards_and_lineage_survive_a_restart(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=2)
    kinesis.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    kinesis.put_record(
        StreamName="s", Data=b"before the split", PartitionKey="a", ExplicitHashKey="0"
    )
    kinesis.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**126)
    )
    kinesis.merge_shards(
        StreamName="s",
        ShardToMerge="shardId-000000000003",
        AdjacentShardToMerge="shardId-000000000001",
    )
    kinesis.update_shard_count(StreamName="s", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    shards = _shape(kinesis.list_shards(StreamName="s"))
    description = _shape(kinesis.describe_stream(StreamName="s"))
    summary = _shape(kinesis.describe_stream_summary(StreamName="s"))
    streams = _shape(kinesis.list_streams())

    servers.restart()
    kinesis = servers.client()
    assert _shape(kinesis.list_shards(StreamName="s")) == shards
    assert _shape(kinesis.describe_stream(StreamName="s")) == description
    assert _shape(kinesis.describe_stream_summary(StreamName="s")) == summary
    assert _shape(kinesis.list_streams()) == streams
    # A closed parent still has its records, then leads to its children.
    parent = kinesis.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records, last = _read_all(kinesis, parent)
    assert [r["Data"] for r in records] == [b"before the split"]
    assert [c["ShardId"] for c in last["ChildShards"]] == [
        "shardId-000000000002",
        "shardId-000000000003",
    ]
    # Writes go to the open shards as before.
    put = kinesis.put_record(StreamName="s", Data=b"after", PartitionKey="a")
    assert put["ShardId"] in {s["ShardId"] for s in shards["Shards"]}


def test_consumers_tags_and_policies_survive_a_restart(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=1, Tags={"team": "data"})
    kinesis.add_tags_to_stream(StreamName="s", Tags={"env": "test"})
    consumer = kinesis.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")[
        "Consumer"
    ]["ConsumerARN"]
    kinesis.tag_resource(ResourceARN=consumer, Tags={"owner": "me"})
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": ["kinesis:GetRecords"],
                    "Resource": STREAM_ARN,
                }
            ],
        }
    )
    kinesis.put_resource_policy(ResourceARN=STREAM_ARN, Policy=policy)
    kinesis.put_resource_policy(ResourceARN=consumer, Policy=policy)
    described = _shape(kinesis.describe_stream_consumer(ConsumerARN=consumer))

    servers.restart()
    kinesis = servers.client()
    assert _shape(kinesis.describe_stream_consumer(ConsumerARN=consumer)) == described
    assert [
        c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=STREAM_ARN)["Consumers"]
    ] == ["app"]
    assert kinesis.list_tags_for_stream(StreamName="s")["Tags"] == [
        {"Key": "env", "Value": "test"},
        {"Key": "team", "Value": "data"},
    ]
    assert kinesis.list_tags_for_resource(ResourceARN=consumer)["Tags"] == [
        {"Key": "owner", "Value": "me"}
    ]
    for arn in (STREAM_ARN, consumer):
        assert json.loads(kinesis.get_resource_policy(ResourceARN=arn)["Policy"]) == json.loads(
            policy
        )
    events = kinesis.subscribe_to_shard(
        ConsumerARN=consumer,
        ShardId="shardId-000000000000",
        StartingPosition={"Type": "TRIM_HORIZON"},
    )["EventStream"]
    kinesis.put_record(StreamName="s", Data=b"pushed", PartitionKey="k")
    for event in events:
        if event["SubscribeToShardEvent"]["Records"]:
            assert event["SubscribeToShardEvent"]["Records"][0]["Data"] == b"pushed"
            break


@needs_model("kinesis", "UpdateAccountSettings")
@needs_model("kinesis", "UpdateStreamWarmThroughput")
@needs_model("kinesis", "UpdateStreamRecordDistributionStrategy")
def test_stream_and_account_settings_survive_a_restart(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.put_record(StreamName="s", Data=b"plain", PartitionKey="k")
    kinesis.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=48)
    kinesis.start_stream_encryption(StreamName="s", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    kinesis.put_record(StreamName="s", Data=b"secret", PartitionKey="k")
    kinesis.enable_enhanced_monitoring(StreamName="s", ShardLevelMetrics=["IncomingBytes"])
    kinesis.update_max_record_size(StreamARN=STREAM_ARN, MaxRecordSizeInKiB=2048)
    kinesis.create_stream(StreamName="od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    kinesis.update_stream_warm_throughput(StreamName="od", WarmThroughputMiBps=100)
    od_arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/od"
    kinesis.update_stream_record_distribution_strategy(
        StreamARN=od_arn, RecordDistributionStrategy="AUTO"
    )
    kinesis.create_stream(StreamName="m", ShardCount=1)
    kinesis.update_stream_mode(
        StreamARN=f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/m",
        StreamModeDetails={"StreamMode": "ON_DEMAND"},
    )
    summaries = {
        name: _shape(kinesis.describe_stream_summary(StreamName=name)) for name in ("s", "od", "m")
    }
    account = _shape(kinesis.describe_account_settings())

    servers.restart()
    kinesis = servers.client()
    for name, summary in summaries.items():
        assert _shape(kinesis.describe_stream_summary(StreamName=name)) == summary
    assert summaries["s"]["StreamDescriptionSummary"]["RetentionPeriodHours"] == 48
    assert _shape(kinesis.describe_account_settings()) == account
    iterator = kinesis.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [(r["Data"], r.get("EncryptionType")) for r in records] == [
        (b"plain", None),
        (b"secret", "KMS"),
    ]
    assert (
        kinesis.put_record(StreamName="s", Data=b"x" * 1_500_000, PartitionKey="k")[
            "EncryptionType"
        ]
        == "KMS"
    )


def test_queues_and_channels_survive_a_restart(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    if "CreateQueue" not in kinesis.meta.service_model.operation_names:
        pytest.skip("this botocore's kinesis model has no queues (they came in 1.44)")
    kinesis.create_stream(StreamName="s", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    queue = kinesis.create_queue(
        QueueName="q",
        StreamConfigurationList=[
            {"StreamARN": STREAM_ARN, "StartingPosition": {"Type": "TRIM_HORIZON"}}
        ],
        QueueAttributes={"VisibilityTimeoutSeconds": 600},
    )["QueueDescription"]["QueueARN"]
    for payload in (b"a", b"b", b"c"):
        kinesis.put_record(StreamName="s", Data=payload, PartitionKey=payload.decode())
    received = kinesis.receive_queue_records(QueueARN=queue, Limit=2)["QueueRecords"]
    channel = kinesis.create_channel(
        ChannelName="to-s3",
        ServiceExecutionRoleARN=f"arn:aws:iam::{ACCOUNT}:role/delivery",
        StreamConfigurationList=[
            {"StreamARN": STREAM_ARN, "RecordConfiguration": {"RecordFormatType": "JSON"}}
        ],
        Tags={"team": "data"},
        S3DestinationConfiguration={
            "DataFreshnessInSeconds": 60,
            "DeadLetterQueueS3Configuration": {
                "BucketARN": "arn:aws:s3:::dlq",
                "ExpectedBucketOwner": ACCOUNT,
            },
            "StorageConfiguration": {
                "BucketARN": "arn:aws:s3:::data",
                "ExpectedBucketOwner": ACCOUNT,
                "CompressionType": "GZIP",
            },
        },
    )["ChannelDescription"]["ChannelARN"]
    described = (
        _shape(kinesis.describe_queue(QueueARN=queue)),
        _shape(kinesis.describe_channel(ChannelARN=channel)),
    )

    servers.restart()
    kinesis = servers.client()
    assert (
        _shape(kinesis.describe_queue(QueueARN=queue)),
        _shape(kinesis.describe_channel(ChannelARN=channel)),
    ) == described
    # The queue remembers what it handed out: the rest comes next, and the
    # receipt handles issued before still acknowledge.
    rest = kinesis.receive_queue_records(QueueARN=queue, Limit=10)["QueueRecords"]
    assert sorted(r["Data"] for r in [*received, *rest]) == [b"a", b"b", b"c"]
    acknowledged = kinesis.acknowledge_queue_records(
        QueueARN=queue, Entries=[{"ReceiptHandle": r["ReceiptHandle"]} for r in received]
    )
    assert len(acknowledged["Successful"]) == 2
    assert kinesis.list_tags_for_resource(ResourceARN=channel)["Tags"] == [
        {"Key": "team", "Value": "data"}
    ]


def test_next_tokens_issued_before_a_restart_still_page(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    for name in ("a", "b", "c"):
        kinesis.create_stream(StreamName=name, ShardCount=3)
    streams = kinesis.list_streams(Limit=1)
    shards = kinesis.list_shards(StreamName="b", MaxResults=1)

    servers.restart()
    kinesis = servers.client()
    assert kinesis.list_streams(NextToken=streams["NextToken"])["StreamNames"] == ["b", "c"]
    assert [s["ShardId"] for s in kinesis.list_shards(NextToken=shards["NextToken"])["Shards"]] == [
        "shardId-000000000001",
        "shardId-000000000002",
    ]


def test_pending_transitions_complete_after_a_restart(servers: Restarts) -> None:
    delays = {"stream_create_delay": 10, "stream_update_delay": 10, "consumer_create_delay": 10}
    servers.start(**delays)
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=1)
    clock.advance(10)
    kinesis.create_stream(StreamName="new", ShardCount=1)
    kinesis.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
    kinesis.split_shard(
        StreamName="s", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**126)
    )
    status = kinesis.describe_stream_summary(StreamName="new")["StreamDescriptionSummary"]
    assert status["StreamStatus"] == "CREATING"

    servers.restart(**delays)
    kinesis = servers.client()

    def state() -> tuple[str, str, int, str]:
        return (
            kinesis.describe_stream_summary(StreamName="new")["StreamDescriptionSummary"][
                "StreamStatus"
            ],
            kinesis.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"][
                "StreamStatus"
            ],
            len(kinesis.list_shards(StreamName="s")["Shards"]),
            kinesis.describe_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")[
                "ConsumerDescription"
            ]["ConsumerStatus"],
        )

    assert state() == ("CREATING", "UPDATING", 1, "CREATING")
    clock.advance(10)
    assert state() == ("ACTIVE", "ACTIVE", 3, "ACTIVE")
    # ...and what the transitions did is saved in its turn.
    servers.restart(**delays)
    kinesis = servers.client()
    assert state() == ("ACTIVE", "ACTIVE", 3, "ACTIVE")


def test_records_past_retention_stay_gone_after_a_restart(servers: Restarts) -> None:
    servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=1)
    old = kinesis.put_record(StreamName="s", Data=b"old", PartitionKey="k")
    clock.advance(23 * 3600)
    kinesis.put_record(StreamName="s", Data=b"new", PartitionKey="k")
    clock.advance(2 * 3600)

    def trim_horizon() -> list[bytes]:
        iterator = kinesis.get_shard_iterator(
            StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        return [r["Data"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]]

    assert trim_horizon() == [b"new"]
    servers.restart()
    kinesis = servers.client()
    assert trim_horizon() == [b"new"]
    newest = kinesis.put_record(StreamName="s", Data=b"newest", PartitionKey="k")
    assert int(newest["SequenceNumber"]) > int(old["SequenceNumber"])
    assert trim_horizon() == [b"new", b"newest"]


def test_forget_and_reset_clear_the_saved_state(servers: Restarts) -> None:
    handle = servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.put_record(StreamName="s", Data=b"gone", PartitionKey="k")
    other = boto3.client(
        "kinesis",
        region_name="eu-west-1",
        endpoint_url=handle.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    other.create_stream(StreamName="kept", ShardCount=1)
    assert handle.registry.forget(region=REGION) == 1
    handle = servers.restart()
    assert servers.client().list_streams()["StreamNames"] == []
    other = boto3.client(
        "kinesis",
        region_name="eu-west-1",
        endpoint_url=handle.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    assert other.list_streams()["StreamNames"] == ["kept"]
    handle.registry.reset()
    servers.restart()
    assert servers.client().list_streams()["StreamNames"] == []


def test_a_data_directory_serves_one_server_at_a_time(servers: Restarts) -> None:
    servers.start()
    with pytest.raises(ServerStartError, match="another kinesis-mock server is using it"):
        server.start(port=0, data_dir=servers.directory)


def test_a_data_directory_of_another_format_is_refused_not_misread(servers: Restarts) -> None:
    """A directory written by a kinesis-mock whose pickled classes lived
    elsewhere would not load; the server says so in one line instead."""
    import sqlite3

    from kinesis_mock.storage.store import DATABASE, FORMAT

    servers.start()
    servers.client().create_stream(StreamName="s", ShardCount=1)
    assert servers.handle is not None
    servers.handle.stop()
    with sqlite3.connect(servers.directory / DATABASE) as database:
        database.execute("UPDATE meta SET value = ? WHERE name = 'format'", (b"1",))
    database.close()
    assert FORMAT != b"1"
    with pytest.raises(ServerStartError) as refused:
        server.start(port=0, data_dir=servers.directory)
    assert str(refused.value) == (
        f"kinesis-mock: cannot use the data directory {servers.directory}: it holds data of "
        f"another kinesis-mock version (format 1; this one reads {FORMAT.decode()})"
    )


EDGE = {
    "HubDeviceArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/hub",
    "RecorderConfig": {
        "MediaSourceConfig": {
            "MediaUriSecretArn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:cam",
            "MediaUriType": "RTSP_URI",
        }
    },
    "DeletionConfig": {"EdgeRetentionInHours": 24},
}


def test_kinesis_video_streams_channels_and_media_survive_a_restart(servers: Restarts) -> None:
    handle = servers.start(stream_update_delay=10)
    video = servers.client("kinesisvideo")
    video.create_stream(StreamName="cam", DataRetentionInHours=24, Tags={"site": "door"})
    stream_arn = video.describe_stream(StreamName="cam")["StreamInfo"]["StreamARN"]
    channel = video.create_signaling_channel(ChannelName="door")["ChannelARN"]
    video.update_media_storage_configuration(
        ChannelARN=channel,
        MediaStorageConfiguration={"StreamARN": stream_arn, "Status": "ENABLED"},
    )
    video.tag_resource(ResourceARN=channel, Tags=[{"Key": "kind", "Value": "bell"}])
    video.update_notification_configuration(
        StreamName="cam",
        NotificationConfiguration={
            "Status": "ENABLED",
            "DestinationConfig": {"Uri": "arn:aws:sns:us-east-1:123456789012:topic"},
        },
    )
    video.update_image_generation_configuration(
        StreamName="cam",
        ImageGenerationConfiguration={
            "Status": "ENABLED",
            "ImageSelectorType": "SERVER_TIMESTAMP",
            "DestinationConfig": {"Uri": "s3://bucket/images", "DestinationRegion": REGION},
            "SamplingInterval": 3000,
            "Format": "JPEG",
            "WidthPixels": 640,
        },
    )
    # Syncing until the update delay passes, restart or not.
    video.start_edge_configuration_update(StreamName="cam", EdgeConfig=EDGE)
    now = datetime.now(timezone.utc)
    numbers = [
        handle.state.put_media(
            "cam", f"fragment-{i}".encode() * 1000, server_timestamp=now + timedelta(seconds=2 * i)
        )
        for i in range(3)
    ]

    def describe_all(video: Any) -> tuple[Any, ...]:
        return (
            _shape(video.describe_stream(StreamName="cam")),
            _shape(video.describe_signaling_channel(ChannelARN=channel)),
            _shape(video.describe_media_storage_configuration(ChannelARN=channel)),
            _shape(video.describe_notification_configuration(StreamName="cam")),
            _shape(video.describe_image_generation_configuration(StreamName="cam")),
            _shape(video.describe_edge_configuration(StreamName="cam")),
            _shape(video.list_tags_for_stream(StreamName="cam")),
            _shape(video.list_tags_for_resource(ResourceARN=channel)),
        )

    described = describe_all(video)
    assert described[5]["SyncStatus"] == "SYNCING"
    archived = servers.client("kinesis-video-archived-media")
    session = archived.get_hls_streaming_session_url(StreamName="cam")["HLSStreamingSessionURL"]

    handle = servers.restart(stream_update_delay=10)
    video = servers.client("kinesisvideo")
    assert describe_all(video) == described
    clock.advance(10)
    assert video.describe_edge_configuration(StreamName="cam")["SyncStatus"] == "IN_SYNC"
    edges = video.list_edge_agent_configurations(HubDeviceArn=EDGE["HubDeviceArn"])["EdgeConfigs"]
    assert [edge["StreamName"] for edge in edges] == ["cam"]
    media = servers.client("kinesis-video-media").get_media(
        StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
    )
    assert media["Payload"].read() == b"".join(f"fragment-{i}".encode() * 1000 for i in range(3))
    archived = servers.client("kinesis-video-archived-media")
    listed = archived.list_fragments(StreamName="cam")["Fragments"]
    assert sorted(f["FragmentNumber"] for f in listed) == numbers
    assert {f["FragmentSizeInBytes"] for f in listed} == {len(b"fragment-0") * 1000}
    chosen = archived.get_media_for_fragment_list(StreamName="cam", Fragments=numbers[1:2])
    assert chosen["Payload"].read() == b"fragment-1" * 1000
    # The HLS session URL handed out before the restart still plays (at the
    # new server's port: this one listens on a free port).
    import requests

    url = urlsplit(session)._replace(netloc=urlsplit(handle.endpoint_url).netloc)
    media_playlist = url._replace(path=url.path.replace("Master", "Media"))
    playlist = requests.get(media_playlist.geturl() + "&TrackNumber=1", timeout=10)
    assert playlist.status_code == 200 and "FragmentNumber=" in playlist.text
    # New fragments follow the old ones.
    later = handle.state.put_media("cam", b"later", server_timestamp=now + timedelta(seconds=10))
    assert int(later) > int(numbers[-1])


def test_an_in_process_mock_keeps_nothing_on_disk() -> None:
    assert REGISTRY.store is None
    assert type(REGISTRY) is Registry


def test_the_data_directory_option_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kinesis_mock import cli

    monkeypatch.setenv("KINESIS_MOCK_DATA_DIR", str(tmp_path))
    assert cli._parser().parse_args(["serve"]).data_dir == str(tmp_path)
    assert cli._parser().parse_args(["serve", "--data-dir", "elsewhere"]).data_dir == "elsewhere"


def test_a_data_directory_in_use_or_not_a_directory_is_one_line(
    servers: Restarts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kinesis_mock import cli

    servers.start()
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["serve", "--port", "0", "--data-dir", str(servers.directory)])
    assert excinfo.value.code == 1
    assert capsys.readouterr().err == (
        f"kinesis-mock: cannot use the data directory {servers.directory}: "
        "another kinesis-mock server is using it\n"
    )
    afile = tmp_path / "file"
    afile.write_text("")
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["serve", "--port", "0", "--data-dir", str(afile)])
    assert excinfo.value.code == 2
    assert f"argument --data-dir: {str(afile)!r} is not a directory" in capsys.readouterr().err


def test_the_admin_summary_and_reset_with_a_data_directory(servers: Restarts) -> None:
    handle = servers.start()
    kinesis = servers.client()
    kinesis.create_stream(StreamName="s", ShardCount=2)
    kinesis.put_records(
        StreamName="s", Records=[{"Data": b"x", "PartitionKey": str(n)} for n in range(7)]
    )
    servers.client("kinesisvideo").create_stream(StreamName="cam")
    handle.state.put_media("cam", b"frame")

    handle = servers.restart()
    (place,) = handle.summary()
    assert [(s["name"], s["records"]) for s in place["streams"]] == [("s", 7)]
    assert [(v["name"], v["fragments"]) for v in place["video_streams"]] == [("cam", 1)]
    handle.admin.reset()
    handle = servers.restart()
    assert handle.summary() == []


def test_the_operations_saved_without_their_backend_exist() -> None:
    from kinesis_mock.registry import LOOK
    from kinesis_mock.services.catalog import SERVICES
    from kinesis_mock.storage.registry import UNCHANGING

    handled = {name for service in SERVICES.values() for name in service.handlers}
    assert UNCHANGING - {LOOK} <= handled

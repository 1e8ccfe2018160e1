"""The server's admin API: health, reset, the state summary, and the Python
client of it (``handle.admin``, ``AdminClient``), as another process uses them."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from test_server import client_for

from kinesis_mock import __version__, clock
from kinesis_mock.admin_client import AdminClient, AdminError
from kinesis_mock.protocol.wire import Request
from kinesis_mock.registry import Registry
from kinesis_mock.transport import admin


def _video(server: Any, access_key: str = "AKIDEXAMPLE") -> Any:
    return boto3.client(
        "kinesisvideo",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key="secret",
    )


def test_health_answers_with_the_version(kinesis_server: Any) -> None:
    assert kinesis_server.admin.health() == {
        "status": "ok",
        "version": __version__,
        "account": "123456789012",
    }
    assert kinesis_server.admin.wait_until_healthy(timeout=5)["status"] == "ok"


def test_wait_until_healthy_gives_up_on_a_server_that_is_not_there() -> None:
    with pytest.raises(TimeoutError, match="did not answer"):
        AdminClient("http://127.0.0.1:9", timeout=0.5).wait_until_healthy(timeout=0.3)


def test_the_state_summary_counts_streams_shards_and_records(kinesis_server: Any) -> None:
    client = client_for(kinesis_server)
    client.create_stream(StreamName="orders", ShardCount=2)
    client.create_stream(StreamName="audit", ShardCount=1)
    client.put_records(
        StreamName="orders",
        Records=[{"Data": b"x", "PartitionKey": str(n)} for n in range(7)],
    )
    client.split_shard(
        StreamName="audit",
        ShardToSplit="shardId-000000000000",
        NewStartingHashKey=str(1 << 127),
    )
    arn = client.describe_stream_summary(StreamName="orders")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    client.register_stream_consumer(StreamARN=arn, ConsumerName="billing")
    client_for(kinesis_server, "111122223333").create_stream(StreamName="theirs", ShardCount=1)
    _video(kinesis_server).create_stream(StreamName="cam")
    kinesis_server.state.put_media("cam", b"frame")

    (theirs, ours) = kinesis_server.admin.state()  # sorted by account
    assert (ours["account"], ours["region"]) == ("123456789012", "us-east-1")
    assert ours["streams"] == [
        {
            "name": "audit",
            "status": "ACTIVE",
            "mode": "PROVISIONED",
            "shards": 3,
            "open_shards": 2,
            "records": 0,
            "consumers": 0,
        },
        {
            "name": "orders",
            "status": "ACTIVE",
            "mode": "PROVISIONED",
            "shards": 2,
            "open_shards": 2,
            "records": 7,
            "consumers": 1,
        },
    ]
    assert ours["video_streams"] == [{"name": "cam", "status": "ACTIVE", "fragments": 1}]
    assert theirs["account"] == "111122223333"
    assert [stream["name"] for stream in theirs["streams"]] == ["theirs"]
    assert kinesis_server.admin.state(account="111122223333") == [theirs]
    assert kinesis_server.admin.state(region="eu-west-1") == []
    assert kinesis_server.summary() == [theirs, ours]
    assert set(kinesis_server.admin.streams()) == {"audit", "orders"}
    assert set(kinesis_server.streams()) == {"audit", "orders"}


def test_reset_forgets_everything_or_one_account(kinesis_server: Any) -> None:
    ours, theirs = client_for(kinesis_server), client_for(kinesis_server, "111122223333")
    ours.create_stream(StreamName="orders", ShardCount=1)
    theirs.create_stream(StreamName="theirs", ShardCount=1)
    kinesis_server.admin.reset(account="111122223333")
    assert theirs.list_streams()["StreamNames"] == []
    assert ours.list_streams()["StreamNames"] == ["orders"]
    kinesis_server.admin.fail("ListStreams", "InternalFailure", times=None)
    kinesis_server.admin.reset()
    assert kinesis_server.admin.faults() == []
    assert ours.list_streams()["StreamNames"] == []
    # The server keeps serving, and keeps its settings.
    ours.create_stream(StreamName="again", ShardCount=1)
    kinesis_server.reset(region="us-east-1")
    assert ours.list_streams()["StreamNames"] == []


def test_the_python_client_arranges_faults_reads_calls_and_moves_the_clock(
    kinesis_server: Any,
) -> None:
    client = client_for(kinesis_server, config=Config(retries={"total_max_attempts": 1}))
    client.create_stream(StreamName="orders", ShardCount=1)
    admin_client = kinesis_server.admin
    fault = admin_client.fail("PutRecord", "ProvisionedThroughputExceededException", times=1)
    assert (fault["operations"], fault["fired"]) == (["PutRecord"], 0)
    with pytest.raises(ClientError):
        client.put_record(StreamName="orders", Data=b"x", PartitionKey="k")
    admin_client.fail_records(index=[0], error="InternalFailure")
    answer = client.put_records(StreamName="orders", Records=[{"Data": b"y", "PartitionKey": "k"}])
    assert answer["FailedRecordCount"] == 1
    admin_client.delay("ListShards", 0.01)
    client.list_shards(StreamName="orders")
    assert [f["fired"] for f in admin_client.faults()] == [1, 1, 1]
    admin_client.clear_faults()
    assert admin_client.faults() == []
    failed = admin_client.calls(ok=False)
    assert [call["operation"] for call in failed] == ["PutRecord"]
    assert len(admin_client.calls(operation="PutRecords")) == 1
    admin_client.clear_calls()
    assert admin_client.calls() == []
    try:
        before = admin_client.now()
        assert admin_client.advance(10) >= before + 10
    finally:
        clock.reset_advance()
    with pytest.raises(AdminError) as refused:
        admin_client.fail("PutRecord", "NoSuchError")
    assert refused.value.status == 400
    assert "PutRecord does not answer NoSuchError" in refused.value.message


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"stream": "orders"}', "reset takes account and region, not stream"),
        (b'{"account": 1}', "account is a string"),
        (b"[1]", "the body is a JSON object"),
    ],
)
def test_bad_resets_are_refused_and_change_nothing(body: bytes, error: str) -> None:
    registry = Registry()
    registry.faults.fail("ListStreams", "InternalFailure")
    request = Request(method="POST", path="/_kinesis_mock/reset", headers={}, body=body)
    answer = admin.answer(registry, request, "127.0.0.1")
    assert answer.status == 400
    assert isinstance(answer.body, bytes) and error in answer.body.decode()
    assert len(registry.faults) == 1


def test_the_admin_api_opens_to_other_hosts_only_when_asked() -> None:
    registry = Registry()
    request = Request(method="GET", path="/_kinesis_mock/health", headers={}, body=b"")
    refused = admin.answer(registry, request, "172.17.0.1")
    assert refused.status == 403
    assert isinstance(refused.body, bytes) and b"--admin-anywhere" in refused.body
    assert admin.answer(registry, request, "172.17.0.1", anywhere=True).status == 200

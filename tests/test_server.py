"""The same engine over HTTP: boto3 with endpoint_url, and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import boto3
import pytest
import requests


def _client(server: Any, access_key: str = "AKIDEXAMPLE") -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key="secret",
    )


def test_streams_records_and_errors_over_http(kinesis_server: Any) -> None:
    client = _client(kinesis_server)
    client.create_stream(StreamName="s", ShardCount=1)
    put = client.put_record(StreamName="s", Data=b"over http", PartitionKey="k")
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["Data"] for r in client.get_records(ShardIterator=iterator)["Records"]] == [
        b"over http"
    ]
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.describe_stream(StreamName="missing")
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]


def test_subscribe_to_shard_streams_over_http(kinesis_server: Any) -> None:
    client = _client(kinesis_server)
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="app")["Consumer"][
        "ConsumerARN"
    ]
    for i in range(3):
        client.put_record(StreamName="s", Data=f"r{i}".encode(), PartitionKey="k")
    events = client.subscribe_to_shard(
        ConsumerARN=consumer,
        ShardId="shardId-000000000000",
        StartingPosition={"Type": "TRIM_HORIZON"},
    )["EventStream"]
    data = [r["Data"] for e in events for r in e["SubscribeToShardEvent"]["Records"]]
    assert data == [b"r0", b"r1", b"r2"]


def test_accounts_through_one_server(kinesis_server: Any) -> None:
    _client(kinesis_server, "111122223333").create_stream(StreamName="theirs", ShardCount=1)
    assert _client(kinesis_server).list_streams()["StreamNames"] == []
    assert _client(kinesis_server, "111122223333").list_streams()["StreamNames"] == ["theirs"]


def test_unknown_target_over_http(kinesis_server: Any) -> None:
    response = requests.post(
        kinesis_server.endpoint_url,
        data="{}",
        headers={
            "X-Amz-Target": "Kinesis_20131202.Nope",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {"__type": "UnknownOperationException"}


def test_command_line_server(tmp_path: Any) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kinesis_mock", "serve", "--port", "0", "--stream", "boot:2"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("kinesis-mock serving on http://127.0.0.1:")
        endpoint = line.rsplit(" ", 1)[1].strip()
        client = boto3.client(
            "kinesis",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="a",
            aws_secret_access_key="b",
        )
        summary = client.describe_stream_summary(StreamName="boot")["StreamDescriptionSummary"]
        assert summary["OpenShardCount"] == 2
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unsigned_and_malformed_signatures_are_refused(kinesis_server: Any) -> None:
    headers = {
        "X-Amz-Target": "Kinesis_20131202.ListStreams",
        "Content-Type": "application/x-amz-json-1.1",
    }
    unsigned = requests.post(kinesis_server.endpoint_url, data="{}", headers=headers, timeout=5)
    assert unsigned.status_code == 400
    assert unsigned.json() == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Missing Authentication Token",
    }
    malformed = requests.post(
        kinesis_server.endpoint_url,
        data="{}",
        headers={**headers, "Authorization": "AWS4-HMAC-SHA256 nonsense"},
        timeout=5,
    )
    assert malformed.status_code == 400
    body = malformed.json()
    assert body["__type"] == "IncompleteSignatureException"
    assert body["message"].startswith("Authorization header requires 'Credential' parameter.")

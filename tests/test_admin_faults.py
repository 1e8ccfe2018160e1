"""Faults, the journal and the clock over a server's admin API
(``/_kinesis_mock/``), for tests whose code under test runs outside the process."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from test_server import client_for

from kinesis_mock.protocol.wire import Request
from kinesis_mock.registry import Registry
from kinesis_mock.transport import admin


def _admin(server: Any, resource: str) -> str:
    return f"{server.endpoint_url}/_kinesis_mock/{resource}"


def _client(server: Any) -> Any:
    return client_for(server, config=Config(retries={"total_max_attempts": 1}))


def test_a_fault_arranged_over_http_fails_the_next_call(kinesis_server: Any) -> None:
    client = _client(kinesis_server)
    client.create_stream(StreamName="orders", ShardCount=1)
    arranged = requests.post(
        _admin(kinesis_server, "faults"),
        json={"operation": "PutRecord", "error": "ProvisionedThroughputExceededException"},
        timeout=10,
    )
    assert arranged.status_code == 200
    assert arranged.json()["fault"]["fired"] == 0
    with pytest.raises(ClientError) as caught:
        client.put_record(StreamName="orders", Data=b"x", PartitionKey="k")
    assert caught.value.response["Error"]["Message"] == (
        "Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012."
    )
    client.put_record(StreamName="orders", Data=b"x", PartitionKey="k")
    (listed,) = requests.get(_admin(kinesis_server, "faults"), timeout=10).json()["faults"]
    assert (listed["operations"], listed["calls"], listed["fired"]) == (["PutRecord"], 1, 1)
    assert requests.delete(_admin(kinesis_server, "faults"), timeout=10).json() == {"faults": []}
    assert list(kinesis_server.state.faults) == []


def test_entry_faults_over_http(kinesis_server: Any) -> None:
    client = _client(kinesis_server)
    client.create_stream(StreamName="orders", ShardCount=1)
    requests.post(
        _admin(kinesis_server, "faults"),
        json={"kind": "fail_records", "index": [1], "error": "InternalFailure"},
        timeout=10,
    ).raise_for_status()
    answer = client.put_records(
        StreamName="orders",
        Records=[{"Data": b"a", "PartitionKey": "k"}, {"Data": b"b", "PartitionKey": "k"}],
    )
    assert answer["FailedRecordCount"] == 1
    assert answer["Records"][1]["ErrorCode"] == "InternalFailure"
    assert [record.data for record in kinesis_server.state.records("orders")] == [b"a"]


def test_the_journal_over_http(kinesis_server: Any) -> None:
    client = _client(kinesis_server)
    client.create_stream(StreamName="orders", ShardCount=1)
    client.put_record(StreamName="orders", Data=b"xyz", PartitionKey="k")
    with pytest.raises(ClientError):
        client.describe_stream(StreamName="missing")
    calls = requests.get(_admin(kinesis_server, "calls"), timeout=10).json()["calls"]
    assert [(call["operation"], call["error"]) for call in calls] == [
        ("CreateStream", None),
        ("PutRecord", None),
        ("DescribeStream", "ResourceNotFoundException"),
    ]
    assert calls[1]["params"] == {"StreamName": "orders", "Data": {"bytes": 3}, "PartitionKey": "k"}
    failed = requests.get(
        _admin(kinesis_server, "calls"), params={"ok": "false"}, timeout=10
    ).json()["calls"]
    assert [call["operation"] for call in failed] == ["DescribeStream"]
    puts = requests.get(
        _admin(kinesis_server, "calls"), params={"operation": "put_record"}, timeout=10
    ).json()["calls"]
    assert len(puts) == 1
    requests.delete(_admin(kinesis_server, "calls"), timeout=10).raise_for_status()
    assert kinesis_server.state.calls() == []


def test_the_clock_over_http_expires_iterators(kinesis_server: Any) -> None:
    client = _client(kinesis_server)
    client.create_stream(StreamName="orders", ShardCount=1)
    iterator = client.get_shard_iterator(
        StreamName="orders", ShardId="shardId-000000000000", ShardIteratorType="LATEST"
    )["ShardIterator"]
    before = requests.get(_admin(kinesis_server, "clock"), timeout=10).json()["now"]
    moved = requests.post(_admin(kinesis_server, "clock"), json={"advance": 301}, timeout=10)
    assert moved.json()["now"] >= before + 301
    try:
        with pytest.raises(ClientError) as caught:
            client.get_records(ShardIterator=iterator)
        assert caught.value.response["Error"]["Code"] == "ExpiredIteratorException"
    finally:
        from kinesis_mock import clock

        clock.reset_advance()  # the server's clock is the process's


@pytest.mark.parametrize(
    ("method", "resource", "body", "status", "error"),
    [
        ("GET", "nothing", None, 404, "no admin resource 'nothing'"),
        ("PUT", "faults", None, 405, "PUT is not allowed on faults"),
        ("POST", "faults", b"{", 400, "the body is not JSON"),
        ("POST", "faults", b"[]", 400, "the body is a JSON object"),
        ("POST", "faults", b'{"kind": "explode"}', 400, "kind must be one of"),
        ("POST", "faults", b'{"operation": "PutRecord", "where": 1}', 400, "fail takes no where"),
        (
            "POST",
            "faults",
            b'{"operation": "PutRecord", "error": "Nope"}',
            400,
            "PutRecord does not answer Nope",
        ),
        ("POST", "faults", b'{"operation": "PutRecord"}', 400, "missing 1 required"),
        ("POST", "clock", b'{"advance": -1}', 400, "only moves forward"),
        ("POST", "clock", b'{"back": 1}', 400, "the clock takes"),
        ("GET", "calls?colour=red", None, 400, "calls cannot be filtered by 'colour'"),
    ],
)
def test_bad_admin_requests_are_refused_plainly(
    method: str, resource: str, body: bytes | None, status: int, error: str
) -> None:
    registry = Registry()
    path, _, query = resource.partition("?")
    request = Request(
        method=method,
        path=f"/_kinesis_mock/{path}",
        headers={},
        body=body or b"",
        query={key: [value] for key, value in (q.split("=") for q in query.split("&") if q)},
    )
    answer = admin.answer(registry, request, "127.0.0.1")
    assert answer.status == status
    assert isinstance(answer.body, bytes)
    assert error in answer.body.decode()
    assert list(registry.faults) == []


def test_the_admin_api_answers_only_this_machine() -> None:
    registry = Registry()
    request = Request(method="GET", path="/_kinesis_mock/faults", headers={}, body=b"")
    assert admin.answer(registry, request, "10.1.2.3").status == 403
    assert admin.answer(registry, request, None).status == 403
    assert admin.answer(registry, request, "::1").status == 200

"""Every call to a mocked service is answered in process, whatever endpoint
the client resolved; calls to other services pass through untouched."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
import requests
from botocore.config import Config
from helpers import ACCOUNT, signed_request

from kinesis_mock import mock_kinesis


def _roundtrip(client: Any) -> list[str]:
    client.create_stream(StreamName="s", ShardCount=1)
    return list(client.list_streams()["StreamNames"])


@pytest.mark.parametrize(
    ("region", "config", "host"),
    [
        ("us-east-1", None, "kinesis.us-east-1.amazonaws.com"),
        ("us-east-1", Config(use_fips_endpoint=True), "kinesis-fips.us-east-1.amazonaws.com"),
        ("cn-north-1", None, "kinesis.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", None, "kinesis.us-gov-west-1.amazonaws.com"),
        ("eu-west-1", Config(use_dualstack_endpoint=True), "kinesis.eu-west-1.api.aws"),
    ],
)
def test_every_partition_and_endpoint_variant_is_answered(
    kinesis_mock: Any, no_network: list[str], region: str, config: Any, host: str
) -> None:
    client = boto3.client("kinesis", region_name=region, config=config)
    urls: list[str] = []
    client.meta.events.register(
        "before-send.kinesis", lambda request, **_: urls.append(request.url)
    )
    assert _roundtrip(client) == ["s"]
    assert all(host in url for url in urls), urls
    assert no_network == []


def test_custom_endpoint_url_is_answered(kinesis_mock: Any, no_network: list[str]) -> None:
    client = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url="https://kinesis.internal.example:8443"
    )
    assert _roundtrip(client) == ["s"]
    assert no_network == []


def test_stream_arn_data_endpoint_is_answered(kinesis_mock: Any, no_network: list[str]) -> None:
    client = boto3.client("kinesis", region_name="us-east-1")
    client.create_stream(StreamName="s", ShardCount=1)
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/s"
    client.delete_stream(StreamARN=arn)
    assert client.list_streams()["StreamNames"] == []
    assert no_network == []


def test_client_created_before_the_mock_is_answered(no_network: list[str]) -> None:
    client = boto3.client(
        "kinesis", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    with mock_kinesis():
        assert _roundtrip(client) == ["s"]
    assert no_network == []


def test_session_without_our_handler_is_still_answered(no_network: list[str]) -> None:
    # A botocore session whose handlers were set up without ours (as one
    # created before kinesis_mock was imported would be).
    session = botocore.session.get_session()
    session.unregister("before-send", unique_id=None, handler=_our_handler())
    with mock_kinesis():
        client = session.create_client("kinesis", region_name="us-east-1")
        client.meta.events.unregister("before-send", _our_handler())
        assert _roundtrip(client) == ["s"]
    assert no_network == []


def _our_handler() -> Any:
    from kinesis_mock.transport.botocore_hook import before_send

    return before_send


def test_kinesis_video_clients_are_intercepted(kinesis_mock: Any, no_network: list[str]) -> None:
    client = boto3.client("kinesisvideo", region_name="us-east-1")
    client.create_stream(StreamName="camera")
    assert [s["StreamName"] for s in client.list_streams()["StreamInfoList"]] == ["camera"]
    assert no_network == []


def test_no_mocked_call_ever_reaches_the_network(
    monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    sent: list[str] = []

    def record(self: Any, request: Any) -> Any:
        sent.append(request.url)
        raise AssertionError(f"sent to the network: {request.url}")

    monkeypatch.setattr("botocore.httpsession.URLLib3Session.send", record)
    with mock_kinesis():
        client = boto3.client("kinesis", region_name="us-east-1")
        client.create_stream(StreamName="s", ShardCount=1)
        client.describe_stream(StreamName="s")
        client.describe_stream_summary(StreamName="s")
        client.list_streams()
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.describe_stream(StreamName="missing")
        client.delete_stream(StreamName="s")
    assert sent == []
    assert no_network == []


def test_other_services_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def fake_network(self: Any, request: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        sent.append(request.url)

        class Raw:
            def stream(self, **_: Any) -> Iterator[bytes]:
                yield b'{"Account":"1","Arn":"a","UserId":"u"}'

        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, Raw())

    monkeypatch.setattr("botocore.httpsession.URLLib3Session.send", fake_network)
    with mock_kinesis():
        boto3.client("kinesis", region_name="us-east-1").list_streams()
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.list_tables()
    assert len(sent) == 1
    assert "dynamodb.us-east-1.amazonaws.com" in sent[0]


@pytest.fixture
def local_server() -> Iterator[str]:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_requests_to_other_hosts_pass_through(kinesis_mock: Any, local_server: str) -> None:
    assert requests.get(local_server, timeout=5).text == "hello"


def test_signed_raw_requests_are_answered(kinesis_mock: Any, no_network: list[str]) -> None:
    created = signed_request(json.dumps({"StreamName": "raw", "ShardCount": 2}), "CreateStream")
    assert created.status_code == 200
    assert created.content == b""
    listed = signed_request("{}", "ListStreams")
    assert listed.status_code == 200
    assert listed.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert listed.json()["StreamNames"] == ["raw"]
    assert kinesis_mock.streams()["raw"].shard_ids == (
        "shardId-000000000000",
        "shardId-000000000001",
    )
    assert no_network == []


def test_raw_requests_select_account_and_region_from_the_signature(kinesis_mock: Any) -> None:
    body = json.dumps({"StreamName": "raw", "ShardCount": 1})
    response = signed_request(body, "CreateStream", region="eu-west-1", access_key="111122223333")
    assert response.status_code == 200
    assert list(kinesis_mock.streams(region="eu-west-1", account_id="111122223333")) == ["raw"]


def test_unsigned_raw_request_to_a_kinesis_host_is_refused_as_by_the_service(
    kinesis_mock: Any, no_network: list[str]
) -> None:
    # Answered in process, never sent; and refused as AWS refuses an
    # unsigned request.
    response = requests.post(
        "https://kinesis.us-east-1.amazonaws.com/",
        data="{}",
        headers={
            "X-Amz-Target": "Kinesis_20131202.ListStreams",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Missing Authentication Token",
    }
    assert no_network == []


def test_requests_are_not_intercepted_after_the_mock_ends(local_server: str) -> None:
    with mock_kinesis():
        pass
    assert requests.get(local_server, timeout=5).status_code == 200


def test_each_call_is_answered_exactly_once(kinesis_mock: Any) -> None:
    boto3.setup_default_session()  # a default session made while the mock is active
    client = boto3.client("kinesis", region_name="us-east-1")
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_record(StreamName="s", Data=b"once", PartitionKey="k")
    assert [r.data for r in kinesis_mock.records("s")] == [b"once"]

"""Nothing leaves the process, nothing foreign is touched.

Every test runs under a socket guard (``no_network``) that records and
refuses any connect or name lookup off this machine: a Kinesis or Kinesis
Video call that reached for the network would fail the test, whatever client
made it. Traffic that is not ours must reach its destination untouched.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
import requests
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from kinesis_mock import UnmockedServiceCall, mock_kinesis
from kinesis_mock.transport.botocore_hook import before_send


def _without_our_handler(client: Any) -> Any:
    """The client as it would be had it been created before kinesis_mock was
    imported: botocore's built-in handlers, without ours."""
    client.meta.events.unregister("before-send", before_send)
    return client


def test_an_unsigned_client_made_before_import_is_answered(no_network: list[str]) -> None:
    session = botocore.session.get_session()
    with mock_kinesis() as km:
        client = _without_our_handler(
            session.create_client(
                "kinesis", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
            )
        )
        client.create_stream(StreamName="unsigned", ShardCount=1)
        assert list(km.streams()) == ["unsigned"]
        video = _without_our_handler(
            session.create_client(
                "kinesisvideo", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
            )
        )
        video.create_stream(StreamName="cam")
        assert [s["StreamName"] for s in video.list_streams()["StreamInfoList"]] == ["cam"]
    assert no_network == []


def _signed(
    method: str, url: str, body: bytes, headers: dict[str, str], service: str
) -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), service, "us-east-1").add_auth(request)
    return dict(request.headers.items())


def _kinesis_call(
    host: str,
    signed_for: str | None = "kinesis",
    operation: str = "ListStreams",
    document: dict[str, Any] | None = None,
) -> requests.Response:
    """A raw Kinesis call with ``requests``, SigV4-signed for ``signed_for``
    (unsigned when ``None``)."""
    url = f"https://{host}/"
    body = json.dumps(document or {}).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"Kinesis_20131202.{operation}",
    }
    if signed_for is not None:
        headers = _signed("POST", url, body, headers, signed_for)
    return requests.post(url, data=body, headers=headers, timeout=5)


_KINESIS_HOSTS = [
    "kinesis.us-east-1.amazonaws.com",
    "kinesis-fips.us-east-1.amazonaws.com",
    "kinesis.us-east-1.api.aws",  # dual-stack
    "kinesis-fips.us-east-1.api.aws",
    "kinesis.cn-north-1.amazonaws.com.cn",
    "kinesis.cn-north-1.api.amazonwebservices.com.cn",
    "123456789012.control-kinesis.us-east-1.amazonaws.com",
    "123456789012.data-kinesis-fips.us-east-1.api.aws",
    "vpce-0a1b2c3d4e5f-abcdefgh.kinesis.us-east-1.vpce.amazonaws.com",
    "vpce-0a1b2c3d4e5f-abcdefgh-us-east-1a.kinesis.us-east-1.vpce.amazonaws.com",
    "kinesis.us-iso-east-1.c2s.ic.gov",
]


@pytest.mark.parametrize("host", _KINESIS_HOSTS)
def test_raw_requests_to_every_kinesis_host_are_answered(
    kinesis_mock: Any, no_network: list[str], host: str
) -> None:
    signed = _kinesis_call(host)
    assert signed.status_code == 200
    assert signed.json()["StreamNames"] == []
    # Unsigned, the service refuses it; it is still answered here.
    unsigned = _kinesis_call(host, signed_for=None)
    assert unsigned.status_code == 400
    assert unsigned.json()["__type"] == "MissingAuthenticationTokenException"
    assert no_network == []


@pytest.mark.parametrize(
    "host",
    [
        "kinesisvideo.us-east-1.amazonaws.com",
        "kinesisvideo-fips.us-east-1.api.aws",
        "s-0a1b2c3d.kinesisvideo.us-east-1.amazonaws.com",  # a data endpoint
    ],
)
def test_raw_requests_to_kinesis_video_hosts_are_answered(
    kinesis_mock: Any, no_network: list[str], host: str
) -> None:
    url = f"https://{host}/listStreams"
    body = b"{}"
    headers = {"Content-Type": "application/json"}
    signed = requests.post(
        url, data=body, headers=_signed("POST", url, body, headers, "kinesisvideo"), timeout=5
    )
    assert signed.status_code == 200
    assert signed.json()["StreamInfoList"] == []
    unsigned = requests.post(url, data=body, headers=headers, timeout=5)
    assert unsigned.status_code < 500
    assert no_network == []


def test_a_request_signed_for_another_service_sent_to_kinesis_is_refused_as_aws_does(
    kinesis_mock: Any, no_network: list[str]
) -> None:
    response = _kinesis_call("kinesis.us-east-1.amazonaws.com", signed_for="sqs")
    # The service's answer, trailing space included.
    assert response.status_code == 400
    assert response.json() == {
        "__type": "InvalidSignatureException",
        "message": "Credential should be scoped to correct service: 'kinesis'. ",
    }
    assert no_network == []


def test_a_request_signed_for_kinesis_sent_to_another_host_is_answered(
    kinesis_mock: Any, no_network: list[str]
) -> None:
    response = _kinesis_call("sqs.us-east-1.amazonaws.com")
    assert response.status_code == 200
    assert no_network == []


# -- pytest classes -------------------------------------------------------------


@mock_kinesis
class TestPlainClassHooksRunUnderTheMock:
    """setup_method, the test and teardown_method share one mock."""

    def setup_method(self, method: Any) -> None:
        self.client = boto3.client("kinesis", region_name="us-east-1")
        self.client.create_stream(StreamName=method.__name__, ShardCount=1)

    def teardown_method(self) -> None:
        self.client.delete_stream(StreamName="test_sees_what_setup_made")
        assert self.client.list_streams()["StreamNames"] == []

    def test_sees_what_setup_made(self, no_network: list[str]) -> None:
        assert self.client.list_streams()["StreamNames"] == ["test_sees_what_setup_made"]
        assert no_network == []


@mock_kinesis
class TestSetupClassSpansTheClass:
    """A mock spans setup_class and every test: what it made is there."""

    client: Any

    @classmethod
    def setup_class(cls) -> None:
        cls.client = boto3.client("kinesis", region_name="us-east-1")
        cls.client.create_stream(StreamName="shared", ShardCount=1)

    @classmethod
    def teardown_class(cls) -> None:
        assert cls.client.list_streams()["StreamNames"] == ["shared"]

    def test_first(self) -> None:
        self.client.put_record(StreamName="shared", Data=b"1", PartitionKey="k")
        assert self.client.list_streams()["StreamNames"] == ["shared"]

    def test_second(self) -> None:
        assert self.client.list_streams()["StreamNames"] == ["shared"]


# -- foreign traffic ------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes]

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_PUT(self) -> None:
        self.bodies.append(self._read_body())
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []
    handler = type("Handler", (_Recorder,), {"bodies": bodies})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    server.shutdown()


def test_a_generator_body_to_another_host_arrives_whole(
    kinesis_mock: Any, recorder: tuple[str, list[bytes]]
) -> None:
    url, bodies = recorder

    def chunks() -> Iterator[bytes]:
        yield b"first,"
        yield b"second"

    assert requests.put(url, data=chunks(), timeout=5).status_code == 200
    assert bodies == [b"first,second"]


def test_a_pipe_body_to_another_host_is_not_read_by_the_mock(
    kinesis_mock: Any, recorder: tuple[str, list[bytes]]
) -> None:
    url, bodies = recorder
    read_end, write_end = os.pipe()
    os.write(write_end, b"through a pipe")
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        assert requests.put(url, data=pipe, timeout=5).status_code == 200
    assert bodies == [b"through a pipe"]


def test_a_streaming_s3_upload_reaches_its_endpoint_whole(
    kinesis_mock: Any, recorder: tuple[str, list[bytes]]
) -> None:
    url, bodies = recorder
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=url,
        config=Config(
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            signature_version=UNSIGNED,
        ),
    )
    payload = b"0123456789" * 10_000

    class Stream:
        """A body that can be read once (a socket, a pipe, a generator)."""

        def __init__(self) -> None:
            self._data = payload

        def read(self, size: int = -1) -> bytes:
            size = len(self._data) if size is None or size < 0 else size
            chunk, self._data = self._data[:size], self._data[size:]
            return chunk

    s3.put_object(Bucket="b", Key="k", Body=Stream(), ContentLength=len(payload))
    assert bodies == [payload]


# -- sealed tests ---------------------------------------------------------------


def test_other_services_pass_through_by_default(recorder: tuple[str, list[bytes]]) -> None:
    url, bodies = recorder
    with mock_kinesis():
        sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=url)
        sqs.list_queues()  # answered by the recorder, standing in for moto or LocalStack
    assert len(bodies) == 1


def test_a_sealed_mock_refuses_other_aws_services_by_name(no_network: list[str]) -> None:
    with mock_kinesis(refuse_other_services=True):
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="s", ShardCount=1)
        with pytest.raises(UnmockedServiceCall, match=r"refused a call to sqs"):
            boto3.client("sqs", region_name="us-east-1").list_queues()
        with pytest.raises(UnmockedServiceCall, match=r"refused a call to dynamodb"):
            requests.post("https://dynamodb.eu-west-1.amazonaws.com/", data=b"{}", timeout=5)
        assert kinesis.list_streams()["StreamNames"] == ["s"]
    assert no_network == []


def test_a_sealed_mock_still_lets_local_traffic_through(
    recorder: tuple[str, list[bytes]],
) -> None:
    url, bodies = recorder
    with mock_kinesis(refuse_other_services=True):
        assert requests.put(url, data=b"local", timeout=5).status_code == 200
    assert bodies == [b"local"]


# -- boto3's default session ----------------------------------------------------


def test_a_default_session_made_under_the_mock_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    with mock_kinesis():
        boto3.client("kinesis", region_name="us-east-1").list_streams()
        assert boto3.DEFAULT_SESSION is not None
    assert boto3.DEFAULT_SESSION is None
    after = boto3.client("kinesis", region_name="us-east-1")
    assert after._request_signer._credentials.access_key == "AKIAUSERSREALKEY"


def test_json_body_of_a_mocked_call_is_still_read(kinesis_mock: Any) -> None:
    # The guard decides from headers, but reads a request that is ours.
    response = _kinesis_call(
        "kinesis.us-east-1.amazonaws.com",
        operation="CreateStream",
        document={"StreamName": "s", "ShardCount": 1},
    )
    assert response.status_code == 200
    assert list(kinesis_mock.streams()) == ["s"]

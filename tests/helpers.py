"""Small helpers the tests share."""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config

REGION = "us-east-1"
ACCOUNT = "123456789012"

# For tests that expect a limit error: botocore retries LimitExceededException
# (and throttling) with backoff, real sleeps that prove nothing about the mock.
NO_RETRIES = Config(retries={"total_max_attempts": 1})


@functools.cache
def service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def model_has(service: str, operation: str, shape: str | None = None, member: str = "") -> bool:
    """Whether the installed botocore's ``service`` model has ``operation``
    and, given ``shape``, that shape has ``member``."""
    model = service_model(service)
    if operation not in model.operation_names:
        return False
    return shape is None or member in model.shape_for(shape).members


def needs_model(
    service: str, operation: str, shape: str | None = None, member: str = ""
) -> pytest.MarkDecorator:
    """Skip unless the installed botocore's model has the feature (see
    ``model_has``): the suite runs on the oldest botocore the package supports."""
    feature = f"{shape}.{member}" if shape else operation
    return pytest.mark.skipif(
        not model_has(service, operation, shape, member),
        reason=f"this botocore's {service} model has no {feature}",
    )


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def signed_request(
    body: str | bytes,
    target: str | None,
    *,
    region: str = REGION,
    access_key: str = "AKIDEXAMPLE",
    url: str | None = None,
    content_type: str | None = "application/x-amz-json-1.1",
    service: str = "kinesis",
    method: str = "POST",
    session: Any = None,
) -> Any:
    """Send ``body`` to Kinesis with ``requests`` (a POST unless ``method``
    says otherwise), SigV4-signed as an SDK would; no Content-Type header
    when ``content_type`` is None. Through ``session`` (a
    ``requests.Session``) when given, else a new one."""
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = url or f"https://kinesis.{region}.amazonaws.com/"
    headers = {} if content_type is None else {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = f"Kinesis_20131202.{target}"
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials(access_key, "secret"), service, region).add_auth(request)
    return (session or requests).request(
        method, url, data=body, headers=dict(request.headers.items()), timeout=5
    )


def _is_local(host: Any) -> bool:
    if host is None or not isinstance(host, str) or host == "localhost":
        return host in (None, "localhost")
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def socket_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse (with an AssertionError, which no HTTP client swallows) and
    record every non-loopback connect and name lookup."""
    attempts: list[str] = []
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def refuse(what: Any) -> AssertionError:
        attempts.append(str(what))
        return AssertionError(f"a call tried to reach the network: {what}")

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not _is_local(address[0]):
            raise refuse(address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not _is_local(address[0]):
            raise refuse(address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode()
        if not _is_local(host):
            raise refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts


class Sentinel:
    """A stream holding one known record, read back through the API."""

    NAME = "sentinel"

    def __init__(self, kinesis: Any) -> None:
        self.kinesis = kinesis
        kinesis.create_stream(StreamName=self.NAME, ShardCount=1)
        put = kinesis.put_record(StreamName=self.NAME, Data=b"kept \x00\xff", PartitionKey="pk")
        self.sequence_number = put["SequenceNumber"]

    def assert_intact(self) -> None:
        iterator = self.kinesis.get_shard_iterator(
            StreamName=self.NAME, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = self.kinesis.get_records(ShardIterator=iterator)["Records"]
        assert [(r["SequenceNumber"], r["PartitionKey"], r["Data"]) for r in records] == [
            (self.sequence_number, "pk", b"kept \x00\xff")
        ]
        summary = self.kinesis.describe_stream_summary(StreamName=self.NAME)
        assert summary["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"
        assert summary["StreamDescriptionSummary"]["OpenShardCount"] == 1

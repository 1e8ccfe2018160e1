"""Whose state a call sees: the in-process mock's, or a server's own; and the
test handle sees it exactly as an API call would."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from kinesis_mock import mock_kinesis


def _server_client(handle: Any) -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=handle.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def test_a_server_keeps_its_streams_when_a_mock_starts_and_ends(kinesis_server: Any) -> None:
    _server_client(kinesis_server).create_stream(StreamName="served", ShardCount=1)
    with mock_kinesis() as km:
        boto3.client("kinesis", region_name="us-east-1").create_stream(
            StreamName="mocked", ShardCount=1
        )
        assert list(km.streams()) == ["mocked"]
    assert _server_client(kinesis_server).list_streams()["StreamNames"] == ["served"]
    assert list(kinesis_server.state.streams(region="us-east-1")) == ["served"]


def test_a_client_given_an_in_process_servers_url_reaches_it_inside_a_mock(
    kinesis_server: Any, no_network: list[str]
) -> None:
    with mock_kinesis() as km:
        _server_client(kinesis_server).create_stream(StreamName="served", ShardCount=1)
        assert km.streams() == {}
    assert list(kinesis_server.state.streams(region="us-east-1")) == ["served"]
    assert no_network == []


def test_a_request_signed_for_another_service_is_refused_by_the_server(
    kinesis_server: Any,
) -> None:
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = kinesis_server.endpoint_url + "/"
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "Kinesis_20131202.ListStreams",
    }
    request = AWSRequest(method="POST", url=url, data=b"{}", headers=headers)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "sqs", "us-east-1").add_auth(request)
    response = requests.post(url, data=b"{}", headers=dict(request.headers.items()), timeout=5)
    assert response.status_code == 400
    assert response.json() == {
        "__type": "InvalidSignatureException",
        "message": "Credential should be scoped to correct service: 'kinesis'. ",
    }


def test_the_handle_applies_due_transitions_as_a_call_would() -> None:
    with freeze_time("2026-01-01") as frozen, mock_kinesis(stream_create_delay=30) as km:
        boto3.client("kinesis", region_name="us-east-1").create_stream(StreamName="s", ShardCount=1)
        assert km.streams()["s"].status == "CREATING"
        frozen.tick(31)
        # No API call in between: the handle itself completes the creation.
        assert km.streams()["s"].status == "ACTIVE"


def test_the_handle_names_the_account_and_region_it_looked_in() -> None:
    with mock_kinesis() as km, pytest.raises(KeyError) as missing:
        km.records("nowhere", region="eu-west-1")
    assert "no stream 'nowhere' in account 123456789012, region eu-west-1" in str(missing.value)


def test_a_server_on_ipv6_loopback_is_named_and_reached_as_urls_write_it(
    no_network: list[str],
) -> None:
    from kinesis_mock import server

    try:
        handle = server.start("::1", port=0)
    except OSError as error:  # a machine without IPv6 loopback
        pytest.skip(f"no IPv6 loopback here: {error}")
    with handle:
        assert handle.endpoint_url == f"http://[::1]:{handle.port}"
        with mock_kinesis():
            _server_client(handle).create_stream(StreamName="v6", ShardCount=1)
        assert list(handle.state.streams(region="us-east-1")) == ["v6"]
    assert no_network == []

"""A bug inside the mock fails the test that met it, with its own traceback;
it is never disguised as an AWS outage (a 500 that botocore retries)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import EventStreamError
from helpers import ACCOUNT, REGION, signed_request
from test_server import client_for

from kinesis_mock import mock_kinesis, server
from kinesis_mock.services.kinesis import KINESIS
from kinesis_mock.services.kinesis.records import ShardLog
from kinesis_mock.settings import Settings

STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
MESSAGE = "kinesis-mock internal error: ZeroDivisionError: boom"


@pytest.fixture
def broken_list_streams(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """ListStreams' handler fails with a bug; yields how often it ran."""
    calls: list[int] = []

    def list_streams_with_a_bug(backend: Any, params: Any) -> Any:
        calls.append(1)
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(KINESIS.handlers, "ListStreams", list_streams_with_a_bug)
    return calls


def _raised_in(excinfo: pytest.ExceptionInfo[BaseException], function: str) -> bool:
    """Whether the exception's own traceback reaches ``function``."""
    return function in [frame.name for frame in traceback.extract_tb(excinfo.tb)]


def _break_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading records from a shard (which a subscription does for each
    event, and subscribing does not) fails with a bug."""

    def read_with_a_bug(self: ShardLog, index: int, limit: int, max_bytes: int) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(ShardLog, "read", read_with_a_bug)
    monkeypatch.setattr(ShardLog, "page", read_with_a_bug)


def _subscribe(client: Any) -> Iterator[dict[str, Any]]:
    client.create_stream(StreamName="s", ShardCount=1)
    consumer = client.register_stream_consumer(StreamARN=STREAM_ARN, ConsumerName="app")
    response = client.subscribe_to_shard(
        ConsumerARN=consumer["Consumer"]["ConsumerARN"],
        ShardId="shardId-000000000000",
        StartingPosition={"Type": "TRIM_HORIZON"},
    )
    return iter(response["EventStream"])


# -- in process ----------------------------------------------------------------


def test_a_bug_reaches_the_boto3_caller_once(broken_list_streams: list[int]) -> None:
    with mock_kinesis():
        client = boto3.client("kinesis", region_name=REGION)
        with pytest.raises(ZeroDivisionError) as excinfo:
            client.list_streams()
    assert _raised_in(excinfo, "list_streams_with_a_bug")
    assert broken_list_streams == [1]  # not retried


def test_a_bug_reaches_the_raw_requests_caller(broken_list_streams: list[int]) -> None:
    with mock_kinesis(), pytest.raises(ZeroDivisionError) as excinfo:
        signed_request("{}", "ListStreams")
    assert _raised_in(excinfo, "list_streams_with_a_bug")
    assert broken_list_streams == [1]


def test_a_bug_in_an_event_stream_reaches_its_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_kinesis():
        _break_reading(monkeypatch)
        events = _subscribe(boto3.client("kinesis", region_name=REGION))
        with pytest.raises(ZeroDivisionError) as excinfo:
            next(events)
    assert _raised_in(excinfo, "read_with_a_bug")


# -- over the server -----------------------------------------------------------


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info is not None]


def test_the_server_answers_a_bug_as_internal_failure_naming_it(
    kinesis_server: Any, broken_list_streams: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    import cbor2

    url = kinesis_server.endpoint_url + "/"
    as_json = signed_request("{}", "ListStreams", url=url)
    assert as_json.status_code == 500
    assert as_json.json() == {"__type": "InternalFailure", "message": MESSAGE}
    as_cbor = signed_request(
        cbor2.dumps({}), "ListStreams", url=url, content_type="application/x-amz-cbor-1.1"
    )
    assert as_cbor.status_code == 500
    assert cbor2.loads(as_cbor.content) == {"__type": "InternalFailure", "message": MESSAGE}
    # Logged once per request, with the traceback; hypercorn adds nothing.
    logged = _tracebacks(caplog)
    assert len(logged) == 2
    assert all(record.name.startswith("kinesis_mock") for record in logged)
    assert "list_streams_with_a_bug" in caplog.text
    assert not [record for record in caplog.records if record.name.startswith("hypercorn")]


def test_a_bug_in_an_event_stream_over_the_server(
    kinesis_server: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _break_reading(monkeypatch)
    events = _subscribe(client_for(kinesis_server))
    with pytest.raises(EventStreamError) as excinfo:
        next(events)
    assert excinfo.value.response["Error"] == {
        "Code": "InternalFailureException",
        "Message": MESSAGE,
    }
    assert len(_tracebacks(caplog)) == 1
    assert "read_with_a_bug" in caplog.text


# -- options are checked when given --------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"stream_create_delay": "30"}, TypeError, "stream_create_delay must be a number"),
        ({"stream_delete_delay": True}, TypeError, "stream_delete_delay must be a number"),
        ({"consumer_create_delay": None}, TypeError, "consumer_create_delay must be a number"),
        ({"shard_limit": 2.5}, TypeError, "shard_limit must be an int or None"),
        ({"on_demand_stream_limit": "5"}, TypeError, "on_demand_stream_limit must be an int"),
        ({"account_id": 123456789012}, TypeError, "account_id must be a str or None"),
        ({"stream_update_delay": -1}, ValueError, "stream_update_delay must be zero or more"),
        ({"shard_limit": -5}, ValueError, "shard_limit must be zero or more"),
        ({"subscription_wait_seconds": float("nan")}, ValueError, "zero or more"),
        ({"account_id": "12345"}, ValueError, "account_id must be 12 digits"),
    ],
)
def test_settings_refuse_bad_values(options: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Settings(**options)


def test_settings_accept_what_their_types_allow() -> None:
    settings = Settings(stream_create_delay=3, shard_limit=None, account_id="111122223333")
    settings.subscription_wait_seconds = 0.5
    settings.shard_limit = 10
    assert (settings.stream_create_delay, settings.shard_limit) == (3, 10)


def test_settings_are_checked_on_assignment() -> None:
    settings = Settings()
    with pytest.raises(TypeError, match="stream_create_delay must be a number"):
        settings.stream_create_delay = "30"  # type: ignore[assignment]
    assert settings.stream_create_delay == 0.0


def test_server_start_checks_options_at_once() -> None:
    with pytest.raises(TypeError, match="stream_create_delay"):
        server.start(port=0, stream_create_delay="30")
    with pytest.raises(ValueError, match="keep_alive_timeout"):
        server.start(port=0, keep_alive_timeout=0)


def test_mock_kinesis_checks_options_when_given() -> None:
    # At the call, before any mock starts: not at the first API call.
    with pytest.raises(TypeError, match="stream_create_delay must be a number"):
        mock_kinesis(stream_create_delay="30")
    with pytest.raises(TypeError, match="stream_create_delay must be a number"):

        @mock_kinesis(stream_create_delay="30")
        def never_run() -> None:
            raise AssertionError("not reached")

    with mock_kinesis() as km, pytest.raises(ValueError, match="shard_limit"):
        km.settings.shard_limit = -1

"""What the server holds: threads for waiting subscribers, connections for
stalled or idle clients, certificates made at start; what it refuses to
start with; and the options that tune it."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from test_server import client_for, signed_headers

from kinesis_mock import cli, server
from kinesis_mock.settings import Settings


class _Subscription:
    """A SubscribeToShard event stream read over raw HTTP, message by message."""

    def __init__(self, response: Any) -> None:
        from botocore.eventstream import EventStreamBuffer

        self._chunks: Iterator[bytes] = response.iter_bytes()
        self._buffer = EventStreamBuffer()

    def next_message(self) -> Any:
        """The next message, or None once the stream has ended."""
        for message in self._buffer:
            return message
        for chunk in self._chunks:
            self._buffer.add_data(chunk)
            for message in self._buffer:
                return message
        return None


# -- waiting subscribers hold no thread ----------------------------------------


def test_waiting_subscribers_leave_other_calls_answering() -> None:
    import httpx

    consumers, shards = 10, 3
    handle = server.start(port=0, subscription_wait_seconds=5)
    client = client_for(handle)
    client.create_stream(StreamName="s", ShardCount=shards)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    arns = [
        client.register_stream_consumer(StreamARN=arn, ConsumerName=f"c{n}")["Consumer"][
            "ConsumerARN"
        ]
        for n in range(consumers)
    ]
    url = handle.endpoint_url + "/"
    subscriptions: list[_Subscription] = []
    with httpx.Client(timeout=10) as http, ExitStack() as open_streams:
        try:
            for consumer in arns:
                for shard in range(shards):
                    body = json.dumps(
                        {
                            "ConsumerARN": consumer,
                            "ShardId": f"shardId-{shard:012d}",
                            "StartingPosition": {"Type": "LATEST"},
                        }
                    ).encode()
                    headers = signed_headers(url, "SubscribeToShard", body)
                    response = open_streams.enter_context(
                        http.stream("POST", url, content=body, headers=headers)
                    )
                    subscription = _Subscription(response)
                    # The initial response and a first (caught-up) event: now it waits.
                    assert subscription.next_message().headers[":event-type"] == (
                        "initial-response"
                    )
                    assert subscription.next_message().headers[":event-type"] == (
                        "SubscribeToShardEvent"
                    )
                    subscriptions.append(subscription)
            # 30 subscribers wait for records; other calls still answer at once
            # (they used to queue behind the waiting streams for seconds).
            started = time.monotonic()
            assert client.list_streams()["StreamNames"] == ["s"]
            client.put_record(StreamName="s", Data=b"x", PartitionKey="k", ExplicitHashKey="0")
            assert time.monotonic() - started < 1.0
            # A waiting subscriber of the shard gets the record.
            event = json.loads(subscriptions[0].next_message().payload)
            assert [record["PartitionKey"] for record in event["Records"]] == ["k"]
        finally:
            # Stopping ends the open streams at once (no grace period to sit out).
            started = time.monotonic()
            handle.stop()
            assert time.monotonic() - started < 2.0
        assert subscriptions[1].next_message() is None


def test_a_subscription_waits_real_seconds_under_a_frozen_clock() -> None:
    from freezegun import freeze_time

    with server.start(port=0, subscription_wait_seconds=0.2) as handle:
        client = client_for(handle)
        client.create_stream(StreamName="s", ShardCount=1)
        arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"][
            "StreamARN"
        ]
        consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="c")
        with freeze_time("2026-01-01"):
            response = client.subscribe_to_shard(
                ConsumerARN=consumer["Consumer"]["ConsumerARN"],
                ShardId="shardId-000000000000",
                StartingPosition={"Type": "LATEST"},
            )
            # One caught-up event, then the stream ends after 0.2 real seconds.
            assert len(list(response["EventStream"])) == 1


# -- stalled and idle connections ------------------------------------------------


def _closed_within(sock: socket.socket, seconds: float) -> bytes:
    """What the server sent before closing ``sock`` (fails if it stays open)."""
    sock.settimeout(seconds)
    received = b""
    while True:
        chunk = sock.recv(4096)  # raises TimeoutError if the server keeps it open
        if not chunk:
            return received
        received += chunk


def test_stalled_and_idle_connections_are_closed() -> None:
    with server.start(port=0, read_timeout=0.3, keep_alive_timeout=0.3) as handle:
        address = (handle.host, handle.port)
        with (
            socket.create_connection(address) as stalled_body,
            socket.create_connection(address) as stalled_headers,
            socket.create_connection(address) as idle,
        ):
            stalled_body.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            stalled_headers.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Le")
            # Others are served meanwhile.
            assert client_for(handle).list_streams()["StreamNames"] == []
            assert _closed_within(stalled_body, 3).startswith(b"HTTP/1.1 408")
            assert _closed_within(stalled_headers, 3) == b""
            assert _closed_within(idle, 3) == b""
        # After a complete exchange, the idle keep-alive connection is closed too.
        with socket.create_connection(address) as kept_alive:
            kept_alive.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _closed_within(kept_alive, 3).startswith(b"HTTP/1.1 403")


# -- TLS -------------------------------------------------------------------------


def test_a_certificate_made_at_start_is_removed_at_stop() -> None:
    with server.start(port=0, tls=True) as handle:
        assert handle.certfile is not None
        certfile = Path(handle.certfile)
        assert certfile.exists()
        assert client_for(handle).list_streams()["StreamNames"] == []
    assert not certfile.parent.exists()


@pytest.fixture
def bad_certificates(tmp_path: Path) -> dict[str, tuple[str, str | None, str]]:
    """Certificates start() must refuse: (certfile, keyfile, what it says)."""
    certfile, keyfile = server.self_signed_certificate("127.0.0.1")
    other_cert, _ = server.self_signed_certificate("127.0.0.1")
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("not a certificate\n")
    return {
        "missing": (str(tmp_path / "missing.pem"), None, "No such file or directory"),
        "not PEM": (str(not_pem), None, "PEM"),
        "key mismatch": (other_cert, keyfile, "KEY_VALUES_MISMATCH"),
        "no key": (certfile, None, "PEM"),
    }


def test_a_bad_certificate_is_reported_by_start(
    bad_certificates: dict[str, tuple[str, str | None, str]],
) -> None:
    for certfile, keyfile, says in bad_certificates.values():
        with pytest.raises(server.ServerStartError) as excinfo:
            server.start(port=0, certfile=certfile, keyfile=keyfile)
        message = str(excinfo.value)
        assert message.startswith(f"kinesis-mock: cannot use certificate {certfile}")
        assert says in message


def test_a_bad_certificate_is_reported_by_the_command_line(
    bad_certificates: dict[str, tuple[str, str | None, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    certfile, keyfile, says = bad_certificates["key mismatch"]
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["serve", "--port", "0", "--certfile", certfile, "--keyfile", str(keyfile)])
    assert excinfo.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("kinesis-mock: cannot use certificate") and says in error


def test_listening_beyond_this_machine_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="kinesis_mock")
    with server.start("127.0.0.1", port=0):
        pass
    assert "unauthenticated" not in caplog.text
    with server.start("0.0.0.0", port=0):
        pass
    assert "listening on 0.0.0.0" in caplog.text
    assert "unauthenticated requests from the network" in caplog.text
    from kinesis_mock.transport.loopback import is_loopback

    assert all(is_loopback(host) for host in ("localhost", "127.0.0.1", "127.8.0.1", "::1"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "example.com"))


# -- options ---------------------------------------------------------------------


def test_server_options_from_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    args = cli._parser().parse_args(["serve"])
    assert (args.read_timeout, args.keep_alive_timeout) == (30.0, 5.0)
    monkeypatch.setenv("KINESIS_MOCK_READ_TIMEOUT", "none")
    monkeypatch.setenv("KINESIS_MOCK_KEEP_ALIVE_TIMEOUT", "2")
    args = cli._parser().parse_args(["serve"])
    assert (args.read_timeout, args.keep_alive_timeout) == (None, 2.0)
    args = cli._parser().parse_args(["serve", "--read-timeout", "7"])
    assert args.read_timeout == 7.0


def _example(option: str, annotation: str) -> tuple[str, Any]:
    """A valid command-line value for an option, and what it parses to."""
    if option == "account_id":
        return "111122223333", "111122223333"
    if annotation == "bool":
        return "true", True
    return ("2.5", 2.5) if annotation.startswith("float") else ("3", 3)


def test_every_setting_has_a_flag_and_an_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import fields

    for option in fields(Settings):
        text, value = _example(option.name, str(option.type))
        flag = "--" + option.name.replace("_", "-")
        args = cli._parser().parse_args(["serve", flag, text])
        assert cli.settings_options(args) == {option.name: value}, flag
        env = "KINESIS_MOCK_" + option.name.upper()
        monkeypatch.setenv(env, text)
        args = cli._parser().parse_args(["serve"])
        assert cli.settings_options(args) == {option.name: value}, env
        monkeypatch.delenv(env)
    # A flag wins over the environment.
    monkeypatch.setenv("KINESIS_MOCK_SUBSCRIPTION_WAIT_SECONDS", "4")
    args = cli._parser().parse_args(["serve", "--subscription-wait-seconds", "1"])
    assert cli.settings_options(args) == {"subscription_wait_seconds": 1.0}


def test_the_command_line_refuses_bad_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, says in [
        (["--shard-limit", "-1"], "shard_limit must be zero or more"),
        (["--stream-create-delay", "soon"], "invalid float value: 'soon'"),
        (["--keep-alive-timeout", "0"], "keep_alive_timeout must be more than zero"),
    ]:
        with pytest.raises(SystemExit) as excinfo:
            cli.main(["serve", "--port", "0", *argv])
        assert excinfo.value.code == 2
        assert says in capsys.readouterr().err

"""Options are checked when given: a wrong value fails where it was written,
not deep inside a request."""

from __future__ import annotations

from typing import Any

import pytest

from kinesis_mock import server
from kinesis_mock.settings import Settings


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

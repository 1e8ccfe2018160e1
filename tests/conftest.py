"""Shared fixtures: boto3 clients under the mock, as a user would make them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from helpers import REGION

from kinesis_mock import KinesisMock


@pytest.fixture
def kinesis(kinesis_mock: KinesisMock) -> Any:
    """A Kinesis client under an active mock."""
    return boto3.client("kinesis", region_name=REGION)


@pytest.fixture
def raw_kinesis(kinesis_mock: KinesisMock) -> Any:
    """A client that skips botocore's own parameter checks, so the service's
    validation answers, as it does for callers without an SDK."""
    return boto3.client("kinesis", region_name=REGION, config=Config(parameter_validation=False))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail any attempt to open a connection; yields the addresses tried."""
    import socket

    attempts: list[str] = []
    original = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] in ("127.0.0.1", "::1", "localhost"):
            return original(self, address)
        attempts.append(str(address))
        raise AssertionError(f"a mocked call tried to reach the network: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts

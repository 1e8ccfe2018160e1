"""Shared fixtures: boto3 clients under the mock, as a user would make them."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import freezegun
import pytest
from botocore.config import Config
from helpers import REGION, socket_guard

from kinesis_mock import KinesisMock

# Python's default: keep compiled bytecode. Where the environment says not to
# (PYTHONDONTWRITEBYTECODE, set on some CI images), every process the suite
# starts (xdist workers, servers, the CLI, pytester runs) compiles every module
# from source again, about 1.7 s each here.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# pytest's own timer must see real time inside freeze_time, or --durations
# reports decades.
freezegun.configure(extend_ignore_list=["_pytest.timing"])


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
    """A socket guard: records and refuses every connection (and name
    lookup) that would leave this machine; yields what was tried."""
    yield from socket_guard(monkeypatch)

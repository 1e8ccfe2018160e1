"""The ``kinesis_mock`` pytest fixture, registered through the ``pytest11``
entry point so no conftest is needed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .mock import KinesisMock, mock_kinesis


@pytest.fixture
def kinesis_mock() -> Iterator[KinesisMock]:
    """An active mock for the test; state resets when the test ends."""
    with mock_kinesis() as handle:
        yield handle


@pytest.fixture
def kinesis_server() -> Iterator[Any]:
    """A kinesis-mock HTTP server on a free port, for clients outside the
    process (needs the ``server`` extra), with state of its own that ends
    with the test."""
    from . import server

    handle = server.start(port=0)
    try:
        yield handle
    finally:
        handle.stop()

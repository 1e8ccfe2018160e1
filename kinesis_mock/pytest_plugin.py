"""The ``kinesis_mock`` pytest fixture, registered through the ``pytest11``
entry point so no conftest is needed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .mock import KinesisMock, mock_kinesis


@pytest.fixture
def kinesis_mock() -> Iterator[KinesisMock]:
    """An active mock for the test; state resets when the test ends."""
    with mock_kinesis() as handle:
        yield handle

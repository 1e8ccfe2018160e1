"""kinesis-mock: Amazon Kinesis for boto3 tests, in process.

from kinesis_mock import mock_kinesis

@mock_kinesis
def test_pipeline():
    client = boto3.client("kinesis", region_name="us-east-1")
    client.create_stream(StreamName="events", ShardCount=2)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clock import set_clock
    from .faults import Fault
    from .journal import Call
    from .mock import KinesisMock, RecordInfo, StreamInfo, mock_kinesis
    from .settings import Settings
    from .transport.seal import UnmockedServiceCall

    mock_kinesisvideo = mock_kinesis

# Each public name and the module that defines it. They load on first use
# (PEP 562), so that importing the package, which pytest does in every run
# through the plugin's entry point, loads none of the engine.
_EXPORTS = {
    "Call": ("journal", "Call"),
    "Fault": ("faults", "Fault"),
    "KinesisMock": ("mock", "KinesisMock"),
    "RecordInfo": ("mock", "RecordInfo"),
    "Settings": ("settings", "Settings"),
    "StreamInfo": ("mock", "StreamInfo"),
    "UnmockedServiceCall": ("transport.seal", "UnmockedServiceCall"),
    "mock_kinesis": ("mock", "mock_kinesis"),
    "mock_kinesisvideo": ("mock", "mock_kinesis"),
    "set_clock": ("clock", "set_clock"),
}

__all__ = [
    "Call",
    "Fault",
    "KinesisMock",
    "RecordInfo",
    "Settings",
    "StreamInfo",
    "UnmockedServiceCall",
    "mock_kinesis",
    "mock_kinesisvideo",
    "set_clock",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'kinesis_mock' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})

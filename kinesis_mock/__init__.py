"""kinesis-mock: Amazon Kinesis for boto3 tests, in process.

from kinesis_mock import mock_kinesis

@mock_kinesis
def test_pipeline():
    client = boto3.client("kinesis", region_name="us-east-1")
    client.create_stream(StreamName="events", ShardCount=2)
"""

from .clock import set_clock
from .faults import Fault
from .journal import Call
from .mock import KinesisMock, RecordInfo, StreamInfo, mock_kinesis
from .settings import Settings
from .transport.seal import UnmockedServiceCall

mock_kinesisvideo = mock_kinesis

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
__version__ = "0.1.0.dev0"

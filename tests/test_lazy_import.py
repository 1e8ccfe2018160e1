"""Importing kinesis-mock costs nothing until a mock is used: ``from
kinesis_mock import mock_kinesis`` (what every test module does) patches
nothing of botocore and loads none of the engine, ``responses`` or Kinesis
Video; the first mock to start does that, however it is entered, and
clients made before it are answered by it all the same.

Each case runs in a fresh interpreter: in this one the suite has loaded
everything already.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_SCRIPT = """
import asyncio
import os
import sys
import unittest

import boto3
import botocore.handlers
import botocore.httpsession
from botocore.endpoint import Endpoint

def client():
    return boto3.client(
        "kinesis", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )

ORIGINAL_SEND = Endpoint._send
HANDLERS = list(botocore.handlers.BUILTIN_HANDLERS)
BEFORE_IMPORT = client()

from kinesis_mock import KinesisMock, Settings, UnmockedServiceCall, mock_kinesis

AFTER_IMPORT = client()

@mock_kinesis
def decorated():
    return run()

@mock_kinesis
async def decorated_async():
    return run()

@mock_kinesis
class Case(unittest.TestCase):
    def test(self):
        Case.streams = run()

def run():
    for name, early in (("before-import", BEFORE_IMPORT), ("after-import", AFTER_IMPORT)):
        early.create_stream(StreamName=name, ShardCount=1)
    return sorted(early.list_streams()["StreamNames"])

def nothing_yet():
    loaded = {m for m in sys.modules if m.startswith("kinesis_mock")}
    # The package, the decorator's module and what it needs to check options.
    assert loaded <= {
        "kinesis_mock", "kinesis_mock.mock", "kinesis_mock.settings", "kinesis_mock.clock",
        "kinesis_mock.transport", "kinesis_mock.transport.seal",
        "kinesis_mock.transport.loopback",
    }, sorted(loaded)
    assert not [m for m in sys.modules if m.split(".")[0] in ("responses", "requests")]
    assert Endpoint._send is ORIGINAL_SEND
    assert botocore.handlers.BUILTIN_HANDLERS == HANDLERS

nothing_yet()
KinesisMock(stream_create_delay=1)  # a mock made, options checked, not started
nothing_yet()

sent = []
def record(self, request):
    sent.append(request.url)
    raise AssertionError(f"sent to the network: {request.url}")
botocore.httpsession.URLLib3Session.send = record

ENTRY = "<entry>"
if ENTRY == "with":
    with mock_kinesis():
        streams = run()
elif ENTRY == "start":
    km = mock_kinesis().start()
    streams = run()
    km.stop()
elif ENTRY == "decorator":
    streams = decorated()
elif ENTRY == "async":
    streams = asyncio.run(decorated_async())
elif ENTRY == "unittest":
    result = unittest.TextTestRunner(stream=open(os.devnull, "w")).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert result.wasSuccessful(), result.errors + result.failures
    streams = Case.streams
assert streams == ["after-import", "before-import"], streams
assert sent == [], sent
assert Endpoint._send is not ORIGINAL_SEND  # installed by the first mock, and kept
print("ok")
"""


@pytest.mark.parametrize("entry", ["with", "start", "decorator", "async", "unittest"])
def test_nothing_is_patched_or_loaded_until_the_first_mock_starts(entry: str) -> None:
    script = textwrap.dedent(_SCRIPT).replace("<entry>", entry)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


_REQUESTS_SCRIPT = """
import socket
import sys

def no_socket(*args, **kwargs):
    raise AssertionError("a socket was opened")

socket.socket.connect = no_socket

import boto3
from kinesis_mock import mock_kinesis

with mock_kinesis():
    boto3.client("kinesis", region_name="us-east-1").create_stream(
        StreamName="s", ShardCount=1
    )
    # Nothing has imported requests: neither it nor responses is loaded.
    assert not [m for m in sys.modules if m.split(".")[0] in ("responses", "requests")]
    if "<first>" == "responses":
        import responses  # imports requests: the interception starts after it
    import requests  # the first import starts the interception

    answer = requests.post(
        "https://kinesis.us-east-1.amazonaws.com/",
        data=b"{}",
        headers={
            "X-Amz-Target": "Kinesis_20131202.ListStreams",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=5,
    )
    # The mock's answer to an unsigned call, not the network's.
    assert answer.status_code == 400, answer.status_code
    assert b"MissingAuthenticationTokenException" in answer.content, answer.content
    assert answer.headers["x-amzn-RequestId"]
    import kinesis_mock.transport.requests_hook as hook
    assert hook._active is not None
assert hook._active is None  # stopped with the mock
assert not [f for f in sys.meta_path if type(f).__name__ == "_Watcher"]

# A mock started after requests was imported intercepts at once.
with mock_kinesis():
    assert hook._active is not None

# A mock that stopped before requests was imported leaves no watcher behind.
del sys.modules["requests"]
with mock_kinesis():
    pass
assert not [f for f in sys.meta_path if type(f).__name__ == "_Watcher"]
print("ok")
"""


@pytest.mark.parametrize("first", ["requests", "responses"])
def test_requests_and_responses_load_when_requests_is_first_imported(first: str) -> None:
    # A process using only boto3 never loads them; one importing requests
    # inside the mock (directly, or through responses, as moto does) has its
    # raw calls answered from then on.
    script = textwrap.dedent(_REQUESTS_SCRIPT).replace("<first>", first)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"

"""The Node.js AWS SDK v3 (@aws-sdk/client-kinesis, pinned in
tests/node/package.json) against the server, with the SDK's default request
handler: HTTP/2 for every call, each on a session the SDK closes (GOAWAY) as
soon as the response headers arrive. Needs node and ``npm ci`` in
tests/node, which .ci/run does; skipped without them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kinesis_mock import server

NODE_DIR = Path(__file__).parent / "node"
SDK = NODE_DIR / "node_modules" / "@aws-sdk" / "client-kinesis"


@pytest.fixture
def node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not SDK.is_dir():
        pytest.skip("the Node.js SDK is not installed: run `npm ci --prefix tests/node`")
    return node


@pytest.mark.parametrize("tls", [False, True], ids=["h2c", "h2-tls"])
def test_the_node_sdk_reads_a_big_page_and_a_live_subscription(node: str, tls: bool) -> None:
    # The subscription waits for the records the script puts once
    # subscribed; 5 s bounds the wait should they never come.
    with server.start(port=0, tls=tls, subscription_wait_seconds=5) as handle:
        env = {**os.environ, "KINESIS_ENDPOINT": handle.endpoint_url, "NODE_NO_WARNINGS": "1"}
        if handle.certfile:
            env["NODE_EXTRA_CA_CERTS"] = handle.certfile
        run = subprocess.run(
            [node, "kinesis_sdk.js"],
            cwd=NODE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    # The live records come in one event or several, as they land.
    assert result.pop("events") >= 1
    assert result == {
        "handler": "NodeHttp2Handler",
        "handlerProtocol": "h2",
        "putFailed": 0,
        "page": {"records": 12, "bytes": 12 * 100 * 1024, "intact": True},
        "live": ["live-0", "live-1", "live-2"],
    }

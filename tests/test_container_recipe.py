"""The Dockerfile, read without Docker: its health check (run here against
a server, plain and TLS), its user, port and entry point. .ci/container-smoke
builds and runs the image where a Docker engine is at hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kinesis_mock import server

ROOT = Path(__file__).resolve().parent.parent


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments out."""
    lines = [
        line
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = "\n".join(lines).replace("\\\n", "")
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _one(keyword: str) -> str:
    found = [rest for name, rest in _instructions() if name == keyword]
    assert len(found) == 1, keyword
    return found[0]


def _health_check(port: int, **env: str) -> int:
    options, _, command = _one("HEALTHCHECK").partition("CMD ")
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"] and "--interval=" in options
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KINESIS_MOCK_")}
    environment.update(KINESIS_MOCK_PORT=str(port), **env)
    done = subprocess.run(
        [sys.executable, *argv[1:]], env=environment, capture_output=True, timeout=30, check=False
    )
    return done.returncode


def test_the_health_check_asks_the_admin_api() -> None:
    with server.start(port=0) as handle:
        assert _health_check(handle.port) == 0
    assert _health_check(handle.port) != 0  # stopped
    with server.start(port=0, tls=True) as handle:
        assert _health_check(handle.port, KINESIS_MOCK_TLS="true") == 0
        assert _health_check(handle.port) != 0  # plain HTTP to a TLS server


def test_the_image_runs_the_server_as_a_user_on_4567() -> None:
    assert json.loads(_one("ENTRYPOINT")) == ["kinesis-mock", "serve"]
    assert _one("USER") not in ("root", "0")
    assert _one("EXPOSE") == "4567"
    # What the server gets from the image: every interface, the health check's port.
    settings = " ".join(rest for name, rest in _instructions() if name == "ENV")
    assert "KINESIS_MOCK_HOST=0.0.0.0" in settings and "KINESIS_MOCK_PORT=4567" in settings


def test_the_build_context_holds_what_the_build_copies() -> None:
    kept = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {"*", "!pyproject.toml", "!README.md", "!LICENSE", "!NOTICE", "!kinesis_mock/"} <= set(
        kept
    )

"""The README's examples hold: the Lambda handler example's own test passes,
the trap it avoids is real, every Python snippet in README.md defines the
names it uses, and every file README.md names exists."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import NoRegionError

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LAMBDA_EXAMPLE = ROOT / "examples" / "lambda_handler"


def test_the_lambda_handler_example_passes() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=-q",
            "-p",
            "no:cacheprovider",
            str(LAMBDA_EXAMPLE),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_the_handler_imported_outside_a_mock_needs_a_region(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What the example's fixture avoids: the module makes its client at import.
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.syspath_prepend(str(LAMBDA_EXAMPLE))
    monkeypatch.delitem(sys.modules, "orders_handler", raising=False)
    try:
        with pytest.raises(NoRegionError):
            importlib.import_module("orders_handler")
    finally:
        sys.modules.pop("orders_handler", None)


def _python_snippets() -> list[tuple[int, str]]:
    """README's Python code blocks, with the line each starts on."""
    return [
        (README[: match.start()].count("\n") + 1, match.group(1))
        for match in re.finditer(r"```python\n(.*?)```", README, re.S)
    ]


def test_readme_python_snippets_are_python() -> None:
    snippets = _python_snippets()
    assert len(snippets) > 10
    for line, code in snippets:
        try:
            compile(code, f"README.md:{line}", "exec")
        except SyntaxError as error:  # pragma: no cover - the failure's message
            pytest.fail(f"README.md line {line}: {error}")


def test_readme_python_snippets_define_every_name(tmp_path: Path) -> None:
    # Each snippet stands alone: its imports, clients and handles are in it.
    ruff = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff (a dev extra) is not installed")
    for line, code in _python_snippets():
        (tmp_path / f"readme_line_{line}.py").write_text(code, encoding="utf-8")
    run = subprocess.run(
        [ruff, "check", "--isolated", "--select", "F821", "--output-format", "concise", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"`((?:tests|examples|benchmarks|docs)/[\w./-]*\w)`", README))
    named |= set(re.findall(r"\]\(((?:docs/)?[\w.-]+\.md)\)", README))
    assert "tests/test_with_moto.py" in named
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []


def _served_stream(handle: Any, name: str) -> None:
    """Create a one-shard stream on a server, as any client would."""
    import boto3

    kinesis = boto3.client(
        "kinesis",
        endpoint_url=handle.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.close()


def _code_block(language: str, containing: str) -> str:
    """The README code block in ``language`` that contains ``containing``."""
    blocks = [
        block
        for block in re.findall(rf"```{language}\n(.*?)```", README, re.S)
        if containing in block
    ]
    assert len(blocks) == 1, f"{len(blocks)} {language} blocks contain {containing!r}"
    return str(blocks[0])


def test_the_readme_node_snippet_lists_the_servers_streams(tmp_path: Path) -> None:
    node = shutil.which("node")
    modules = ROOT / "tests" / "node" / "node_modules"
    if node is None:
        pytest.skip("node is not installed")
    if not (modules / "@aws-sdk" / "client-kinesis").is_dir():
        pytest.skip("the Node.js SDK is not installed: run `npm ci --prefix tests/node`")
    from kinesis_mock import server

    code = _code_block("js", "new KinesisClient(")
    # node exits once the server closes the idle HTTP/2 connection.
    with server.start(port=0, keep_alive_timeout=0.5) as handle:
        _served_stream(handle, "orders")
        script = tmp_path / "readme.js"
        script.write_text(code.replace("http://127.0.0.1:4567", handle.endpoint_url))
        env = {**os.environ, "NODE_PATH": str(modules), "NODE_NO_WARNINGS": "1"}
        run = subprocess.run(
            [node, str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
        )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.split() == ["[", "'orders'", "]"]


def test_the_readme_aws_cli_v1_command_puts_text(tmp_path: Path) -> None:
    aws = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI (awscli, a dev extra) is not installed")
    from kinesis_mock import server

    block = _code_block("bash", "--cli-binary-format raw-in-base64-out")
    v1 = block[: block.index("# v1")].replace("\\\n", " ").split()
    assert v1[:3] == ["aws", "--endpoint-url", "http://127.0.0.1:4567"]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    with server.start(port=0) as handle:
        _served_stream(handle, "orders")
        command = [aws, "--endpoint-url", handle.endpoint_url, *(a.strip('"') for a in v1[3:])]
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=60)
        assert [r.data for r in handle.state.records("orders")] == [b"hello"]

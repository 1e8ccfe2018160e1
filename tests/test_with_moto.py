"""kinesis-mock beside moto: Kinesis and Kinesis Video calls are answered by
kinesis-mock alone, whichever mock started first and whichever package was
imported first; every other service is left to moto."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import boto3
import pytest

from kinesis_mock import mock_kinesis

moto = pytest.importorskip("moto")


def _moto_kinesis_streams() -> dict[str, Any]:
    from moto.kinesis.models import kinesis_backends

    return dict(kinesis_backends["123456789012"]["us-east-1"].streams)


def _arn(stream: str) -> str:
    return f"arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"


def _exercise(km: Any) -> None:
    kinesis = boto3.client("kinesis", region_name="us-east-1")
    kinesis.create_stream(StreamName="ours", ShardCount=1)
    # moto has no UpdateMaxRecordSize (in botocore 1.40.61's model, unlike
    # DescribeAccountSettings): only kinesis-mock can answer it.
    kinesis.update_max_record_size(StreamARN=_arn("ours"), MaxRecordSizeInKiB=2048)
    assert list(km.streams()) == ["ours"]
    assert _moto_kinesis_streams() == {}
    video = boto3.client("kinesisvideo", region_name="us-east-1")
    video.create_stream(StreamName="cam")
    assert [s["StreamName"] for s in video.list_streams()["StreamInfoList"]] == ["cam"]
    # Other services: moto's.
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.create_queue(QueueName="q")
    assert sqs.list_queues()["QueueUrls"][0].endswith("/q")


def test_kinesis_mock_inside_moto(no_network: list[str]) -> None:
    with moto.mock_aws(), mock_kinesis() as km:
        _exercise(km)
    assert no_network == []


def test_moto_inside_kinesis_mock(no_network: list[str]) -> None:
    with mock_kinesis() as km, moto.mock_aws():
        _exercise(km)
    assert no_network == []


@pytest.mark.parametrize("moto_inside", [True, False])
def test_raw_requests_to_kinesis_are_ours_beside_moto(
    moto_inside: bool, no_network: list[str]
) -> None:
    from helpers import signed_request

    mocks = (mock_kinesis(), moto.mock_aws()) if moto_inside else (moto.mock_aws(), mock_kinesis())
    with mocks[0], mocks[1]:
        created = signed_request('{"StreamName": "raw", "ShardCount": 1}', "CreateStream")
        assert created.status_code == 200
        assert boto3.client("kinesis", region_name="us-east-1").list_streams()["StreamNames"] == [
            "raw"
        ]
        assert _moto_kinesis_streams() == {}
    assert no_network == []


def test_a_sealed_mock_lets_moto_answer_the_other_services(no_network: list[str]) -> None:
    with mock_kinesis(refuse_other_services=True), moto.mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        sqs.create_queue(QueueName="q")
    assert no_network == []


_SCRIPT = """
import sys
{imports}
import boto3
early = boto3.client("kinesis", region_name="us-east-1",
                     aws_access_key_id="a", aws_secret_access_key="b")
from moto import mock_aws
from kinesis_mock import mock_kinesis
for outer, inner in ((mock_aws, mock_kinesis), (mock_kinesis, mock_aws)):
    with outer(), inner():
        for client in (early, boto3.client("kinesis", region_name="us-east-1")):
            client.create_stream(StreamName="s", ShardCount=1)
            client.update_max_record_size(  # moto lacks it
                StreamARN="arn:aws:kinesis:us-east-1:123456789012:stream/s",
                MaxRecordSizeInKiB=2048,
            )
            from moto.kinesis.models import kinesis_backends
            assert not kinesis_backends["123456789012"]["us-east-1"].streams
            client.delete_stream(StreamName="s")
print("ok")
"""


@pytest.mark.parametrize(
    "imports",
    [
        "import moto.core.models\nimport kinesis_mock",
        "import kinesis_mock\nimport moto.core.models",
    ],
    ids=["moto-first", "kinesis-mock-first"],
)
def test_either_import_order(imports: str) -> None:
    # Import order is fixed once per process: each order gets its own.
    script = textwrap.dedent(_SCRIPT).format(imports=imports)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"

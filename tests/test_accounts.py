"""State is kept per account and region; ARNs carry the right partition."""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
import pytest
from helpers import ACCOUNT, REGION

from kinesis_mock import mock_kinesis


def test_regions_are_isolated(kinesis_mock: Any) -> None:
    east = boto3.client("kinesis", region_name="us-east-1")
    west = boto3.client("kinesis", region_name="us-west-2")
    east.create_stream(StreamName="s", ShardCount=1)
    assert west.list_streams()["StreamNames"] == []
    west.create_stream(StreamName="s", ShardCount=3)
    assert kinesis_mock.streams(region="us-east-1")["s"].shard_ids == ("shardId-000000000000",)
    assert len(kinesis_mock.streams(region="us-west-2")["s"].shard_ids) == 3


def test_a_twelve_digit_access_key_selects_the_account(kinesis_mock: Any) -> None:
    default = boto3.client("kinesis", region_name=REGION)
    other = boto3.client(
        "kinesis",
        region_name=REGION,
        aws_access_key_id="111122223333",
        aws_secret_access_key="x",
    )
    other.create_stream(StreamName="theirs", ShardCount=1)
    assert default.list_streams()["StreamNames"] == []
    arn = other.describe_stream_summary(StreamName="theirs")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    assert arn == f"arn:aws:kinesis:{REGION}:111122223333:stream/theirs"
    assert list(kinesis_mock.streams(account_id="111122223333")) == ["theirs"]
    assert kinesis_mock.streams() == {}


def test_account_id_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINESIS_MOCK_ACCOUNT_ID", "444455556666")
    with mock_kinesis() as km:
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        assert km.streams()["s"].arn == f"arn:aws:kinesis:{REGION}:444455556666:stream/s"


def test_account_id_option() -> None:
    with mock_kinesis(account_id="777788889999") as km:
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="s", ShardCount=1)
        assert km.account_id == "777788889999"
        assert ":777788889999:" in km.streams()["s"].arn


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("eu-west-1", "aws"),
    ],
)
def test_arns_use_the_partition_of_the_region(
    kinesis_mock: Any, region: str, partition: str
) -> None:
    client = boto3.client("kinesis", region_name=region)
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    assert arn == f"arn:{partition}:kinesis:{region}:{ACCOUNT}:stream/s"


def test_threads_creating_streams_concurrently(kinesis_mock: Any) -> None:
    errors: list[BaseException] = []

    def create(worker: int) -> None:
        client = boto3.client("kinesis", region_name=REGION)
        try:
            for i in range(10):
                client.create_stream(StreamName=f"w{worker:02d}-{i}", ShardCount=1)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    client = boto3.client("kinesis", region_name=REGION)
    names = [
        name
        for page in client.get_paginator("list_streams").paginate()
        for name in page["StreamNames"]
    ]
    assert names == sorted(f"w{w:02d}-{i}" for w in range(16) for i in range(10))


def test_threads_racing_for_one_name_create_it_once(kinesis_mock: Any) -> None:
    outcomes: list[str] = []
    lock = threading.Lock()

    def create() -> None:
        client = boto3.client("kinesis", region_name=REGION)
        try:
            client.create_stream(StreamName="contested", ShardCount=1)
            result = "created"
        except client.exceptions.ResourceInUseException:
            result = "in use"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["in use"] * 7


def test_aws_region_alone_names_the_region_clients_and_the_handle_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore reads only AWS_DEFAULT_REGION; Lambda and the other SDKs set
    # AWS_REGION. Under the mock a client made without a region gets it.
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with mock_kinesis() as km:
        client = boto3.client("kinesis")
        assert client.meta.region_name == "eu-west-1"
        client.create_stream(StreamName="s", ShardCount=1)
        assert list(km.streams()) == ["s"]
        assert km.streams()["s"].arn.startswith("arn:aws:kinesis:eu-west-1:")
    assert "AWS_DEFAULT_REGION" not in os.environ  # put back as it was

"""Partitions and ARNs (kinesis_mock/arns.py), from botocore's partition data."""

from __future__ import annotations

import pytest

from kinesis_mock.arns import arn, partition_for_region


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-central-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("nowhere", "aws"),  # a region no partition claims
    ],
)
def test_the_partition_of_a_region(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition


def test_an_arn_joins_its_parts() -> None:
    assert arn("aws-cn", "kinesis", "cn-north-1", "123456789012", "stream/s") == (
        "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s"
    )
    assert arn("aws", "iam", "", "123456789012", "root") == "arn:aws:iam::123456789012:root"

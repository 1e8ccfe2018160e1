"""ARNs and partitions: what the pipeline and every service build ARNs from.

A neutral module: it imports nothing of kinesis_mock, so any layer may use it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from botocore.loaders import create_loader


@functools.cache
def _partitions() -> list[dict[str, Any]]:
    partitions: list[dict[str, Any]] = create_loader().load_data("partitions")["partitions"]
    return partitions


@functools.cache
def partition_for_region(region: str) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``...),
    from botocore's partition data; ``aws`` for a region no partition claims."""
    for partition in _partitions():
        if region in partition.get("regions", {}) or re.match(partition["regionRegex"], region):
            return str(partition["id"])
    return "aws"


def arn(partition: str, service: str, region: str, account: str, resource: str) -> str:
    """``arn:partition:service:region:account:resource`` (``region`` is empty
    for a global service such as IAM)."""
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"

"""Resource policies on streams and consumers: PutResourcePolicy,
GetResourcePolicy, DeleteResourcePolicy.

Policies are stored and returned as given; they do not yet open a stream to
other accounts (a stream ARN of another account answers AccessDenied).
"""

from __future__ import annotations

from typing import Any

from ...protocol import jsonlib
from ...protocol.errors import (
    InvalidArgumentException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from ..base import Params
from .backend import ACTIVE, KinesisBackend
from .resources import Consumer, resource_for
from .service import KINESIS


@KINESIS.operation("PutResourcePolicy")
def put_resource_policy(backend: KinesisBackend, req: Params) -> None:
    holder = resource_for(backend, req["ResourceARN"])
    if isinstance(holder, Consumer) and holder.status != ACTIVE:
        stream = holder.stream
        raise ResourceInUseException(
            f"Consumer {holder.name} with creation timestamp {int(holder.created_at)} under "
            f"stream {stream.name} and account {stream.account} is not in ACTIVE status."
        )
    policy: str = req["Policy"]
    try:
        # Not NaN, and not nested past what can be walked: neither is a policy.
        document = jsonlib.loads(policy)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise InvalidArgumentException("The resource policy is not a valid JSON document.")
    holder.policy = policy


@KINESIS.operation("GetResourcePolicy")
def get_resource_policy(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    holder = resource_for(backend, req["ResourceARN"])
    # A resource without a policy has the empty one.
    return {"Policy": holder.policy if holder.policy is not None else "{}"}


@KINESIS.operation("DeleteResourcePolicy")
def delete_resource_policy(backend: KinesisBackend, req: Params) -> None:
    holder = resource_for(backend, req["ResourceARN"])
    if holder.policy is None:
        raise ResourceNotFoundException(
            f"No resource policy found for resource ARN {req['ResourceARN']}."
        )
    holder.policy = None

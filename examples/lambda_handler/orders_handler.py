"""A Lambda handler that, like most, makes its client when it is imported.

The client is made once per container, outside the handler, and takes its
region (and credentials) from the environment, as Lambda provides them. Its
test, test_orders_handler.py, imports this module only once the mock is
active and the region is set.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

STREAM = os.environ.get("ORDERS_STREAM", "orders")
kinesis = boto3.client("kinesis")  # region from AWS_DEFAULT_REGION


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Publish the order in an API Gateway event's body to the stream."""
    order = json.loads(event["body"])
    kinesis.put_record(
        StreamName=STREAM, Data=json.dumps(order).encode(), PartitionKey=str(order["id"])
    )
    return {"statusCode": 202}

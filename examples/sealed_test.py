"""A sealed test: Kinesis answered by kinesis-mock, SQS by moto, nothing else.

    python examples/sealed_test.py

``refuse_other_services=True`` makes any call to an AWS service that no mock
answers raise ``UnmockedServiceCall`` naming it, instead of reaching AWS.
With moto's ``mock_aws`` active too, moto answers the other services while
Kinesis and Kinesis Video calls stay kinesis-mock's, in either nesting.
"""

from __future__ import annotations

import boto3

from kinesis_mock import UnmockedServiceCall, mock_kinesis


def main() -> None:
    with mock_kinesis(refuse_other_services=True) as km:
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="orders", ShardCount=1)
        kinesis.put_record(StreamName="orders", Data=b"order-1", PartitionKey="c1")
        print("kinesis-mock stored:", [r.data for r in km.records("orders")])
        try:
            boto3.client("sqs", region_name="us-east-1").list_queues()
        except UnmockedServiceCall as refused:
            print("refused:", str(refused).split(" (")[0])

        try:
            from moto import mock_aws
        except ImportError:
            print("moto is not installed: skipping the part with moto")
            return
        with mock_aws():
            sqs = boto3.client("sqs", region_name="us-east-1")
            sqs.create_queue(QueueName="orders-dlq")
            print("moto answered SQS:", sqs.list_queues()["QueueUrls"])
            # Still kinesis-mock's stream, not moto's:
            print("streams:", kinesis.list_streams()["StreamNames"])


if __name__ == "__main__":
    main()

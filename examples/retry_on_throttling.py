"""Testing a producer's and a consumer's retry paths with arranged faults.

    python examples/retry_on_throttling.py

The producer below is the usual one: PutRecords, then resend only the entries
that failed, backing off between attempts; whole-call throttling is retried
too. The test arranges the failures it wants with ``km.faults`` and lets the
code back off on the mock's clock (``km.clock.advance``), so nothing sleeps
for real and every run fails the same calls. ``km.calls()`` then shows what
the code did. The second part turns on the service's own throughput limits
(``throughput=True``) and lets the same producer push 2,500 records through
one shard at 1,000 records/s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from kinesis_mock import mock_kinesis, set_clock

RETRYABLE = {"ProvisionedThroughputExceededException", "LimitExceededException"}


class Producer:
    """Sends batches, resending failed entries with exponential backoff."""

    def __init__(self, client: Any, stream: str, sleep: Callable[[float], None] = time.sleep):
        self.client, self.stream, self.sleep = client, stream, sleep
        self.resent = 0  # entries sent again after failing

    def send(self, entries: list[dict[str, Any]], attempts: int = 8) -> None:
        pending, delay = entries, 0.05
        for _ in range(attempts):
            try:
                answer = self.client.put_records(StreamName=self.stream, Records=pending)
            except ClientError as error:
                if error.response["Error"]["Code"] not in RETRYABLE:
                    raise
            else:
                pending = [
                    entry
                    for entry, result in zip(pending, answer["Records"], strict=True)
                    if "ErrorCode" in result
                ]
                if not pending:
                    return
                self.resent += len(pending)
            self.sleep(delay)
            delay = min(delay * 2, 2.0)
        raise RuntimeError(f"{len(pending)} records still failing after {attempts} attempts")


def read_all(
    client: Any, stream: str, shard_id: str, sleep: Callable[[float], None] = time.sleep
) -> list[bytes]:
    """Reads a shard to its current end, backing off when reads are throttled."""
    iterator = client.get_shard_iterator(
        StreamName=stream, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    found: list[bytes] = []
    while True:
        try:
            page = client.get_records(ShardIterator=iterator)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ProvisionedThroughputExceededException":
                raise
            sleep(1.0)
            continue
        found += [record["Data"] for record in page["Records"]]
        iterator = page["NextShardIterator"]
        if page["MillisBehindLatest"] == 0:
            return found


def main() -> None:
    with mock_kinesis() as km:
        # No botocore retries: the code's own retry loop is what is tested.
        client = boto3.client(
            "kinesis", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
        )
        client.create_stream(StreamName="orders", ShardCount=1)

        # The first batch loses entries 1 and 3; the second attempt is
        # throttled as a whole; the next GetRecords is throttled once.
        km.faults.fail_records(index=[1, 3])
        km.faults.fail("PutRecords", "ProvisionedThroughputExceededException", nth=2)
        km.faults.fail("GetRecords", "ProvisionedThroughputExceededException")

        producer = Producer(client, "orders", sleep=km.clock.advance)
        producer.send([{"Data": f"order-{n}".encode(), "PartitionKey": "c"} for n in range(5)])
        read = read_all(client, "orders", "shardId-000000000000", sleep=km.clock.advance)

        km.faults.assert_all_fired()  # every failure the test meant did happen
        print("stored:", [data.decode() for data in read])
        print("PutRecords calls:", [call.error or "ok" for call in km.calls("PutRecords")])
        print("GetRecords calls:", [call.error or "ok" for call in km.calls("GetRecords")])
        assert sorted(read) == sorted(f"order-{n}".encode() for n in range(5))

    # The service's own limits: 1,000 records/s per shard. The clock stands
    # still unless the code's backoff moves it, so every run is the same.
    set_clock(lambda: 1_767_225_600.0)
    try:
        with mock_kinesis(throughput=True) as km:
            client = boto3.client(
                "kinesis", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
            )
            client.create_stream(StreamName="clicks", ShardCount=1)
            producer = Producer(client, "clicks", sleep=km.clock.advance)
            batch = [{"Data": b"%d" % n, "PartitionKey": "user"} for n in range(500)]
            for start in range(0, 2500, 500):
                producer.send(
                    [{**entry, "Data": b"%d" % (start + n)} for n, entry in enumerate(batch)]
                )
            read = read_all(client, "clicks", "shardId-000000000000", sleep=km.clock.advance)
            print(
                f"2,500 records through one shard: {producer.resent} entries throttled and resent,"
            )
            print(f"{km.clock.now() - 1_767_225_600.0:.2f} s of backoff on the mock's clock")
            assert read == [b"%d" % n for n in range(2500)]  # every record, in order
    finally:
        set_clock(None)


if __name__ == "__main__":
    main()

"""Create a stream under the mock, produce records, consume them, print them.

Run it with:  python examples/quickstart.py
"""

from __future__ import annotations

import boto3

from kinesis_mock import mock_kinesis


def main() -> None:
    with mock_kinesis() as km:
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="orders", ShardCount=2)
        kinesis.get_waiter("stream_exists").wait(StreamName="orders")

        # Produce: one record at a time, then a batch.
        kinesis.put_record(StreamName="orders", Data=b'{"order": 1}', PartitionKey="alice")
        kinesis.put_records(
            StreamName="orders",
            Records=[
                {"Data": f'{{"order": {n}}}'.encode(), "PartitionKey": name}
                for n, name in [(2, "bob"), (3, "alice"), (4, "carol")]
            ],
        )

        # Consume: every shard from its oldest record. Sequence numbers are
        # big decimals that increase within a shard (not across shards), so
        # they are printed whole, shard by shard, aligned: read them left to
        # right and the later record's is the larger.
        shards = kinesis.describe_stream(StreamName="orders")["StreamDescription"]["Shards"]
        for shard in shards:
            iterator = kinesis.get_shard_iterator(
                StreamName="orders", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            records = kinesis.get_records(ShardIterator=iterator)["Records"]
            numbers = [int(record["SequenceNumber"]) for record in records]
            in_order = numbers == sorted(numbers)
            print(f"{shard['ShardId']}: {len(records)} records, in order: {in_order}")
            for record in records:
                print(
                    f"  {record['PartitionKey']:<6} {record['Data'].decode()}  "
                    f"{record['SequenceNumber']:>56}"
                )

        # The mock handle shows what was stored without writing a consumer.
        print(f"stored: {len(km.records('orders'))} records in {len(shards)} shards")


if __name__ == "__main__":
    main()

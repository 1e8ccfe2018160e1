"""asyncio under the mock: aioboto3 creates a stream, async-kinesis produces
and consumes through it, all in process.

    pip install aioboto3 async-kinesis
    python examples/async_producer_consumer.py
"""

from __future__ import annotations

import asyncio

import aioboto3
from kinesis import Consumer, Producer

from kinesis_mock import mock_kinesis


async def main() -> None:
    async with mock_kinesis() as km:
        session = aioboto3.Session()
        async with session.client("kinesis", region_name="us-east-1") as kinesis:
            await kinesis.create_stream(StreamName="orders", ShardCount=2)

        async with Producer(stream_name="orders", region_name="us-east-1") as producer:
            for n in range(20):
                await producer.put({"order": n}, partition_key=f"customer-{n % 3}")

        seen = []
        async with Consumer(
            stream_name="orders", region_name="us-east-1", sleep_time_no_records=0.05
        ) as consumer:
            async for item in consumer:
                seen.append(item["order"])
                if len(seen) == 20:
                    break
        print("consumed:", sorted(seen))
        print("records stored:", len(km.records("orders")))


if __name__ == "__main__":
    asyncio.run(main())

"""Request rate of the HTTP server for PutRecord and GetRecords.

    pip install -e ".[dev]"
    python benchmarks/server.py

The server runs in its own process (python -m kinesis_mock serve --port 0);
client threads call it with boto3. On a small machine the clients share the
CPU with the server, so the figures are what one machine does end to end.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3

THREADS = 4
SECONDS = 5.0


def _client(endpoint: str) -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def _rate(endpoint: str, make_call: Callable[[Any], Callable[[], Any]]) -> float:
    """Calls per second over SECONDS with THREADS client threads."""
    counts = [0] * THREADS
    stop = threading.Event()

    def work(slot: int) -> None:
        call = make_call(_client(endpoint))
        call()
        while not stop.is_set():
            call()
            counts[slot] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / SECONDS


def main() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "kinesis_mock", "serve", "--port", "0", "--stream", "bench:4"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        endpoint = server.stdout.readline().rsplit(" ", 1)[1].strip()
        setup = _client(endpoint)
        setup.put_records(
            StreamName="bench",
            Records=[{"Data": b"x" * 100, "PartitionKey": "k"} for _ in range(500)],
        )
        shard = setup.put_record(StreamName="bench", Data=b"x", PartitionKey="k")["ShardId"]

        def put(client: Any) -> Callable[[], Any]:
            return lambda: client.put_record(StreamName="bench", Data=b"x" * 100, PartitionKey="k")

        def get(client: Any) -> Callable[[], Any]:
            iterator = client.get_shard_iterator(
                StreamName="bench", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            return lambda: client.get_records(ShardIterator=iterator, Limit=100)

        print(f"{THREADS} client threads, {SECONDS:.0f} s each:")
        print(f"  PutRecord:             {_rate(endpoint, put):8.0f} requests/s")
        print(f"  GetRecords (100 recs): {_rate(endpoint, get):8.0f} requests/s")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

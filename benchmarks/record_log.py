"""Speed and memory of the record log (issue 3), side by side with the floor and moto.

    pip install -e ".[dev,bench]"
    python benchmarks/record_log.py            # everything (a few minutes)
    python benchmarks/record_log.py --quick    # smaller shard sizes, for a smoke run

The floor is the same boto3 call answered by a ``before-send`` handler that
returns a canned, valid response (the bytes kinesis-mock itself answered), so
it is botocore's own cost: serializing, signing, parsing. No mock can beat it.
Every figure is the best of several rounds of the mean cost per call.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse, HeadersDict

import kinesis_mock.transport.botocore_hook as hook
from kinesis_mock import mock_kinesis

REGION = "us-east-1"
PAYLOAD = b"x" * 100
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


def _round(func: Callable[[], Any], calls: int) -> float:
    """Mean seconds per call over one round, with the garbage collector paused
    (as ``timeit`` does) so its pauses do not land at random."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            func()
        return (time.perf_counter() - start) / calls
    finally:
        gc.enable()


def per_call(func: Callable[[], Any], calls: int, rounds: int = 7) -> float:
    """Best-of-rounds mean seconds per call."""
    func()
    return min(_round(func, calls) for _ in range(rounds))


@contextmanager
def mock_paused() -> Iterator[None]:
    """Let calls bypass the active mock for a while (its state stays)."""
    depth = hook.SWITCH.depth
    hook.SWITCH.depth = 0
    try:
        yield
    finally:
        hook.SWITCH.depth = depth


def side_by_side(
    ours: Callable[[], Any], floor: Callable[[], Any], calls: int, rounds: int = 11
) -> tuple[float, float]:
    """Best-of-rounds cost of the mock and of the floor, measured in alternating
    rounds so that both see the same machine and process state."""
    ours()
    with mock_paused():
        floor()
    best_ours = best_floor = float("inf")
    for _ in range(rounds):
        best_ours = min(best_ours, _round(ours, calls))
        with mock_paused():
            best_floor = min(best_floor, _round(floor, calls))
    return best_ours, best_floor


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


@contextmanager
def captured_bodies() -> Iterator[dict[str, bytes]]:
    """Record the body kinesis-mock answers for each operation."""
    bodies: dict[str, bytes] = {}
    original = hook.handle  # type: ignore[attr-defined]

    def capture(service: Any, request: Any) -> Any:
        response = original(service, request)
        if isinstance(response.body, bytes):
            bodies[request.operation] = response.body
        return response

    # The hook calls the pipeline through its module attribute: wrap it there.
    setattr(hook, "handle", capture)  # noqa: B010
    try:
        yield bodies
    finally:
        setattr(hook, "handle", original)  # noqa: B010


def floor_client(bodies: dict[str, bytes]) -> Any:
    """A client whose calls are answered with canned bytes: botocore's own cost."""
    client = boto3.client("kinesis", region_name=REGION)
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "floor"}

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        operation = event_name.rsplit(".", 1)[1]
        return AWSResponse(request.url, 200, HeadersDict(headers), _Raw(bodies[operation]))

    client.meta.events.register_first("before-send.kinesis", answer)
    return client


Scenario = tuple[str, Callable[[Any, dict[str, str]], Callable[[], Any]], int]


def scenarios() -> list[Scenario]:
    batch = [{"Data": PAYLOAD, "PartitionKey": f"k{i}"} for i in range(500)]

    def put_record(client: Any, ctx: dict[str, str]) -> Callable[[], Any]:
        return lambda: client.put_record(StreamName="bench", Data=PAYLOAD, PartitionKey="k")

    def put_records(client: Any, ctx: dict[str, str]) -> Callable[[], Any]:
        return lambda: client.put_records(StreamName="bench", Records=batch)

    def get_records(limit: int) -> Callable[[Any, dict[str, str]], Callable[[], Any]]:
        def make(client: Any, ctx: dict[str, str]) -> Callable[[], Any]:
            iterator = ctx["iterator"]
            return lambda: client.get_records(ShardIterator=iterator, Limit=limit)

        return make

    return [
        ("put_record", put_record, 300),
        ("put_records (500 records)", put_records, 20),
        ("get_records (100 records)", get_records(100), 100),
        ("get_records (1,000 records)", get_records(1000), 20),
    ]


def prepare(client: Any) -> dict[str, str]:
    """A one-shard stream holding 2,000 records, and an iterator at its start."""
    client.create_stream(StreamName="bench", ShardCount=1)
    client.get_waiter("stream_exists").wait(StreamName="bench")
    for _ in range(4):
        client.put_records(
            StreamName="bench",
            Records=[{"Data": PAYLOAD, "PartitionKey": f"k{i}"} for i in range(500)],
        )
    iterator = client.get_shard_iterator(
        StreamName="bench", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return {"iterator": iterator}


def measure_call(index: int, with_moto: bool) -> tuple[str, float, float, float | None]:
    name, make, calls = scenarios()[index]
    with mock_kinesis(), captured_bodies() as bodies:
        client = boto3.client("kinesis", region_name=REGION)
        ctx = prepare(client)
        ours_call = make(client, ctx)
        ours_call()
        floor_call = make(floor_client(bodies), ctx)
        ours, floor = side_by_side(ours_call, floor_call, calls)
    moto_time = None
    if with_moto:
        from moto import mock_aws

        with mock_aws():
            client = boto3.client("kinesis", region_name=REGION)
            moto_ctx = prepare(client)
            moto_time = per_call(make(client, moto_ctx), max(3, calls // 3), rounds=7)
    return name, floor, ours, moto_time


def fill(client: Any, records: int, stream: str) -> None:
    client.create_stream(StreamName=stream, ShardCount=1)
    batch = [{"Data": PAYLOAD, "PartitionKey": f"k{i}"} for i in range(500)]
    for _ in range(records // 500):
        client.put_records(StreamName=stream, Records=batch)


def _shard_costs(size: int) -> tuple[float, float]:
    """(put_record, seek + read 100) on a one-shard stream holding ``size`` records."""
    with mock_kinesis():
        client = boto3.client("kinesis", region_name=REGION)
        fill(client, size, "flat")
        shard = "shardId-000000000000"
        # A record in the middle of the shard.
        records = client.get_records(
            ShardIterator=client.get_shard_iterator(
                StreamName="flat", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"],
            Limit=10_000,
        )["Records"]
        middle = records[len(records) // 2]["SequenceNumber"]

        def seek_and_read() -> None:
            iterator = client.get_shard_iterator(
                StreamName="flat",
                ShardId=shard,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                StartingSequenceNumber=middle,
            )["ShardIterator"]
            client.get_records(ShardIterator=iterator, Limit=100)

        def put() -> None:
            client.put_record(StreamName="flat", Data=PAYLOAD, PartitionKey="k")

        return per_call(put, 300), per_call(seek_and_read, 100)


def measure_flatness(small: int, large: int) -> list[tuple[str, float, float]]:
    at_small, at_large = _shard_costs(small), _shard_costs(large)
    return [
        ("put_record", at_small[0], at_large[0]),
        ("get_shard_iterator(AT_SEQUENCE_NUMBER) + get_records(100)", at_small[1], at_large[1]),
    ]


def measure_memory(records: int) -> float:
    """Bytes per stored record beyond its 100-byte payload."""
    with mock_kinesis():
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="mem", ShardCount=1)
        batch = [{"Data": PAYLOAD, "PartitionKey": f"k{i % 500}"} for i in range(500)]
        client.put_records(StreamName="mem", Records=batch)  # warm botocore's caches
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(records // 500):
            client.put_records(StreamName="mem", Records=batch)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return (after - before) / records - len(PAYLOAD)


def measure_per_test(iterations: int) -> tuple[float, float, float]:
    """Seconds per test for: the client alone; the client plus a first
    create_stream answered with a canned response (botocore's own cost of a
    first call on a new client, the floor); and mock + client + stream. Best
    of alternating rounds."""
    boto3.client("kinesis", region_name=REGION)  # warm the default session

    def client_alone() -> None:
        boto3.client("kinesis", region_name=REGION)

    def canned_first_call() -> None:
        client = boto3.client("kinesis", region_name=REGION)
        client.meta.events.register_first(
            "before-send.kinesis",
            lambda request, **_: AWSResponse(
                request.url, 200, HeadersDict({"x-amzn-RequestId": "floor"}), _Raw(b"")
            ),
        )
        client.create_stream(StreamName="t", ShardCount=1)

    def mocked_test() -> None:
        with mock_kinesis():
            client = boto3.client("kinesis", region_name=REGION)
            client.create_stream(StreamName="t", ShardCount=1)

    functions = [client_alone, canned_first_call, mocked_test]
    best = [float("inf")] * len(functions)
    for function in functions:
        function()
    for _ in range(9):
        for index, function in enumerate(functions):
            best[index] = min(best[index], _round(function, iterations))
    return best[0], best[1], best[2]


def _in_fresh_interpreter(*arguments: str) -> Any:
    """Run one measurement in its own interpreter, so none inherits another's heap."""
    command = [sys.executable, __file__, *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, no moto")
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    small, large = (1_000, 20_000) if args.quick else (10_000, 1_000_000)
    memory_records = 20_000 if args.quick else 1_000_000
    quick = ["--quick"] if args.quick else []

    if args.scenario is not None:
        print(json.dumps(measure_call(args.scenario, with_moto=not args.quick)))
        return
    if args.part == "flat":
        print(json.dumps(measure_flatness(small, large)))
        return
    if args.part == "memory":
        print(json.dumps(measure_memory(memory_records)))
        return
    if args.part == "per-test":
        print(json.dumps(measure_per_test(50)))
        return

    print("Per-call cost (microseconds). 'moto/mock' compares whole calls; 'overhead'")
    print("compares what each adds to botocore's own cost (the floor).")
    print(
        f"{'call':<30}{'floor':>9}{'mock':>9}{'mock/floor':>11}{'moto':>9}"
        f"{'moto/mock':>10}{'overhead':>10}"
    )
    for index in range(len(scenarios())):
        name, floor, ours, moto_time = _in_fresh_interpreter("--scenario", str(index), *quick)
        moto_text = ""
        if moto_time:
            overhead = (moto_time - floor) / max(ours - floor, 1e-9)
            moto_text = f"{moto_time * 1e6:>9.0f}{moto_time / ours:>9.1f}x{overhead:>9.1f}x"
        print(f"{name:<30}{floor * 1e6:>9.0f}{ours * 1e6:>9.0f}{ours / floor:>10.2f}x{moto_text}")

    print(f"\nFlat in shard size (microseconds; shard of {small:,} vs {large:,} records)")
    for name, at_small, at_large in _in_fresh_interpreter("--part", "flat", *quick):
        print(f"{name:<60}{at_small * 1e6:>9.0f}{at_large * 1e6:>9.0f}{at_large / at_small:>8.2f}x")

    overhead = _in_fresh_interpreter("--part", "memory", *quick)
    print(
        f"\nMemory: {overhead:.0f} bytes per record beyond its payload "
        f"({memory_records:,} records of {len(PAYLOAD)} bytes)"
    )

    alone, canned, mocked = _in_fresh_interpreter("--part", "per-test", *quick)
    print(
        f"\nPer-test cost (ms): client alone {alone * 1e3:.2f}; client + first "
        f"create_stream answered canned (botocore's floor) {canned * 1e3:.2f}; mock + client "
        f"+ stream {mocked * 1e3:.2f}.\nThe mock adds {(mocked - alone) * 1e3:.2f} ms to "
        f"creating a client, {(mocked - canned) * 1e3:.2f} ms of it its own."
    )


if __name__ == "__main__":
    main()

"""Speed and memory of the record log (issue 3), side by side with the floor and moto.

    pip install -e ".[dev,bench]"
    python benchmarks/record_log.py               # everything (a few minutes)
    python benchmarks/record_log.py --quick       # smaller shard sizes, for a smoke run
    python benchmarks/record_log.py --data-plane  # issue 16: the calls' ratios to the
                                                  # floor, and memory at 1,000,000 records

The floor is the same boto3 call answered by a ``before-send`` handler that
returns a canned, valid response (the bytes kinesis-mock itself answered), so
it is botocore's own cost: serializing, signing, parsing. No mock can beat it.
Every figure is the best of several rounds of the mean cost per call, in CPU
time of this process (``time.process_time``): on a shared machine, time spent
waiting for a CPU would otherwise land at random in one round or another. The
mock and the floor run in alternating rounds; the spread shown is that of the
ratios of adjacent rounds (the middle half of them).
"""

from __future__ import annotations

import argparse
import binascii
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse, HeadersDict

import kinesis_mock.transport.botocore_hook as hook
from kinesis_mock import clock, mock_kinesis
from kinesis_mock.protocol import jsonlib

REGION = "us-east-1"
PAYLOAD = b"x" * 100
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


def _round(func: Callable[[], Any], calls: int) -> float:
    """Mean CPU seconds per call over one round, with the garbage collector
    paused (as ``timeit`` does) so its pauses do not land at random."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(calls):
            func()
        return (time.process_time() - start) / calls
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


@dataclass
class SideBySide:
    """Per-round mean costs of the mock and of the floor, in alternating rounds."""

    ours: list[float]
    floor: list[float]

    @property
    def ratio(self) -> float:
        """Best of the mock's rounds over best of the floor's."""
        return min(self.ours) / min(self.floor)

    def spread(self) -> tuple[float, float]:
        """The middle half of the ratios of adjacent rounds."""
        ratios = [ours / floor for ours, floor in zip(self.ours, self.floor, strict=True)]
        low, _, high = statistics.quantiles(ratios, n=4)
        return low, high


def side_by_side(
    ours: Callable[[], Any], floor: Callable[[], Any], calls: int, rounds: int = 11
) -> SideBySide:
    """The mock and the floor measured in alternating rounds, so that both see
    the same machine and process state."""
    ours()
    with mock_paused():
        floor()
    measured = SideBySide([], [])
    for _ in range(rounds):
        measured.ours.append(_round(ours, calls))
        with mock_paused():
            measured.floor.append(_round(floor, calls))
    return measured


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body

    def close(self) -> None:
        pass


def _recording(
    frames: Iterator[bytes], bodies: dict[str, bytes], operation: str
) -> Iterator[bytes]:
    """An event stream's frames, kept in ``bodies`` as far as they are read."""
    read: list[bytes] = []
    for frame in frames:
        read.append(frame)
        bodies[operation] = b"".join(read)
        yield frame


@contextmanager
def captured_bodies() -> Iterator[dict[str, bytes]]:
    """Record the body kinesis-mock answers for each operation (of an event
    stream, the frames the first reader read)."""
    bodies: dict[str, bytes] = {}
    original = hook.handle  # type: ignore[attr-defined]

    def capture(service: Any, request: Any) -> Any:
        bodies[f"{request.operation}:request"] = request.body
        response = original(service, request)
        if isinstance(response.body, bytes):
            bodies[request.operation] = response.body
        elif request.operation not in bodies:
            response.body = _recording(response.body, bodies, request.operation)
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
    streamed = {**headers, "Content-Type": "application/vnd.amazon.eventstream"}
    model = client.meta.service_model

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        operation = event_name.rsplit(".", 1)[1]
        kind = streamed if model.operation_model(operation).has_event_stream_output else headers
        return AWSResponse(request.url, 200, HeadersDict(kind), _Raw(bodies[operation]))

    client.meta.events.register_first("before-send.kinesis", answer)
    return client


def _blobs(document: dict[str, Any]) -> list[Any]:
    """The ``Data`` members of a Kinesis request or answer (one record, or
    the records of a batch or page)."""
    records = document.get("Records")
    if isinstance(records, list):
        return [record["Data"] for record in records if "Data" in record]
    return [document["Data"]] if "Data" in document else []


def least_work(request: bytes, response: bytes) -> Callable[[], Any]:
    """What a mock that answers from the wire and keeps records as bytes
    cannot skip, for one call: parse the request's JSON and decode its
    blobs, base64-encode the answer's blobs and write the answer as JSON
    (its document made beforehand, for free). Nothing checked, routed,
    stored, numbered or journaled; no headers. (A mock keeping the base64
    text as it came, decoding only for CBOR readers, could skip the blobs'
    part.)"""
    answer = jsonlib.loads(response)
    answer_blobs = [binascii.a2b_base64(text) for text in _blobs(answer)]
    a2b, b2a, loads, dumps = binascii.a2b_base64, binascii.b2a_base64, jsonlib.loads, jsonlib.dumps

    def work() -> bytes:
        for text in _blobs(loads(request)):
            a2b(text)
        for data in answer_blobs:
            b2a(data, newline=False)
        return dumps(answer)

    return work


@dataclass(frozen=True)
class Scenario:
    name: str
    # (client, what prepare() made) -> one call
    make: Callable[[Any, dict[str, str]], Callable[[], Any]]
    calls: int
    operation: str  # the model's name
    # moto implements it (moto has no SubscribeToShard).
    moto: bool = True


SUBSCRIBED_RECORDS = 1000


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
        Scenario("put_record", put_record, 300, "PutRecord"),
        Scenario("put_records (500 records)", put_records, 20, "PutRecords"),
        Scenario("get_records (100 records)", get_records(100), 100, "GetRecords"),
        Scenario("get_records (1,000 records)", get_records(1000), 20, "GetRecords"),
        Scenario("subscribe_to_shard (1,000)", subscribe_to_shard, 20, "SubscribeToShard", False),
    ]


def subscribe_to_shard(client: Any, ctx: dict[str, str]) -> Callable[[], Any]:
    """Subscribe, read the events until 1,000 records have come, and close."""
    consumer = ctx["consumer"]
    position = {"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": ctx["first"]}

    def call() -> int:
        # A consumer may subscribe to a shard again 5 s (on the mock's clock)
        # after its last subscription; the floor ignores the clock.
        clock.advance(5)
        response = client.subscribe_to_shard(
            ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition=position
        )
        events = response["EventStream"]
        read = 0
        for event in events:
            read += len(event["SubscribeToShardEvent"]["Records"])
            if read >= SUBSCRIBED_RECORDS:
                break
        events.close()
        return read

    return call


def prepare(client: Any, subscribe: bool = False) -> dict[str, str]:
    """A one-shard stream holding 2,000 records, and an iterator at its start;
    with ``subscribe``, a consumer of it and the sequence number 1,000
    records before its end."""
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
    ctx = {"iterator": iterator}
    if subscribe:
        arn = client.describe_stream_summary(StreamName="bench")["StreamDescriptionSummary"][
            "StreamARN"
        ]
        ctx["consumer"] = client.register_stream_consumer(StreamARN=arn, ConsumerName="bench")[
            "Consumer"
        ]["ConsumerARN"]
        records = client.get_records(ShardIterator=iterator, Limit=10_000)["Records"]
        ctx["first"] = records[-SUBSCRIBED_RECORDS]["SequenceNumber"]
    return ctx


def measure_call(index: int, with_moto: bool) -> dict[str, Any]:
    scenario = scenarios()[index]
    subscribe = not scenario.moto
    with mock_kinesis():
        client = boto3.client("kinesis", region_name=REGION)
        with captured_bodies() as bodies:
            ctx = prepare(client, subscribe)
            ours_call = scenario.make(client, ctx)
            ours_call()
        floor_call = scenario.make(floor_client(bodies), ctx)
        measured = side_by_side(ours_call, floor_call, scenario.calls)
        operation = scenario.operation
        least = None
        if not subscribe:  # an event stream's answer is frames, not one document
            least = per_call(
                least_work(bodies[f"{operation}:request"], bodies[operation]), scenario.calls
            )
    moto_time = None
    if with_moto and scenario.moto:
        from moto import mock_aws

        with mock_aws():
            client = boto3.client("kinesis", region_name=REGION)
            moto_ctx = prepare(client)
            moto_time = per_call(
                scenario.make(client, moto_ctx), max(3, scenario.calls // 3), rounds=7
            )
    return {
        "name": scenario.name,
        "ours": measured.ours,
        "floor": measured.floor,
        "moto": moto_time,
        "least": least,
    }


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


def measure_memory(records: int) -> tuple[float, float]:
    """Bytes per stored record beyond its 100-byte payload, with the journal
    on (as users get it); and how much of that the journal holds."""
    with mock_kinesis() as km:
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="mem", ShardCount=1)
        batch = [{"Data": PAYLOAD, "PartitionKey": f"k{i % 500}"} for i in range(500)]
        client.put_records(StreamName="mem", Records=batch)  # warm botocore's caches
        km.journal.clear()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(records // 500):
            client.put_records(StreamName="mem", Records=batch)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        km.journal.clear()
        gc.collect()
        without_journal = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return (after - before) / records - len(PAYLOAD), (after - without_journal) / records


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


def print_calls(quick: list[str], moto: bool) -> None:
    print("Per-call cost (microseconds of CPU, best of alternating rounds); 'spread':")
    print("the middle half of the ratios of adjacent rounds. 'moto/mock' compares whole")
    print("calls; 'overhead' compares what each adds to botocore's own cost (the floor).")
    print("'least': the floor plus what a mock answering from the wire and keeping records as")
    print("bytes cannot skip (read the request's JSON and blobs, write the answer's).")
    print(
        f"{'call':<30}{'floor':>9}{'mock':>9}{'mock/floor':>11}{'spread':>13}{'least':>8}"
        + (f"{'moto':>9}{'moto/mock':>10}{'overhead':>10}" if moto else "")
    )
    for index in range(len(scenarios())):
        found = _in_fresh_interpreter("--scenario", str(index), *quick)
        measured = SideBySide(found["ours"], found["floor"])
        ours, floor, moto_time = min(measured.ours), min(measured.floor), found["moto"]
        low, high = measured.spread()
        moto_text = ""
        if moto_time:
            overhead = (moto_time - floor) / max(ours - floor, 1e-9)
            moto_text = f"{moto_time * 1e6:>9.0f}{moto_time / ours:>9.1f}x{overhead:>9.1f}x"
        least = found["least"]
        least_text = f"{(floor + least) / floor:>7.2f}x" if least is not None else f"{'-':>8}"
        print(
            f"{found['name']:<30}{floor * 1e6:>9.0f}{ours * 1e6:>9.0f}"
            f"{measured.ratio:>10.2f}x{low:>7.2f}-{high:.2f}{least_text}{moto_text}"
        )


def print_memory(records: int) -> None:
    overhead, journal = _in_fresh_interpreter("--part", "memory", "--records", str(records))
    print(
        f"\nMemory: {overhead:.1f} bytes per record beyond its payload ({records:,} records "
        f"of {len(PAYLOAD)} bytes, journal on); the journal holds {journal:.1f} of them"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, no moto")
    parser.add_argument(
        "--data-plane",
        action="store_true",
        help="only the calls (no moto) and memory at 1,000,000 records",
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--records", type=int, help=argparse.SUPPRESS)
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
        print(json.dumps(measure_memory(args.records or memory_records)))
        return
    if args.part == "per-test":
        print(json.dumps(measure_per_test(50)))
        return

    if args.data_plane:
        print_calls(["--quick"], moto=False)  # --quick: no moto
        print_memory(1_000_000)
        return

    print_calls(quick, moto=not args.quick)
    print(f"\nFlat in shard size (microseconds; shard of {small:,} vs {large:,} records)")
    for name, at_small, at_large in _in_fresh_interpreter("--part", "flat", *quick):
        print(f"{name:<60}{at_small * 1e6:>9.0f}{at_large * 1e6:>9.0f}{at_large / at_small:>8.2f}x")

    print_memory(memory_records)

    alone, canned, mocked = _in_fresh_interpreter("--part", "per-test", *quick)
    print(
        f"\nPer-test cost (ms): client alone {alone * 1e3:.2f}; client + first "
        f"create_stream answered canned (botocore's floor) {canned * 1e3:.2f}; mock + client "
        f"+ stream {mocked * 1e3:.2f}.\nThe mock adds {(mocked - alone) * 1e3:.2f} ms to "
        f"creating a client, {(mocked - canned) * 1e3:.2f} ms of it its own."
    )


if __name__ == "__main__":
    main()

"""What throughput enforcement (issue 12) costs a call, side by side in one run.

    pip install -e ".[dev]"
    python benchmarks/throughput.py            # about a minute
    python benchmarks/throughput.py --quick    # fewer rounds, for a smoke run

For each call, in one process and one mock, rounds alternate between:
the floor (the same boto3 call answered with canned bytes: botocore's own
cost, as in record_log.py); enforcement off (the default: the mock's option
off, no stream override); and enforcement on. Every figure is the best of the
rounds of the mean cost per call; on/off is the median of the rounds'
ratios, each measured back to back.

With enforcement on, the shards are given capacity no run can use up, so
every measured call is admitted and stores its records: what is measured is
the bookkeeping of an admitted call (a throttled call stores nothing and
costs less). The last row measures off against off: how far apart two
identical configurations come out on this machine, the noise any on/off
figure carries. The last line measures the check that is all enforcement
costs when off, against a function without it.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import statistics
import timeit
from collections.abc import Callable
from typing import Any

import boto3
from record_log import _round, captured_bodies, floor_client, mock_paused

from kinesis_mock import mock_kinesis
from kinesis_mock.registry import REGISTRY
from kinesis_mock.services.kinesis import KINESIS, throughput
from kinesis_mock.settings import Settings

REGION = "us-east-1"
PAYLOAD = b"x" * 100
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


def unlimited() -> None:
    """Capacity no benchmark uses up (read when a stream's limits are made)."""
    huge = 10**15
    throughput.SHARD_WRITE_BYTES = throughput.SHARD_WRITE_RECORDS = huge
    throughput.SHARD_READ_BYTES = throughput.CONSUMER_READ_BYTES = huge
    throughput.SHARD_READ_CALLS = 10**9
    throughput.ON_DEMAND_WRITE_MIB = 10**9


# (name, CreateStream arguments, operation, its parameters given an
# iterator at the stream's start, calls per round)
Scenario = tuple[str, dict[str, Any], str, Callable[[str], dict[str, Any]], int]


def scenarios() -> list[Scenario]:
    batch = [{"Data": PAYLOAD, "PartitionKey": f"k{i}"} for i in range(500)]
    provisioned = {"ShardCount": 1}
    on_demand = {"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}

    def record(iterator: str) -> dict[str, Any]:
        return {"StreamName": "bench", "Data": PAYLOAD, "PartitionKey": "k"}

    def records(iterator: str) -> dict[str, Any]:
        return {"StreamName": "bench", "Records": batch}

    def read(iterator: str) -> dict[str, Any]:
        return {"ShardIterator": iterator, "Limit": 100}

    return [
        ("put_record", provisioned, "PutRecord", record, 150),
        ("put_record (on-demand)", on_demand, "PutRecord", record, 150),
        ("put_records (500 records)", provisioned, "PutRecords", records, 10),
        ("get_records (100 records)", provisioned, "GetRecords", read, 50),
    ]


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def measure(
    scenario: Scenario, rounds: int, on: bool = True
) -> tuple[float, float, float, float, float]:
    """(floor, off, on) seconds per boto3 call (best of the rounds); on/off,
    the median of each round's ratio (the two are measured back to back, so
    a busy machine moves both); and the seconds enforcement adds to the
    handler alone. With ``on`` false, 'on' is off too: the run's own noise."""
    _, create, operation, params_for, calls = scenario
    with mock_kinesis() as km, captured_bodies() as bodies:
        client = boto3.client("kinesis", region_name=REGION)
        client.create_stream(StreamName="bench", **create)
        shard = client.list_shards(StreamName="bench")["Shards"][0]["ShardId"]
        client.put_records(
            StreamName="bench",
            Records=[{"Data": PAYLOAD, "PartitionKey": "k"} for _ in range(100)],
        )
        iterator = client.get_shard_iterator(
            StreamName="bench", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        params = params_for(iterator)
        method = getattr(client, _snake(operation))
        ours = functools.partial(method, **params)
        ours()
        floor = functools.partial(getattr(floor_client(bodies), _snake(operation)), **params)
        settings = km.settings
        best = [float("inf")] * 5
        ratios = []
        order = [(1, False), (2, on)]
        handler = KINESIS.handlers[operation]
        for warm_up in [True] + [False] * rounds:
            times = [0.0] * 5
            with mock_paused():
                times[0] = _round(floor, calls)
            for index, enforce in order:
                settings.throughput = enforce
                times[index] = _round(ours, calls)
            for index, enforce in order:
                settings.throughput = enforce
                with REGISTRY.open(KINESIS, km.account_id, REGION) as backend:
                    times[index + 2] = _round(functools.partial(handler, backend, params), calls)
            settings.throughput = False
            order.reverse()  # neither always runs first
            if not warm_up:
                best = [min(pair) for pair in zip(best, times, strict=True)]
                ratios.append(times[2] / times[1])
    return best[0], best[1], best[2], statistics.median(ratios), best[4] - best[3]


class _Stream:
    enforce_throughput: bool | None = None


def check_cost() -> float:
    """Seconds the off-path check (as in PutRecord) takes per call."""
    stream, settings = _Stream(), Settings()

    def check() -> bool:
        enforce = stream.enforce_throughput
        return bool(enforce or (enforce is None and settings.throughput))

    def nothing() -> bool:
        return False

    number = 200_000
    gc.collect()
    with_check = min(timeit.repeat(check, number=number, repeat=7)) / number
    without = min(timeit.repeat(nothing, number=number, repeat=7)) / number
    return with_check - without


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds = 3 if args.quick else 31
    unlimited()
    print("Per-call cost (microseconds) of boto3 calls: the floor, enforcement off and on;")
    print("on/off is the median of the rounds' ratios. 'handler +' is what enforcement adds")
    print("to the handler alone in a loop, and that against the whole call (a real call,")
    print("with the caches cold from botocore's work, pays a few times as much).")
    print(
        f"{'call':<28}{'floor':>8}{'off':>8}{'on':>8}{'off/floor':>11}{'on/off':>9}"
        f"{'handler +':>11}{'of call':>9}"
    )
    put_record_off = 0.0
    runs = [(scenario, True) for scenario in scenarios()]
    runs.append((scenarios()[0], False))
    for scenario, enforce in runs:
        floor, off, on, ratio, added = measure(scenario, rounds, enforce)
        name = scenario[0] if enforce else "put_record, off vs off"
        if name == "put_record":
            put_record_off = off
        print(
            f"{name:<28}{floor * 1e6:>8.1f}{off * 1e6:>8.1f}{on * 1e6:>8.1f}"
            f"{off / floor:>10.2f}x{(ratio - 1) * 100:>+8.1f}%"
            f"{added * 1e6:>11.2f}{added / off * 100:>+8.2f}%"
        )
    cost = check_cost()
    print(
        f"\nOff, the check is all that runs: {cost * 1e9:.0f} ns a call, "
        f"{cost / put_record_off * 100:.3f}% of put_record."
    )


if __name__ == "__main__":
    main()

"""What --data-dir costs: write throughput over HTTP with and without it,
and the server's memory after a large write.

    pip install -e ".[dev]"
    python benchmarks/persistence.py                 # (a) throughput, side by side
    python benchmarks/persistence.py --large-gib 2   # (b) also write 2 GiB, report RSS

(a) Each round starts two servers (python -m kinesis_mock serve --port 0),
one in memory and one with a data directory in a temporary directory, and
measures PutRecord and PutRecords (500 records a call) against each in
turn, with THREADS boto3 client threads; the figures are the medians of the
rounds, and the ratio is data dir / memory. The clients share the machine
with the server, so the figures are what one machine does end to end.

(b) Writes --large-gib GiB of records (PutRecords, 500 records of
--large-record-kib KiB a call) to a server with a data directory, then
reports the server's resident memory (VmRSS, and its peak VmHWM, from
/proc; Linux only) and the database's size; then starts a new server on the
directory and reports how long it took to start, its memory, and a page
read back from the start of each shard.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

THREADS = 4
SHARDS = 4


def _client(endpoint: str) -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 0}, read_timeout=300),
    )


@contextmanager
def _server(data_dir: str | None, create: bool = True) -> Iterator[tuple[str, int]]:
    """A server in its own process (with the stream "bench" unless
    ``create`` is false): its URL and process id."""
    command = [sys.executable, "-m", "kinesis_mock", "serve", "--port", "0"]
    if data_dir is not None:
        command += ["--data-dir", data_dir]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().rsplit(" ", 1)[1].strip()
        if create:
            _client(endpoint).create_stream(StreamName="bench", ShardCount=SHARDS)
        yield endpoint, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def _rate(endpoint: str, seconds: float, make_call: Callable[[Any], Callable[[], Any]]) -> float:
    """Calls per second over ``seconds`` with THREADS client threads."""
    counts = [0] * THREADS
    stop = threading.Event()
    ready = threading.Barrier(THREADS + 1)

    def work(slot: int) -> None:
        call = make_call(_client(endpoint))
        call()  # connect before the clock starts
        ready.wait()
        while not stop.is_set():
            call()
            counts[slot] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def _put_record(size: int) -> Callable[[Any], Callable[[], Any]]:
    data = b"x" * size

    def make(client: Any) -> Callable[[], Any]:
        keys = map(str, range(1 << 62))
        return lambda: client.put_record(StreamName="bench", Data=data, PartitionKey=next(keys))

    return make


def _put_records(size: int, count: int = 500) -> Callable[[Any], Callable[[], Any]]:
    records = [{"Data": b"x" * size, "PartitionKey": str(n)} for n in range(count)]

    def make(client: Any) -> Callable[[], Any]:
        return lambda: client.put_records(StreamName="bench", Records=records)

    return make


def throughput(rounds: int, seconds: float, size: int) -> None:
    calls = {"PutRecord": _put_record(size), "PutRecords (500)": _put_records(size)}
    rates: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        directory = tempfile.mkdtemp(prefix="kinesis-mock-bench-")
        try:
            with _server(None) as (in_memory, _), _server(directory) as (on_disk, _):
                for name, call in calls.items():
                    for where, endpoint in (("memory", in_memory), ("data dir", on_disk)):
                        rates.setdefault((name, where), []).append(_rate(endpoint, seconds, call))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    print(
        f"Write throughput over HTTP, {THREADS} client threads, {SHARDS} shards, "
        f"{size}-byte records; medians of {rounds} rounds of {seconds:.0f} s:"
    )
    print(f"  {'':18} {'memory':>14} {'--data-dir':>14} {'ratio':>7}")
    for name in calls:
        memory = statistics.median(rates[(name, "memory")])
        stored = statistics.median(rates[(name, "data dir")])
        records = 500 if "500" in name else 1
        print(
            f"  {name:18} {memory:9.0f} req/s {stored:9.0f} req/s {stored / memory:6.0%}"
            f"   ({memory * records:,.0f} vs {stored * records:,.0f} records/s)"
        )


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def large_write(gib: float, record_kib: int) -> None:
    size = record_kib * 1024
    per_call = 500 * size
    calls = max(1, int(gib * (1 << 30) // per_call))
    directory = tempfile.mkdtemp(prefix="kinesis-mock-bench-")
    try:
        with _server(directory) as (endpoint, pid):
            before = _memory(pid)
            done = [0]
            lock = threading.Lock()
            started = time.perf_counter()

            def work(slot: int) -> None:
                client = _client(endpoint)
                records = [
                    {"Data": os.urandom(16) + b"x" * (size - 16), "PartitionKey": f"{slot}-{n}"}
                    for n in range(500)
                ]
                while True:
                    with lock:
                        if done[0] >= calls:
                            return
                        done[0] += 1
                    result = client.put_records(StreamName="bench", Records=records)
                    assert result["FailedRecordCount"] == 0

            threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            after = _memory(pid)
            written = calls * per_call
            files = {path.name: path.stat().st_size for path in Path(directory).iterdir()}
        print(
            f"Wrote {written / (1 << 30):.2f} GiB ({calls * 500:,} records of "
            f"{record_kib} KiB) in {elapsed:.0f} s ({written / (1 << 20) / elapsed:.0f} MiB/s) "
            "to a server with a data dir:"
        )
        print(f"  server RSS before:   {before['VmRSS'] / 1024:6.0f} MiB")
        print(
            f"  server RSS after:    {after['VmRSS'] / 1024:6.0f} MiB "
            f"(peak {after['VmHWM'] / 1024:.0f} MiB)"
        )
        for name, size in sorted(files.items()):
            print(f"  {name + ':':28} {size / (1 << 20):6.0f} MiB")
        started = time.perf_counter()
        with _server(directory, create=False) as (endpoint, pid):
            startup = time.perf_counter() - started
            client = _client(endpoint)
            read = 0
            for shard in client.list_shards(StreamName="bench")["Shards"]:
                iterator = client.get_shard_iterator(
                    StreamName="bench", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
                read += len(client.get_records(ShardIterator=iterator, Limit=1000)["Records"])
            restarted = _memory(pid)
        print(
            f"Restarted on it in {startup:.1f} s; RSS {restarted['VmRSS'] / 1024:.0f} MiB "
            f"after reading {read} records back from the start of the shards"
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--record-bytes", type=int, default=100)
    parser.add_argument("--large-gib", type=float, default=0.0, help="(b): GiB to write")
    parser.add_argument("--large-record-kib", type=int, default=4)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if not args.skip_throughput:
        throughput(args.rounds, args.seconds, args.record_bytes)
    if args.large_gib:
        large_write(args.large_gib, args.large_record_kib)


if __name__ == "__main__":
    main()

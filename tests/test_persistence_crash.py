"""A server with a data directory, killed with SIGKILL while it takes
writes, has every write it acknowledged when it starts again; and its
memory follows what it serves, not what it stores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="SIGKILL and /proc are POSIX and Linux"
)

THREADS = 4
# Per thread: PutRecord and PutRecords calls in turn, until this many records.
RECORDS_PER_THREAD = 300
BATCH = 25


@contextmanager
def _server(directory: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``kinesis-mock serve --data-dir directory`` in its own process: the
    process and its URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kinesis_mock",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(directory),
            *extra,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("kinesis-mock serving on "), line
        yield process, line.rsplit(" ", 1)[1].strip()
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)


def _client(endpoint: str) -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        # A call the kill cuts short fails at once rather than being retried.
        config=Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=30),
    )


def _every_record(client: Any) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for shard in client.list_shards(StreamName="s")["Shards"]:
        iterator = client.get_shard_iterator(
            StreamName="s", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = found.setdefault(shard["ShardId"], [])
        while True:
            page = client.get_records(ShardIterator=iterator)
            records += page["Records"]
            if not page["Records"]:
                break
            iterator = page["NextShardIterator"]
    return found


def test_every_acknowledged_record_survives_a_kill_9(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    # (shard id, sequence number, data) of every write the server answered.
    acknowledged: list[tuple[str, str, bytes]] = []
    # The data of each call sent: a PutRecords call's is stored whole or not at all.
    batches: list[list[bytes]] = []
    lock = threading.Lock()
    halfway = threading.Event()
    planned = THREADS * RECORDS_PER_THREAD

    def produce(endpoint: str, slot: int) -> None:
        client = _client(endpoint)
        sent = 0
        try:
            while sent < RECORDS_PER_THREAD:
                if sent % (BATCH + 1) == 0:
                    data = f"{slot}:{sent}:single".encode()
                    with lock:
                        batches.append([data])
                    put = client.put_record(StreamName="s", Data=data, PartitionKey=data.decode())
                    if "SequenceNumber" not in put:
                        return  # the answer was cut short: not acknowledged
                    answered = [(put["ShardId"], put["SequenceNumber"], data)]
                    sent += 1
                else:
                    batch = [f"{slot}:{sent + n}:batch".encode() * 3 for n in range(BATCH)]
                    with lock:
                        batches.append(batch)
                    result = client.put_records(
                        StreamName="s",
                        Records=[{"Data": d, "PartitionKey": d.decode()} for d in batch],
                    )
                    if "Records" not in result:
                        return  # the answer was cut short: not acknowledged
                    assert result["FailedRecordCount"] == 0
                    answered = [
                        (r["ShardId"], r["SequenceNumber"], d)
                        for r, d in zip(result["Records"], batch, strict=True)
                    ]
                    sent += BATCH
                with lock:
                    acknowledged.extend(answered)
                    if len(acknowledged) >= planned // 2:
                        halfway.set()
        except (BotoCoreError, ClientError, ConnectionError):
            return  # the server was killed

    with _server(directory) as (process, endpoint):
        client = _client(endpoint)
        client.create_stream(StreamName="s", ShardCount=4)
        iterator = client.get_shard_iterator(
            StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        threads = [
            threading.Thread(target=produce, args=(endpoint, slot)) for slot in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        halfway.wait(timeout=60)
        process.send_signal(signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=60)
        process.wait(timeout=30)
    assert acknowledged

    with _server(directory) as (_, endpoint):
        client = _client(endpoint)
        stored = _every_record(client)
        # Every acknowledged record, with its data and sequence number.
        found = {
            (shard, r["SequenceNumber"]): r["Data"] for shard, rs in stored.items() for r in rs
        }
        missing = [a for a in acknowledged if found.get((a[0], a[1])) != a[2]]
        assert missing == []
        # Each shard in sequence order.
        for records in stored.values():
            numbers = [int(r["SequenceNumber"]) for r in records]
            assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
        # Nothing half-written: only what was sent, and each batch whole or absent.
        sent = {d for batch in batches for d in batch}
        present = set(found.values())
        assert present <= sent
        for batch in batches:
            assert set(batch) <= present or not set(batch) & present
        # An iterator from before the kill reads on (the new process took
        # the stored secret).
        first = client.get_records(ShardIterator=iterator)["Records"]
        assert first == stored["shardId-000000000000"][: len(first)]
        # The stream takes writes again, after what was there.
        put = client.put_record(StreamName="s", Data=b"after", PartitionKey="after")
        assert all(
            int(put["SequenceNumber"]) > int(r["SequenceNumber"]) for r in stored[put["ShardId"]]
        )


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_memory_follows_what_is_served_not_what_is_stored(tmp_path: Path) -> None:
    record, per_call = 16 * 1024, 64  # 1 MiB a call
    calls = 32
    with _server(tmp_path / "data") as (process, endpoint):
        client = _client(endpoint)
        client.create_stream(StreamName="s", ShardCount=4)

        def put(call: int) -> None:
            records = [
                {"Data": f"{call}:{n}:".encode().ljust(record, b"x"), "PartitionKey": f"{call}-{n}"}
                for n in range(per_call)
            ]
            assert client.put_records(StreamName="s", Records=records)["FailedRecordCount"] == 0

        # First a few calls, so that the server's memory settles (the
        # journal keeps the latest calls' parameters, up to 1 MiB of them).
        settle = 8
        for call in range(settle):
            put(call)
        before = _rss_kib(process.pid)
        for call in range(settle, settle + calls):
            put(call)
        grown = _rss_kib(process.pid) - before
        written_kib = calls * per_call * record // 1024
        # In memory the records alone would take all of it; on disk, a
        # record costs 8 bytes of arrival time (it grows by well under 1 MiB
        # here; the bound leaves room for the allocator's moods).
        assert grown < written_kib // 2, (grown, written_kib)
        stored = _every_record(client)
        assert sum(map(len, stored.values())) == (settle + calls) * per_call


def test_a_restart_with_the_same_stream_flags_keeps_the_streams(tmp_path: Path) -> None:
    """docker-compose restarts a service with the flags it started with: the
    streams of --stream are already in the data directory, and stay as they are."""
    with _server(tmp_path, "--stream", "orders:2") as (_, endpoint):
        client = _client(endpoint)
        client.put_record(StreamName="orders", Data=b"kept", PartitionKey="k")
    with _server(tmp_path, "--stream", "orders:2", "--stream", "audit:1") as (process, endpoint):
        client = _client(endpoint)
        assert process.poll() is None
        assert sorted(client.list_streams()["StreamNames"]) == ["audit", "orders"]
        data = []
        for shard in client.list_shards(StreamName="orders")["Shards"]:
            iterator = client.get_shard_iterator(
                StreamName="orders", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            data += [
                record["Data"] for record in client.get_records(ShardIterator=iterator)["Records"]
            ]
        assert data == [b"kept"]

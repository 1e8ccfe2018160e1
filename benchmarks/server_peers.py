"""The HTTP server's CPU per request and request rate beside its peers', and
its memory per stored record.

    pip install -e ".[dev]"
    python benchmarks/server_peers.py                 # CPU and rate, ~8 minutes
    python benchmarks/server_peers.py --quick         # a smoke run
    python benchmarks/server_peers.py --memory 200000 # RSS per stored record

Each server runs as its own process on a free port; boto3 clients call it
from CLIENT_THREADS threads (2 by default). Per operation, every server is
warmed up (a JIT's work done), then the servers take turns for ROUNDS rounds
of an equal share of the requests, and each figure is the median round's:
alternating rounds let every server see the machine alike. What is measured
is the SERVER's CPU time per request (user + system of its processes and
threads: scheduler statistics in nanoseconds, or clock ticks where a thread
ended in between), and requests per second as the clients see them. On a
small machine the clients share the CPU with the server, so requests/s is
end to end; CPU per request is the server's alone.

The peers, installed outside this repository (the default place is
``~/.cache/kinesis-mock-peers``; ``--peers DIR`` names another)::

    mkdir -p ~/.cache/kinesis-mock-peers && cd ~/.cache/kinesis-mock-peers
    npm install kinesalite kinesis-local       # both run on Node (18+ works)
    python -m venv moto && moto/bin/pip install "moto[server]"

kinesalite is the Node mock (in memory: memdown, no native module needed);
kinesis-local is etspaceman's Scala kinesis-mock compiled to JavaScript for
npm (Node only, no Java); moto_server is moto's Flask server (looked for in
``DIR/moto/bin``, then on PATH). A peer that is not installed is skipped.
Each peer runs with its own defaults except that stream creation takes no
time and kinesis-local's per-request log is off (kinesis-mock's is off by
default; moto_server's werkzeug still logs a line per request to stderr,
which is its normal cost).

``--memory N`` stores N records of 100 bytes (PutRecords of 500) in a fresh
server and reports the growth of its resident memory per record, for
kinesis-mock in memory and with ``--data-dir``, and for each peer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

CLIENT_THREADS = 2
REQUESTS = 1000
# Measured rounds per operation (alternating between the servers), and the
# warm-up before them: a sixth of the requests.
ROUNDS = 5
WARM_UP_SHARE = 6
STREAM = "bench"
SHARDS = 4
DATA = b"x" * 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PEERS_DEFAULT = Path.home() / ".cache" / "kinesis-mock-peers"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


@dataclass(frozen=True)
class CpuSnapshot:
    threads: frozenset[tuple[int, str]]
    nanoseconds: int  # the live threads' run time (scheduler statistics)
    ticks: int  # the processes' user + system clock ticks (1/100 s)

    def seconds_since(self, before: CpuSnapshot) -> float:
        """CPU seconds between two snapshots: in nanoseconds from the threads
        alive at both; but a thread that ended in between took its
        statistics with it (moto_server runs a thread per request), so where
        the processes' clock ticks (which keep them, to within a tick) say
        more, the ticks."""
        ticks = (self.ticks - before.ticks - 1) / CLOCK_TICKS
        if self.threads != before.threads or not self.nanoseconds:
            return max(ticks, 0.0)
        return max((self.nanoseconds - before.nanoseconds) / 1e9, ticks)


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    endpoint: str
    cleanup: list[str] = field(default_factory=list)
    _tree: list[int] = field(default_factory=list)

    def cpu_snapshot(self) -> CpuSnapshot:
        """The server's CPU time so far (user + system, all its processes)."""
        if not self._tree:
            self._tree = _children(self.process.pid)
        threads: list[tuple[int, str]] = []
        nanoseconds = ticks = 0
        for pid in self._tree:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
                for thread in os.listdir(f"/proc/{pid}/task"):
                    text = Path(f"/proc/{pid}/task/{thread}/schedstat").read_text()
                    nanoseconds += int(text.split()[0])
                    threads.append((pid, thread))
            except (OSError, ValueError, IndexError):
                continue
        return CpuSnapshot(frozenset(threads), nanoseconds, ticks)

    def rss_bytes(self) -> int:
        if not self._tree:
            self._tree = _children(self.process.pid)
        total = 0
        for pid in self._tree:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)


def _client(endpoint: str) -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="bench",
        # One HTTP request per call: a retry would hide a failure and count twice.
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=4),
    )


def _wait_until_serving(server: Server, seconds: float = 90.0) -> None:
    client = _client(server.endpoint)
    deadline = time.monotonic() + seconds
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        try:
            client.list_streams()
            return
        except (BotoCoreError, ClientError) as error:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.name} did not answer: {error}") from error
            time.sleep(0.2)


def _start(name: str, peers: Path) -> Server | None:
    """Start one server, or None when it is not installed."""
    port = _free_port()
    env = dict(os.environ)
    cleanup: list[str] = []
    cwd: str | None = None
    if name in ("kinesis-mock", "kinesis-mock-disk"):
        command = [sys.executable, "-m", "kinesis_mock", "serve", "--port", str(port)]
        if name == "kinesis-mock-disk":
            directory = tempfile.mkdtemp(prefix="kinesis-mock-bench-")
            cleanup.append(directory)
            command += ["--data-dir", directory]
    elif name == "kinesalite":
        cli = peers / "node_modules" / "kinesalite" / "cli.js"
        if not cli.exists() or shutil.which("node") is None:
            return None
        command = ["node", str(cli), "--port", str(port), "--createStreamMs", "0"]
        command += ["--shardLimit", "1000"]
    elif name == "kinesis-local":
        package = peers / "node_modules" / "kinesis-local"
        if not (package / "main.js").exists() or shutil.which("node") is None:
            return None
        command = ["node", "main.js"]
        cwd = str(package)  # its TLS certificate, server.json, is read from there
        env.update(
            KINESIS_MOCK_PLAIN_PORT=str(port),
            KINESIS_MOCK_TLS_PORT=str(_free_port()),
            CREATE_STREAM_DURATION="0ms",
            LOG_LEVEL="WARN",
            SHARD_LIMIT="1000",
        )
    elif name == "moto_server":
        found = peers / "moto" / "bin" / "moto_server"
        executable = str(found) if found.exists() else shutil.which("moto_server")
        if executable is None:
            return None
        command = [executable, "-p", str(port)]
    else:
        raise ValueError(f"unknown server {name!r}")
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(name, process, f"http://127.0.0.1:{port}", cleanup)
    try:
        _wait_until_serving(server)
    except BaseException:
        server.stop()
        raise
    return server


def _started(name: str, peers: Path) -> Server | None:
    """``_start``, saying why a server is skipped."""
    try:
        server = _start(name, peers)
    except RuntimeError as error:
        print(f"{name}: {error}, skipped", file=sys.stderr)
        return None
    if server is None:
        print(f"{name}: not installed, skipped", file=sys.stderr)
    return server


@dataclass
class Place:
    """What the benchmark's stream on one server offers the calls."""

    shard: str  # the shard holding 501 records (GetRecords reads them)
    arn: str
    consumer: str  # a registered consumer's ARN ("" where none could be made)
    # Streams CreateStream made, for DeleteStream to delete.
    created: list[str] = field(default_factory=list)


def _make_stream(client: Any) -> Place:
    """The benchmark's stream, ACTIVE with SHARDS shards, 501 records of 100
    bytes on one shard, and a consumer (where the server has consumers)."""
    client.create_stream(StreamName=STREAM, ShardCount=SHARDS)
    summary: dict[str, Any] = {}
    for _ in range(300):
        summary = client.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"]
        if summary["StreamStatus"] == "ACTIVE":
            break
        time.sleep(0.1)
    client.put_records(
        StreamName=STREAM, Records=[{"Data": DATA, "PartitionKey": "k"} for _ in range(500)]
    )
    shard: str = client.put_record(StreamName=STREAM, Data=DATA, PartitionKey="k")["ShardId"]
    arn = summary.get("StreamARN", "")
    try:
        consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="bench")
        consumer_arn: str = consumer["Consumer"]["ConsumerARN"]
    except (BotoCoreError, ClientError):
        consumer_arn = ""
    return Place(shard, arn, consumer_arn)


Call = Callable[[], Any]
# Per operation: what makes one client's call on a server's Place.
MakeCall = Callable[[Any, Place], Call]


def _get_records(client: Any, place: Place) -> Call:
    iterator = client.get_shard_iterator(
        StreamName=STREAM, ShardId=place.shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return lambda: client.get_records(ShardIterator=iterator, Limit=100)


def _create_stream(client: Any, place: Place) -> Call:
    def call() -> Any:
        name = f"bench-{len(place.created)}-{threading.get_ident()}"
        place.created.append(name)
        return client.create_stream(StreamName=name, ShardCount=1)

    return call


def _delete_stream(client: Any, place: Place) -> Call:
    def call() -> Any:
        # Fewer left than asked for: the name fails, as a missing stream does.
        name = place.created.pop() if place.created else "bench-none"
        return client.delete_stream(StreamName=name)

    return call


def _operations() -> dict[str, tuple[MakeCall, int]]:
    """Each operation measured, in order, with its share of the requests
    (PutRecords of 500 costs the client ~100 times a small call: a twentieth
    as many; CreateStream and DeleteStream: a tenth, within peers' shard
    limits). Every call can be repeated with the same answer; operations
    that change a stream's shape (SplitShard, MergeShards, UpdateShardCount,
    encryption, stream mode) or run into a per-stream limit
    (RegisterStreamConsumer: 20) are not measured."""
    batch = [{"Data": DATA, "PartitionKey": f"k{n}"} for n in range(500)]
    metrics = ["IncomingBytes"]
    return {
        "PutRecord": (
            lambda c, p: lambda: c.put_record(StreamName=STREAM, Data=DATA, PartitionKey="k"),
            1,
        ),
        "PutRecords(500)": (
            lambda c, p: lambda: c.put_records(StreamName=STREAM, Records=batch),
            20,
        ),
        "GetRecords(100)": (_get_records, 1),
        "GetShardIterator": (
            lambda c, p: (
                lambda: c.get_shard_iterator(
                    StreamName=STREAM, ShardId=p.shard, ShardIteratorType="LATEST"
                )
            ),
            1,
        ),
        "ListShards": (lambda c, p: lambda: c.list_shards(StreamName=STREAM), 1),
        "DescribeStreamSummary": (
            lambda c, p: lambda: c.describe_stream_summary(StreamName=STREAM),
            1,
        ),
        "DescribeStream": (lambda c, p: lambda: c.describe_stream(StreamName=STREAM), 1),
        "ListStreams": (lambda c, p: lambda: c.list_streams(), 1),
        "DescribeLimits": (lambda c, p: lambda: c.describe_limits(), 1),
        "ListTagsForStream": (lambda c, p: lambda: c.list_tags_for_stream(StreamName=STREAM), 1),
        "AddTagsToStream": (
            lambda c, p: lambda: c.add_tags_to_stream(StreamName=STREAM, Tags={"bench": "1"}),
            1,
        ),
        "RemoveTagsFromStream": (
            lambda c, p: lambda: c.remove_tags_from_stream(StreamName=STREAM, TagKeys=["absent"]),
            1,
        ),
        "IncreaseStreamRetentionPeriod": (
            lambda c, p: (
                lambda: c.increase_stream_retention_period(
                    StreamName=STREAM, RetentionPeriodHours=24
                )
            ),
            1,
        ),
        "DecreaseStreamRetentionPeriod": (
            lambda c, p: (
                lambda: c.decrease_stream_retention_period(
                    StreamName=STREAM, RetentionPeriodHours=24
                )
            ),
            1,
        ),
        "EnableEnhancedMonitoring": (
            lambda c, p: (
                lambda: c.enable_enhanced_monitoring(StreamName=STREAM, ShardLevelMetrics=metrics)
            ),
            1,
        ),
        "DisableEnhancedMonitoring": (
            lambda c, p: (
                lambda: c.disable_enhanced_monitoring(StreamName=STREAM, ShardLevelMetrics=metrics)
            ),
            1,
        ),
        "ListStreamConsumers": (
            lambda c, p: lambda: c.list_stream_consumers(StreamARN=p.arn),
            1,
        ),
        "DescribeStreamConsumer": (
            lambda c, p: lambda: c.describe_stream_consumer(ConsumerARN=p.consumer),
            1,
        ),
        "ListTagsForResource": (
            lambda c, p: lambda: c.list_tags_for_resource(ResourceARN=p.arn),
            1,
        ),
        "GetResourcePolicy": (
            lambda c, p: lambda: c.get_resource_policy(ResourceARN=p.arn),
            1,
        ),
        "CreateStream": (_create_stream, 10),
        "DeleteStream": (_delete_stream, 10),
    }


@dataclass
class Figure:
    """One server's figures for one operation, over the rounds."""

    cpu_ms: list[float] = field(default_factory=list)  # server CPU per request, per round
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    error: str = ""

    @property
    def cpu(self) -> float:
        """The median round's CPU per request (ms)."""
        return statistics.median(self.cpu_ms)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Runner:
    """CLIENT_THREADS clients of one server, each with its call."""

    def __init__(self, server: Server, make_call: MakeCall, place: Place) -> None:
        self.server = server
        self.calls = [make_call(_client(server.endpoint), place) for _ in range(CLIENT_THREADS)]

    def run(self, total: int, figure: Figure | None) -> None:
        """``total`` calls split over the threads; with ``figure``, measured into it."""
        share = max(total // CLIENT_THREADS, 1)
        errors = [0] * CLIENT_THREADS
        last = [""]

        def run(slot: int) -> None:
            call = self.calls[slot]
            for _ in range(share):
                try:
                    call()
                except ClientError as error:
                    errors[slot] += 1
                    last[0] = error.response.get("Error", {}).get("Code", "?")
                except BotoCoreError as error:
                    errors[slot] += 1
                    last[0] = type(error).__name__

        threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENT_THREADS)]
        cpu = self.server.cpu_snapshot()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        seconds = self.server.cpu_snapshot().seconds_since(cpu)
        if figure is not None:
            done = share * CLIENT_THREADS
            figure.cpu_ms.append(seconds / done * 1000)
            figure.requests += done
            figure.seconds += elapsed
            figure.errors += sum(errors)
            figure.error = last[0] or figure.error


def _cpu(names: list[str], peers: Path, requests: int, only: list[str] | None) -> None:
    servers: list[tuple[Server, Place]] = []
    try:
        for name in names:
            server = _started(name, peers)
            if server is not None:
                servers.append((server, _make_stream(_client(server.endpoint))))
        results: dict[str, dict[str, Figure]] = {}
        for operation, (make_call, weight) in _operations().items():
            if only and operation.partition("(")[0] not in only:
                continue
            count = max(requests // weight, 20)
            runners = [(server.name, Runner(server, make_call, place)) for server, place in servers]
            for _, runner in runners:  # warm-up: code loaded, a JIT's work done
                runner.run(max(count // WARM_UP_SHARE, CLIENT_THREADS), None)
            figures = results[operation] = {name: Figure() for name, _ in runners}
            for _ in range(ROUNDS):  # alternating rounds: each sees the machine as it is
                for name, runner in runners:
                    runner.run(max(count // ROUNDS, CLIENT_THREADS), figures[name])
            print(
                f"  {operation:30}"
                + "".join(f"  {name} {f.cpu:.3f} ms {f.rate:.0f}/s" for name, f in figures.items()),
                file=sys.stderr,
            )
    finally:
        for server, _ in servers:
            server.stop()
    _print_cpu([server.name for server, _ in servers], results, requests)


def _print_cpu(running: list[str], results: dict[str, dict[str, Figure]], requests: int) -> None:
    print(
        f"\nServer CPU per request (ms, median of {ROUNDS} alternating rounds) and "
        f"requests/s, {CLIENT_THREADS} client threads, {requests} requests per operation "
        "(PutRecords(500): a twentieth; CreateStream, DeleteStream: a tenth)"
    )
    header = f"{'operation':30}" + "".join(f"  {name:>20}" for name in running)
    ours = "kinesis-mock" in running and len(running) > 1
    print(header + ("  ours/fastest peer" if ours else ""))
    for operation, by_server in results.items():
        cells = []
        for name in running:
            cell = by_server[name]
            text = (
                "fails"
                if cell.errors == cell.requests
                else f"{cell.cpu:.3f} ms {cell.rate:6.0f}/s" + ("*" if cell.errors else "")
            )
            cells.append(f"  {text:>20}")
        line = f"{operation:30}" + "".join(cells)
        peers_cpu = [
            figure.cpu
            for name, figure in by_server.items()
            if name != "kinesis-mock" and not figure.errors
        ]
        if ours:
            if by_server["kinesis-mock"].errors:
                line += f"  {'ours failed':>17}"
            elif peers_cpu:
                line += f"  {by_server['kinesis-mock'].cpu / min(peers_cpu):17.2f}x"
            else:
                line += f"  {'no peer answers':>17}"
        print(line)
    print(
        "* some requests failed (a peer that lacks the operation, or answers it with an "
        "error): left out of the ratio"
    )


def _memory(names: list[str], peers: Path, records: int) -> None:
    batch = [{"Data": DATA, "PartitionKey": f"k{n}"} for n in range(500)]
    print(f"\nResident memory per stored record, {records} records of {len(DATA)} bytes")
    for name in names:
        server = _started(name, peers)
        if server is None:
            continue
        try:
            client = _client(server.endpoint)
            _make_stream(client)
            for _ in range(4):  # every code path loaded before the baseline
                client.put_records(StreamName=STREAM, Records=batch)
            before = server.rss_bytes()
            stored = 0
            while stored < records:
                failed = client.put_records(StreamName=STREAM, Records=batch)["FailedRecordCount"]
                stored += len(batch) - failed
            time.sleep(1.0)  # let a collector run (Node, the JVM)
            grown = server.rss_bytes() - before
            print(
                f"  {name:18} RSS {before / 2**20:7.1f} -> {(before + grown) / 2**20:7.1f} MiB: "
                f"{grown / stored:6.0f} B per record"
            )
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--peers", type=Path, default=PEERS_DEFAULT, help="where peers are")
    parser.add_argument("--servers", nargs="*", help="which servers (default: all installed)")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per operation")
    parser.add_argument("--operations", nargs="*", help="which (default: all), e.g. ListShards")
    parser.add_argument("--quick", action="store_true", help="a tenth of the requests")
    parser.add_argument(
        "--memory", type=int, metavar="RECORDS", help="measure RSS per stored record instead"
    )
    args = parser.parse_args()
    if args.memory:
        names = args.servers or [
            "kinesis-mock",
            "kinesis-mock-disk",
            "kinesalite",
            "kinesis-local",
            "moto_server",
        ]
        _memory(names, args.peers, args.memory)
        return
    names = args.servers or ["kinesis-mock", "kinesalite", "kinesis-local", "moto_server"]
    _cpu(
        names,
        args.peers,
        args.requests // 10 if args.quick else args.requests,
        args.operations,
    )


if __name__ == "__main__":
    main()

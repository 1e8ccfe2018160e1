"""The HTTP server's CPU per request and request rate beside its peers', and
its memory per stored record.

    pip install -e ".[dev]"
    python benchmarks/server_peers.py                 # CPU and rate, ~2 minutes
    python benchmarks/server_peers.py --quick         # a smoke run
    python benchmarks/server_peers.py --memory 200000 # RSS per stored record

Each server runs as its own process on a free port; boto3 clients call it
from CLIENT_THREADS threads (2 by default), a fixed number of requests per
operation after a warm-up. What is measured is the SERVER process's CPU time
(user + system from /proc/<pid>/stat, its children included) per request,
and requests per second as the clients see them. On a small machine the
clients share the CPU with the server, so requests/s is end to end; CPU per
request is the server's alone.

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
REQUESTS = 2000
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


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    endpoint: str
    cleanup: list[str] = field(default_factory=list)
    _tree: list[int] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        """User + system CPU of the server's processes so far."""
        if not self._tree:
            self._tree = _children(self.process.pid)
        ticks = 0
        for pid in self._tree:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / CLOCK_TICKS

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


def _make_stream(client: Any) -> str:
    """The benchmark's stream, ACTIVE with SHARDS shards; returns the shard
    holding 500 records of 100 bytes (GetRecords reads them)."""
    client.create_stream(StreamName=STREAM, ShardCount=SHARDS)
    for _ in range(300):
        summary = client.describe_stream_summary(StreamName=STREAM)
        if summary["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE":
            break
        time.sleep(0.1)
    client.put_records(
        StreamName=STREAM, Records=[{"Data": DATA, "PartitionKey": "k"} for _ in range(500)]
    )
    shard: str = client.put_record(StreamName=STREAM, Data=DATA, PartitionKey="k")["ShardId"]
    return shard


Call = Callable[[], Any]


def _operations(shard: str) -> dict[str, tuple[Callable[[Any], Call], int]]:
    """Per operation: what makes a client's call, and its share of requests
    (PutRecords of 500 costs the client ~100 times a small call: a twentieth as many)."""
    batch = [{"Data": DATA, "PartitionKey": f"k{n}"} for n in range(500)]

    def get_records(client: Any) -> Call:
        iterator = client.get_shard_iterator(
            StreamName=STREAM, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        return lambda: client.get_records(ShardIterator=iterator, Limit=100)

    return {
        "PutRecord": (
            lambda c: lambda: c.put_record(StreamName=STREAM, Data=DATA, PartitionKey="k"),
            1,
        ),
        "PutRecords(500)": (lambda c: lambda: c.put_records(StreamName=STREAM, Records=batch), 20),
        "GetRecords(100)": (get_records, 1),
        "GetShardIterator": (
            lambda c: (
                lambda: c.get_shard_iterator(
                    StreamName=STREAM, ShardId=shard, ShardIteratorType="LATEST"
                )
            ),
            1,
        ),
        "ListShards": (lambda c: lambda: c.list_shards(StreamName=STREAM), 1),
        "DescribeStreamSummary": (
            lambda c: lambda: c.describe_stream_summary(StreamName=STREAM),
            1,
        ),
        "DescribeStream": (lambda c: lambda: c.describe_stream(StreamName=STREAM), 1),
        "ListStreams": (lambda c: lambda: c.list_streams(), 1),
    }


@dataclass
class Figure:
    cpu_ms: float  # server CPU per request
    rate: float  # requests per second, end to end
    errors: int
    error: str = ""


def _measure(server: Server, make_call: Callable[[Any], Call], requests: int) -> Figure:
    """Server CPU per request and request rate for ``requests`` calls split
    over CLIENT_THREADS threads, after a warm-up of a tenth as many."""
    calls = [make_call(_client(server.endpoint)) for _ in range(CLIENT_THREADS)]
    errors = [0] * CLIENT_THREADS
    last_error = [""]

    def run(slot: int, count: int) -> None:
        call = calls[slot]
        for _ in range(count):
            try:
                call()
            except ClientError as error:
                errors[slot] += 1
                last_error[0] = error.response.get("Error", {}).get("Code", "?")
            except BotoCoreError as error:
                errors[slot] += 1
                last_error[0] = type(error).__name__

    def in_threads(total: int) -> None:
        share = total // CLIENT_THREADS
        threads = [threading.Thread(target=run, args=(n, share)) for n in range(CLIENT_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    in_threads(max(requests // 10, CLIENT_THREADS))
    errors[:] = [0] * CLIENT_THREADS
    done = requests // CLIENT_THREADS * CLIENT_THREADS
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    in_threads(requests)
    elapsed = time.perf_counter() - started
    cpu = server.cpu_seconds() - cpu
    return Figure(cpu / done * 1000, done / elapsed, sum(errors), last_error[0])


def _cpu(names: list[str], peers: Path, requests: int, only: list[str] | None) -> None:
    results: dict[str, dict[str, Figure]] = {}
    running: list[str] = []
    for name in names:
        server = _started(name, peers)
        if server is None:
            continue
        running.append(name)
        try:
            shard = _make_stream(_client(server.endpoint))
            for operation, (make_call, weight) in _operations(shard).items():
                if only and operation.partition("(")[0] not in only:
                    continue
                figure = _measure(server, make_call, max(requests // weight, 20))
                results.setdefault(operation, {})[name] = figure
                print(
                    f"  {name:14} {operation:22} {figure.cpu_ms:7.3f} ms/request "
                    f"{figure.rate:8.0f} requests/s"
                    + (f"  {figure.errors} errors ({figure.error})" if figure.errors else ""),
                    file=sys.stderr,
                )
        finally:
            server.stop()
    print(
        f"\nServer CPU per request (ms) and requests/s, {CLIENT_THREADS} client threads, "
        f"{requests} requests per operation (PutRecords(500): a twentieth)"
    )
    header = f"{'operation':22}" + "".join(f"  {name:>20}" for name in running)
    ours = "kinesis-mock" in running and len(running) > 1
    print(header + ("  ours/fastest peer" if ours else ""))
    for operation, by_server in results.items():
        cells = []
        for name in running:
            cell = by_server.get(name)
            if cell is None:
                cells.append(f"  {'failed':>20}")
                continue
            text = f"{cell.cpu_ms:.3f} ms {cell.rate:6.0f}/s" + ("*" if cell.errors else "")
            cells.append(f"  {text:>20}")
        line = f"{operation:22}" + "".join(cells)
        peers_cpu = [
            figure.cpu_ms
            for name, figure in by_server.items()
            if name != "kinesis-mock" and not figure.errors
        ]
        if ours and peers_cpu and "kinesis-mock" in by_server:
            line += f"  {by_server['kinesis-mock'].cpu_ms / min(peers_cpu):17.2f}x"
        print(line)
    if any(f.errors for by_server in results.values() for f in by_server.values()):
        print("* some requests failed (see above); a failing peer is left out of the ratio")


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

"""What kinesis-mock costs, counted in instructions: ours and the floor side by side.

    python benchmarks/instructions.py            # needs valgrind; ~3 minutes

Time on a shared or virtual machine moves by 10-40% from one run to the
next, more than the differences worth measuring. Instructions executed do
not: this runs record_log.py's data-plane calls (put_record, put_records of
500, get_records of 100 and 1,000, subscribe_to_shard reading 1,000) and
their floor (the same boto3 call answered with canned bytes: botocore's own
cost) under valgrind's callgrind, counting only while the calls run
(``callgrind_control`` switches counting on and off around them), and prints
instructions per call and their ratio; ``least`` is record_log.py's: the
floor plus what a mock answering from the wire and keeping records as bytes
cannot skip (read the request's JSON and blobs, write the answer's), and
``+numbers`` that plus writing the text of the answer's sequence numbers.
Instructions are not time (a cache miss costs many), so this complements
record_log.py's CPU-time figures; it does not replace them.

It counts startup.py's comparisons the same way: a whole pytest run of a
one-test project with the plugin and with ``-p no:kinesis_mock`` (and, with
no plugin autoloaded, pytest naming this plugin against pytest naming an
empty one), ``import boto3`` with and without
``import kinesis_mock``, each a whole process counted from its first
instruction (hash seed fixed; each run once first, so that it reads the
bytecode it writes, as a user's next run does); and a warm test's own cost
(mock entered, client made, stream created) against its floor, counted in
process as the calls are.
"""

from __future__ import annotations

import gc
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

# Calls counted per scenario (a few suffice: the count does not vary).
CALLS = {
    "put_record": 100,
    "put_records (500 records)": 5,
    "get_records (100 records)": 30,
    "get_records (1,000 records)": 5,
    "subscribe_to_shard (1,000)": 5,
}


def _counted(output: str, call: Callable[[], Any], times: int) -> float:
    """Instructions per call of ``call``, counted by the callgrind this runs under."""

    def control(*arguments: str) -> None:
        subprocess.run(
            ["callgrind_control", *arguments, str(os.getpid())],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )

    for path in glob.glob(f"{output}.*"):
        os.remove(path)
    # The collector paused, as record_log.py's rounds and timeit do: a full
    # collection landing in one window and not another would be most of
    # the difference.
    gc.collect()
    gc.disable()
    control("--zero")
    control("--instr=on")
    for _ in range(times):
        call()
    control("--instr=off")
    gc.enable()
    control("--dump")
    total = 0
    for path in glob.glob(f"{output}.*"):
        with open(path) as dump:
            for line in dump:
                if line.startswith("totals:"):
                    total += int(line.split()[1])
    # Switching counting on and off runs a process from here: a fixed part
    # of the count, the same for the mock and the floor, spread over the calls.
    return total / times


def _inside(output: str) -> None:
    import boto3
    import record_log

    from kinesis_mock import mock_kinesis

    print(f"{'call':<30}{'floor':>14}{'mock':>14}{'mock/floor':>12}{'least':>9}{'+numbers':>10}")
    for scenario in record_log.scenarios():
        if scenario.name not in CALLS:
            continue
        with mock_kinesis():
            client = boto3.client("kinesis", region_name=record_log.REGION)
            with record_log.captured_bodies() as bodies:
                context = record_log.prepare(client, subscribe=not scenario.moto)
                ours = scenario.make(client, context)
                ours()
            floor = scenario.make(record_log.floor_client(bodies), context)
            for _ in range(3):
                ours()
                with record_log.mock_paused():
                    floor()
            times = CALLS[scenario.name]
            with record_log.mock_paused():
                floor_count = _counted(output, floor, times)
            ours_count = _counted(output, ours, times)
            # An event stream's answer is frames, not one document: no least.
            least = numbered = "-"
            if scenario.moto:
                operation = scenario.operation
                work = record_log.least_work(bodies[f"{operation}:request"], bodies[operation])
                least_count = floor_count + _counted(output, work, times)
                texts = least_count + _counted(output, _number_texts(bodies[operation]), times)
                least = f"{least_count / floor_count:.3f}x"
                numbered = f"{texts / floor_count:.3f}x"
        print(
            f"{scenario.name:<30}{floor_count / 1000:>13.0f}k{ours_count / 1000:>13.0f}k"
            f"{ours_count / floor_count:>11.3f}x{least:>9}{numbered:>10}",
            flush=True,
        )


def _number_texts(answer: bytes) -> Callable[[], list[str]]:
    """Writing the text of the sequence numbers an answer carries (``str`` of
    each one's integer): what a mock numbering records as the service does
    adds to the least."""
    document = json.loads(answer)
    records = document.get("Records", [document])
    numbers = [int(record["SequenceNumber"]) for record in records if "SequenceNumber" in record]
    return lambda: list(map(str, numbers))


def _test_cost(output: str) -> None:
    """A warm test's own cost (startup.py's mocked_test) against its floor."""
    import boto3
    import startup

    # The floor signs its requests: startup.py's credentials, as its runs have.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = startup.ENVIRONMENT[name]
    boto3.client("kinesis", region_name=startup.REGION)  # as any test has
    for function in (startup.floor_test, startup.mocked_test, startup.enter_and_leave):
        for _ in range(3):
            function()
    floor = _counted(output, startup.floor_test, 20)
    mocked = _counted(output, startup.mocked_test, 20)
    enter = _counted(output, startup.enter_and_leave, 20)
    print(
        f"{'mock + client + create_stream':<30}{floor / 1000:>13.0f}k{mocked / 1000:>13.0f}k"
        f"{mocked / floor:>11.3f}x   ({(mocked - floor) / 1000:+.0f}k; entering and "
        f"leaving the mock alone {enter / 1000:.0f}k)",
        flush=True,
    )


def _whole_process(directory: str, arguments: list[str], **environment: str) -> int:
    """Instructions a whole Python process executes, start to exit, run in
    ``directory`` once uncounted first (so that it finds the bytecode it
    writes, pytest's rewritten test and plugin modules included, as a
    user's second run does)."""
    import startup

    output = os.path.join(directory, "process.out")
    # startup.py's environment (bytecode written and read, as a user's is),
    # the hash seed fixed so that the count does not move with the layout
    # of sets and dicts.
    process_environment = {**startup.ENVIRONMENT, "PYTHONHASHSEED": "0", **environment}
    for counted in (False, True):
        valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={output}"]
        subprocess.run(
            [*(valgrind if counted else []), sys.executable, *arguments],
            cwd=directory,
            env=process_environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    with open(output) as dump:
        for line in dump:
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no totals")


def _processes(directory: str) -> None:
    """Whole processes, each variant against the same without kinesis-mock."""
    import startup

    with open(os.path.join(directory, "test_plain.py"), "w") as file:
        file.write(startup.PLAIN_TEST)
    # Naming a plugin with -p costs pytest a look through every installed
    # distribution's entry points, whatever the plugin: an empty module
    # named the same way is the fair floor for this plugin alone.
    with open(os.path.join(directory, "empty_plugin.py"), "w") as file:
        file.write("")
    pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_plain.py"]
    alone = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": directory}
    comparisons = {
        "pytest, installed plugins": (
            (pytest, {}),
            ([*pytest, "-p", "no:kinesis_mock"], {}),
        ),
        "pytest, only this plugin": (
            ([*pytest, "-p", "kinesis_mock.pytest_plugin"], alone),
            ([*pytest, "-p", "empty_plugin"], alone),
        ),
        "import boto3 (+ kinesis_mock)": (
            (["-c", "import boto3, kinesis_mock"], {}),
            (["-c", "import boto3"], {}),
        ),
    }
    print(f"\n{'whole process':<30}{'without':>14}{'with':>14}{'with/without':>14}")
    for name, (ours, floor) in comparisons.items():
        without = _whole_process(directory, floor[0], **floor[1])
        with_ = _whole_process(directory, ours[0], **ours[1])
        print(
            f"{name:<30}{without / 1e6:>13.1f}M{with_ / 1e6:>13.1f}M{with_ / without:>13.4f}x"
            f"   ({(with_ - without) / 1e6:+.1f}M)",
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        _inside(sys.argv[2])
        _test_cost(sys.argv[2])
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="kinesis-mock-instructions-") as directory:
        output = os.path.join(directory, "callgrind.out")
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={output}.%p",
            sys.executable,
            os.path.abspath(__file__),
            "--inside",
            output,
        ]
        completed = subprocess.run(
            command,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=False,
        )
        if completed.returncode:
            sys.exit(completed.returncode)
        _processes(directory)


if __name__ == "__main__":
    main()

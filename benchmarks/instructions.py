"""The data-plane calls' cost counted in instructions: mock and floor side by side.

    python benchmarks/instructions.py            # needs valgrind; ~2 minutes

Time on a shared or virtual machine moves by 10-40% from one run to the
next, more than the differences worth measuring. Instructions executed do
not: this runs record_log.py's data-plane calls (put_record, put_records of
500, get_records of 100 and 1,000) and their floor (the same boto3 call
answered with canned bytes: botocore's own cost) under valgrind's callgrind,
counting only while the calls run (``callgrind_control`` switches counting
on and off around them), and prints instructions per call and their ratio.
Instructions are not time (a cache miss costs many), so this complements
record_log.py's CPU-time figures; it does not replace them.
"""

from __future__ import annotations

import gc
import glob
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

    print(f"{'call':<30}{'floor':>14}{'mock':>14}{'mock/floor':>12}")
    for scenario in record_log.scenarios():
        if scenario.name not in CALLS:
            continue
        with mock_kinesis():
            client = boto3.client("kinesis", region_name=record_log.REGION)
            with record_log.captured_bodies() as bodies:
                context = record_log.prepare(client)
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
        print(
            f"{scenario.name:<30}{floor_count / 1000:>13.0f}k{ours_count / 1000:>13.0f}k"
            f"{ours_count / floor_count:>11.3f}x",
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        _inside(sys.argv[2])
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
        completed = subprocess.run(command, stderr=subprocess.DEVNULL, check=False)
        sys.exit(completed.returncode)


if __name__ == "__main__":
    main()

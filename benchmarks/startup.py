"""What kinesis-mock costs before and as it is first used (issue 16).

    pip install -e ".[dev]"
    python benchmarks/startup.py            # everything (about two minutes)
    python benchmarks/startup.py --quick    # fewer runs, for a smoke run

Side by side, in one run, each in fresh interpreters:

- imports: ``import boto3`` alone, then with ``import kinesis_mock``, then
  with ``from kinesis_mock import mock_kinesis`` (best of several processes,
  timed inside each, so the interpreter's own start-up is left out), and
  ``python -X importtime``'s biggest imports that kinesis-mock brings;
- pytest: a generated one-test project whose test uses no fixture, run with
  the plugin (as every project in an environment where kinesis-mock is
  installed is) and with ``-p no:kinesis_mock``, alternately, many times;
- a test's own cost: entering a mock, creating a client and creating a
  stream, against the floor (the same client and call answered by a
  ``before-send`` handler returning a canned response: botocore's own cost);
  warm (best of alternating rounds in one process) and the very first time
  in a fresh process (which loads the engine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

REGION = "us-east-1"
# No real credentials are ever needed: every call is answered in process.
ENVIRONMENT = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": REGION,
}

IMPORTS = {
    "import boto3": "import boto3",
    "import boto3, kinesis_mock": "import boto3, kinesis_mock",
    "+ from kinesis_mock import mock_kinesis": (
        "import boto3\nfrom kinesis_mock import mock_kinesis"
    ),
}

PLAIN_TEST = """
def test_plain():
    assert sum(range(10)) == 45
"""


def _python(*arguments: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        check=True,
        capture_output=True,
        text=True,
        env=ENVIRONMENT,
        cwd=cwd,
    )


def _timed_import(code: str) -> float:
    """Seconds ``code`` (imports) takes in a fresh interpreter, timed inside it."""
    program = (
        "import time\n_t = time.perf_counter()\n" + code + "\nprint(time.perf_counter() - _t)\n"
    )
    return float(_python("-c", program).stdout.strip().splitlines()[-1])


def _spread(samples: list[float]) -> str:
    ordered = sorted(samples)
    low, high = ordered[len(ordered) // 4], ordered[(3 * len(ordered)) // 4]
    return (
        f"best {ordered[0] * 1e3:7.1f}  median {statistics.median(ordered) * 1e3:7.1f}  "
        f"quartiles {low * 1e3:.1f}-{high * 1e3:.1f}  worst {ordered[-1] * 1e3:.1f} ms"
    )


def measure_imports(runs: int) -> None:
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(runs):  # alternated, so every variant sees the same machine
        for name, code in IMPORTS.items():
            samples[name].append(_timed_import(code))
    base = min(samples["import boto3"])
    print(f"Imports (fresh interpreters, {runs} runs each, timed inside each)")
    for name, values in samples.items():
        best = min(values)
        print(
            f"  {name:<40} {_spread(values)}   best {best / base:.2f}x boto3 "
            f"(+{(best - base) * 1e3:.1f} ms)"
        )


def _importtime_lines(code: str) -> Iterator[tuple[int, int, int, str]]:
    """(self us, cumulative us, depth, module) for each line -X importtime prints."""
    stderr = _python("-X", "importtime", "-c", code).stderr
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        yield int(own), int(cumulative), depth, name.strip()


def measure_importtime(code: str, top: int) -> None:
    """The biggest imports after boto3's: what kinesis-mock brings in."""
    lines = list(_importtime_lines(code))
    boto3_end = max(i for i, line in enumerate(lines) if line[3] == "boto3" and line[2] == 0)
    ours = lines[boto3_end + 1 :]
    total = sum(own for own, _, _, _ in ours)
    print(f"\n-X importtime of {code!r} beyond boto3's: {len(ours)} modules, {total / 1e3:.1f} ms")
    print(f"  {'cumulative ms':>13}  {'self ms':>8}  module (nesting as importtime prints it)")
    biggest = sorted(ours, key=lambda line: line[1], reverse=True)[:top]
    for own, cumulative, depth, name in sorted(biggest, key=lambda line: -line[1]):
        print(f"  {cumulative / 1e3:>13.1f}  {own / 1e3:>8.1f}  {'  ' * depth}{name}")


def measure_pytest(runs: int) -> None:
    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, "test_plain.py"), "w") as file:
            file.write(PLAIN_TEST)
        common = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_plain.py")
        variants: dict[str, tuple[str, ...]] = {
            "plugin enabled": common,
            "-p no:kinesis_mock": (*common, "-p", "no:kinesis_mock"),
        }
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for arguments in variants.values():
            _python(*arguments, cwd=project)  # warm the file system's caches
        for _ in range(runs):
            for name, arguments in variants.items():
                start = time.perf_counter()
                _python(*arguments, cwd=project)
                samples[name].append(time.perf_counter() - start)
    enabled, disabled = samples["plugin enabled"], samples["-p no:kinesis_mock"]
    print(f"\npytest, a one-test project whose test uses no fixture ({runs} runs each, alternated)")
    for name, values in samples.items():
        print(f"  {name:<20} {_spread(values)}")
    paired = sorted(a / b for a, b in zip(enabled, disabled, strict=True))
    print(
        f"  enabled / disabled: best {min(enabled) / min(disabled):.3f}x, median "
        f"{statistics.median(enabled) / statistics.median(disabled):.3f}x; run by run (paired) "
        f"median {statistics.median(paired):.3f}x, quartiles "
        f"{paired[len(paired) // 4]:.3f}-{paired[(3 * len(paired)) // 4]:.3f}x"
    )
    plugin = _timed_import("import pytest\nimport kinesis_mock.pytest_plugin")
    alone = _timed_import("import pytest")
    print(f"  (importing the plugin module after pytest: {(plugin - alone) * 1e3:+.1f} ms)")


# -- a test's own cost ----------------------------------------------------------


def _canned_client() -> Any:
    """A client whose calls botocore answers with a canned response."""
    import boto3
    from botocore.awsrequest import AWSResponse, HeadersDict

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield b""

    client = boto3.client("kinesis", region_name=REGION)
    client.meta.events.register_first(
        "before-send.kinesis",
        lambda request, **_: AWSResponse(
            request.url, 200, HeadersDict({"x-amzn-RequestId": "floor"}), Raw()
        ),
    )
    return client


def floor_test() -> None:
    _canned_client().create_stream(StreamName="t", ShardCount=1)


def mocked_test() -> None:
    import boto3

    from kinesis_mock import mock_kinesis

    with mock_kinesis():
        boto3.client("kinesis", region_name=REGION).create_stream(StreamName="t", ShardCount=1)


def _round(function: Callable[[], None], iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        function()
    return (time.perf_counter() - start) / iterations


def warm_per_test(iterations: int, rounds: int) -> tuple[float, float]:
    """Best-of-alternating-rounds seconds per test: (floor, mocked)."""
    import boto3

    boto3.client("kinesis", region_name=REGION)  # the default session, as any test has
    floor_test()
    mocked_test()
    best_floor = best_mocked = float("inf")
    for _ in range(rounds):
        best_floor = min(best_floor, _round(floor_test, iterations))
        best_mocked = min(best_mocked, _round(mocked_test, iterations))
    return best_floor, best_mocked


def first_test(mocked: bool) -> float:
    """Seconds of the first test in a fresh process (boto3 imported and its
    default session made before; kinesis_mock imported before, as a test
    module would, for the mocked one)."""
    import boto3

    boto3.client("kinesis", region_name=REGION)
    if mocked:
        from kinesis_mock import mock_kinesis  # noqa: F401
    start = time.perf_counter()
    (mocked_test if mocked else floor_test)()
    return time.perf_counter() - start


def _in_fresh_interpreter(*arguments: str) -> Any:
    output = _python(__file__, *arguments).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure_per_test(runs: int, iterations: int, rounds: int) -> None:
    floor, mocked = _in_fresh_interpreter("--part", "warm", str(iterations), str(rounds))
    print("\nA test's own cost: mock entered + client + create_stream vs the floor")
    print(
        f"  warm (best of {rounds} alternating rounds of {iterations}): floor "
        f"{floor * 1e3:.2f} ms, mocked {mocked * 1e3:.2f} ms: +{(mocked - floor) * 1e3:.2f} ms "
        f"({mocked / floor:.2f}x)"
    )
    firsts: dict[str, list[float]] = {"floor": [], "mocked": []}
    for _ in range(runs):
        for name in firsts:
            firsts[name].append(_in_fresh_interpreter("--part", "first", name))
    print(f"  first test in a fresh process ({runs} processes each):")
    for name, values in firsts.items():
        print(f"    {name:<8} {_spread(values)}")
    extra = min(firsts["mocked"]) - min(firsts["floor"])
    print(
        f"    the first mocked test pays {extra * 1e3:+.1f} ms (best against best): "
        "loading the engine and its models"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke run")
    parser.add_argument("--part", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        part, *values = args.part
        if part == "warm":
            print(json.dumps(warm_per_test(int(values[0]), int(values[1]))))
        else:
            print(json.dumps(first_test(values[0] == "mocked")))
        return
    quick = args.quick
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs\n")
    measure_imports(5 if quick else 21)
    measure_importtime(IMPORTS["+ from kinesis_mock import mock_kinesis"], 15)
    measure_pytest(5 if quick else 31)
    measure_per_test(3 if quick else 9, 20 if quick else 100, 3 if quick else 9)


if __name__ == "__main__":
    main()

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

On a machine whose timings wander by more than the differences measured,
``benchmarks/instructions.py`` counts the pytest runs, the imports and a
test's own cost in instructions instead: the same in every run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
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
# Bytecode written and read, as in a user's environment: without it every
# run compiles kinesis_mock again, and pytest rewrites its plugin module
# again (a CI image may set this).
ENVIRONMENT.pop("PYTHONDONTWRITEBYTECODE", None)

# What each variant imports after ``import boto3``.
IMPORTS = {
    "import boto3": "",
    "import boto3, kinesis_mock": "import kinesis_mock",
    "+ from kinesis_mock import mock_kinesis": "from kinesis_mock import mock_kinesis",
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


def _timed_import(code: str) -> tuple[float, float]:
    """Seconds ``import boto3`` and then ``code`` take in a fresh interpreter,
    each timed inside it (so the interpreter's own start-up is left out)."""
    program = (
        "import time\n_t = time.perf_counter()\nimport boto3\n_u = time.perf_counter()\n"
        + code
        + "\nprint(_u - _t, time.perf_counter() - _u)\n"
    )
    boto3, then = _python("-c", program).stdout.split()[-2:]
    return float(boto3), float(then)


def _spread(samples: list[float]) -> str:
    ordered = sorted(samples)
    low, high = ordered[len(ordered) // 4], ordered[(3 * len(ordered)) // 4]
    return (
        f"best {ordered[0] * 1e3:7.1f}  median {statistics.median(ordered) * 1e3:7.1f}  "
        f"quartiles {low * 1e3:.1f}-{high * 1e3:.1f}  worst {ordered[-1] * 1e3:.1f} ms"
    )


def measure_imports(runs: int) -> None:
    totals: dict[str, list[float]] = {name: [] for name in IMPORTS}
    beyond: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(runs):  # alternated, so every variant sees the same machine
        for name, code in IMPORTS.items():
            boto3, then = _timed_import(code)
            totals[name].append(boto3 + then)
            beyond[name].append(then)
    base = min(totals["import boto3"])
    print(f"Imports (fresh interpreters, {runs} runs each, timed inside each)")
    for name, values in totals.items():
        best = min(values)
        print(f"  {name:<40} {_spread(values)}   best {best / base:.2f}x boto3")
        if IMPORTS[name]:
            print(f"  {'':<40} of which after boto3's import: {_spread(beyond[name])}")


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
    """The imports after boto3's: what kinesis-mock brings in."""
    lines = list(_importtime_lines(code))
    boto3_end = max(i for i, line in enumerate(lines) if line[3] == "boto3" and line[2] == 0)
    ours = lines[boto3_end + 1 :]
    total = sum(own for own, _, _, _ in ours)
    print(f"\n-X importtime of {code!r} beyond boto3's: {len(ours)} modules, {total / 1e3:.1f} ms")
    print(f"  {'cumulative ms':>13}  {'self ms':>8}  module (and those it imports directly)")
    outer = sorted((line for line in ours if line[2] <= 1), key=lambda line: -line[1])
    for own, cumulative, depth, name in outer[:top]:
        print(f"  {cumulative / 1e3:>13.1f}  {own / 1e3:>8.1f}  {'  ' * depth}{name}")
    print(f"  biggest by self time: {', '.join(_biggest_self(ours, top))}")


def _biggest_self(lines: list[tuple[int, int, int, str]], top: int) -> list[str]:
    ordered = sorted(lines, key=lambda line: -line[0])[:top]
    return [f"{name} {own / 1e3:.1f}" for own, _, _, name in ordered]


Samples = dict[str, dict[str, list[float]]]  # variant -> "wall" / "cpu" -> seconds


def _pytest_runs(
    project: str, variants: dict[str, tuple[tuple[str, ...], dict[str, str]]], runs: int
) -> Samples:
    """Wall and CPU (user + system) seconds of each run of each variant, in
    A B B A order so that a drift of the machine's load favours neither. CPU
    time is what the run itself spends: other processes' load moves it less."""
    samples: Samples = {name: {"wall": [], "cpu": []} for name in variants}
    names = list(variants)
    for run in range(runs + 1):  # the first round warms the file system's caches
        for name in names if run % 2 == 0 else reversed(names):
            arguments, environment = variants[name]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, *arguments],
                cwd=project,
                env=environment,
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if run:
                samples[name]["wall"].append(wall)
                samples[name]["cpu"].append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
    return samples


def _compare(title: str, samples: Samples) -> None:
    enabled, disabled = samples.values()
    print(f"  {title}")
    for kind in ("wall", "cpu"):
        for name, values in samples.items():
            print(f"    {kind:<4} {name:<32} {_spread(values[kind])}")
        paired = sorted(a / b for a, b in zip(enabled[kind], disabled[kind], strict=True))
        print(
            f"    {kind} ratio: best {min(enabled[kind]) / min(disabled[kind]):.3f}x, median "
            f"{statistics.median(enabled[kind]) / statistics.median(disabled[kind]):.3f}x; "
            f"run by run median {statistics.median(paired):.3f}x, quartiles "
            f"{paired[len(paired) // 4]:.3f}-{paired[(3 * len(paired)) // 4]:.3f}x"
        )


def _plugin_import(runs: int) -> float:
    """Best-of-``runs`` seconds ``import kinesis_mock.pytest_plugin`` takes
    after pytest's import, timed inside fresh interpreters."""
    program = (
        "import time, pytest\n_t = time.perf_counter()\nimport kinesis_mock.pytest_plugin\n"
        "print(time.perf_counter() - _t)"
    )
    return min(float(_python("-c", program).stdout.split()[-1]) for _ in range(runs))


def measure_pytest(runs: int) -> None:
    print(f"\npytest, a one-test project whose test uses no fixture ({runs} runs each)")
    common = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_plain.py")
    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, "test_plain.py"), "w") as file:
            file.write(PLAIN_TEST)
        # Only pytest and this plugin: the strictest comparison. Naming a
        # plugin with -p costs pytest a look through every installed
        # distribution's entry points, whatever the plugin: the floor names
        # an empty one.
        with open(os.path.join(project, "empty_plugin.py"), "w") as file:
            file.write("")
        bare = {**ENVIRONMENT, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": project}
        installed = {
            "plugin enabled": (common, ENVIRONMENT),
            "-p no:kinesis_mock": ((*common, "-p", "no:kinesis_mock"), ENVIRONMENT),
        }
        _compare("every installed plugin loaded", _pytest_runs(project, installed, runs))
        alone: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
            "pytest + kinesis_mock's plugin": ((*common, "-p", "kinesis_mock.pytest_plugin"), bare),
            "pytest + an empty plugin": ((*common, "-p", "empty_plugin"), bare),
        }
        _compare(
            "no plugin autoloaded (PYTEST_DISABLE_PLUGIN_AUTOLOAD=1)",
            _pytest_runs(project, alone, runs),
        )
    print(f"  importing the plugin after pytest: {_plugin_import(7) * 1e3:.1f} ms (best of 7)")


# -- a test's own cost ----------------------------------------------------------


_floor: list[Any] = []


def _floor_session() -> Any:
    """A boto3 session whose Kinesis calls botocore answers with a canned
    response. The handler is the session's, as the mock's is the default
    session's, so a client made from it carries it with no extra step."""
    if not _floor:
        import boto3
        from botocore.awsrequest import AWSResponse, HeadersDict

        class Raw:
            def stream(self, **_: Any) -> Iterator[bytes]:
                yield b""

        session = boto3.Session()
        session.events.register_first(
            "before-send.kinesis",
            lambda request, **_: AWSResponse(
                request.url, 200, HeadersDict({"x-amzn-RequestId": "floor"}), Raw()
            ),
        )
        _floor.append(session)
    return _floor[0]


def floor_test() -> None:
    _floor_session().client("kinesis", region_name=REGION).create_stream(
        StreamName="t", ShardCount=1
    )


def mocked_test() -> None:
    import boto3

    from kinesis_mock import mock_kinesis

    with mock_kinesis():
        boto3.client("kinesis", region_name=REGION).create_stream(StreamName="t", ShardCount=1)


def enter_and_leave() -> None:
    from kinesis_mock import mock_kinesis

    with mock_kinesis():
        pass


def _round(function: Callable[[], None], iterations: int) -> float:
    """Mean seconds per call over one round, the garbage collector paused (as
    ``timeit`` does) so that its pauses do not land at random."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(iterations):
            function()
        return (time.perf_counter() - start) / iterations
    finally:
        gc.enable()


def warm_per_test(iterations: int, rounds: int) -> list[float]:
    """Best-of-alternating-rounds seconds per test: floor, mocked, and
    entering and leaving a mock alone."""
    import boto3

    boto3.client("kinesis", region_name=REGION)  # the default session, as any test has
    functions = [floor_test, mocked_test, enter_and_leave]
    best = [float("inf")] * len(functions)
    for function in functions:
        function()
    for _ in range(rounds):
        for index, function in enumerate(functions):
            best[index] = min(best[index], _round(function, iterations))
    return best


def first_test(mocked: bool) -> float:
    """Seconds of the first test in a fresh process (boto3 imported and its
    default session made before; kinesis_mock imported before, as a test
    module would, for the mocked one)."""
    import boto3

    boto3.client("kinesis", region_name=REGION)
    if mocked:
        from kinesis_mock import mock_kinesis  # noqa: F401
    else:
        _floor_session().client("kinesis", region_name=REGION)
    start = time.perf_counter()
    (mocked_test if mocked else floor_test)()
    return time.perf_counter() - start


def _in_fresh_interpreter(*arguments: str) -> Any:
    output = _python(__file__, *arguments).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure_per_test(runs: int, iterations: int, rounds: int) -> None:
    floor, mocked, enter = _in_fresh_interpreter("--part", "warm", str(iterations), str(rounds))
    print("\nA test's own cost: mock entered + client + create_stream vs the floor")
    print(
        f"  warm (best of {rounds} alternating rounds of {iterations}): floor "
        f"{floor * 1e3:.2f} ms, mocked {mocked * 1e3:.2f} ms: {(mocked - floor) * 1e3:+.2f} ms "
        f"({mocked / floor:.2f}x), of which entering and leaving the mock {enter * 1e3:.2f} ms"
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
    # The module by name: -X importtime prints no line for a module loaded
    # through the package's __getattr__ (``from kinesis_mock import mock_kinesis``).
    measure_importtime("import boto3\nimport kinesis_mock.mock", 15)
    measure_pytest(5 if quick else 31)
    measure_per_test(3 if quick else 9, 20 if quick else 100, 3 if quick else 9)


if __name__ == "__main__":
    main()

"""The pytest plugin as a user's suite meets it: the ``kinesis_mock`` marker,
the stream fixtures, and pytest-xdist (one mock state per worker).

Each test writes a small test file and runs it with ``pytester``, in process
(fast) except for xdist, which needs a subprocess. The plugin is found through
its ``pytest11`` entry point, as in a user's project: no conftest loads it.
"""

from __future__ import annotations

import os
import textwrap

import pytest

pytest_plugins = ["pytester"]

# Every generated file starts with these.
HEADER = """
import boto3
import pytest

def client(region="us-east-1"):
    return boto3.client("kinesis", region_name=region)

def status(name, region="us-east-1"):
    return client(region).describe_stream_summary(StreamName=name)[
        "StreamDescriptionSummary"
    ]["StreamStatus"]
"""


def _write(pytester: pytest.Pytester, body: str, name: str = "test_generated") -> None:
    pytester.makepyfile(**{name: HEADER + textwrap.dedent(body)})


# Without hypothesis's plugin, which imports hypothesis in every run (in
# process, pytester forgets the modules a run imports): 1 s a run saved.
FAST = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def _run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    _write(pytester, body)
    return pytester.runpytest(*FAST, *args)


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.kinesis_mock(**options): configure the*"])


def test_marker_settings_apply_and_strict_markers_accept_it(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        @pytest.mark.kinesis_mock(stream_create_delay=5, shard_limit=3)
        def test_delay(kinesis_mock):
            assert kinesis_mock.settings.stream_create_delay == 5
            assert kinesis_mock.settings.shard_limit == 3
            client().create_stream(StreamName="mine", ShardCount=1)
            assert status("mine") == "CREATING"
            assert kinesis_mock.streams()["mine"].status == "CREATING"
            kinesis_mock.clock.advance(5)
            assert status("mine") == "ACTIVE"

        def test_unmarked_has_the_defaults(kinesis_mock):
            assert kinesis_mock.settings.stream_create_delay == 0
            client().create_stream(StreamName="mine", ShardCount=1)
            assert status("mine") == "ACTIVE"
        """,
        "--strict-markers",
    )
    result.assert_outcomes(passed=2)


def test_marker_streams_are_active_with_their_shard_counts(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        @pytest.mark.kinesis_mock(stream_create_delay=5, streams={"orders": 2, "audit": 1})
        def test_mapping(kinesis_mock, kinesis_streams):
            assert list(kinesis_streams) == ["orders", "audit"]
            assert kinesis_streams["orders"].status == "ACTIVE"
            assert kinesis_streams["orders"].shard_ids == (
                "shardId-000000000000", "shardId-000000000001"
            )
            assert len(kinesis_streams["audit"].shard_ids) == 1
            assert status("orders") == status("audit") == "ACTIVE"
            described = client().describe_stream(StreamName="orders")["StreamDescription"]
            assert len(described["Shards"]) == 2
            assert described["StreamARN"] == kinesis_streams["orders"].arn
            assert ":123456789012:" in described["StreamARN"]
            # The delay still applies to the test's own streams.
            client().create_stream(StreamName="later", ShardCount=1)
            assert status("later") == "CREATING"

        @pytest.mark.kinesis_mock(streams=["a", "b"])
        def test_list_of_names(kinesis_streams):
            assert {name: len(info.shard_ids) for name, info in kinesis_streams.items()} == {
                "a": 1, "b": 1
            }

        @pytest.mark.kinesis_mock(streams={"only": 3})
        def test_only_kinesis_mock_requested(kinesis_mock):
            assert len(kinesis_mock.streams()["only"].shard_ids) == 3
            assert kinesis_mock.calls() == []  # the journal holds the test's calls only
            client().put_record(StreamName="only", Data=b"x", PartitionKey="k")
            assert [r.data for r in kinesis_mock.records("only")] == [b"x"]
        """,
    )
    result.assert_outcomes(passed=3)


def test_a_marker_stream_is_what_create_stream_makes(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        IGNORED = {"StreamName", "StreamARN", "StreamCreationTimestamp", "StreamId"}

        def summary(name):
            described = client().describe_stream_summary(StreamName=name)
            return {
                key: value
                for key, value in described["StreamDescriptionSummary"].items()
                if key not in IGNORED
            }

        def shards(name):
            found = client().list_shards(StreamName=name)["Shards"]
            for shard in found:
                shard["SequenceNumberRange"].pop("StartingSequenceNumber")
            return found

        @pytest.mark.kinesis_mock(streams={"marked": 2})
        def test_same(kinesis_mock):
            client().create_stream(StreamName="made", ShardCount=2)
            assert summary("marked") == summary("made")
            assert shards("marked") == shards("made")
            marked, made = kinesis_mock.streams()["marked"], kinesis_mock.streams()["made"]
            assert (marked.mode, marked.retention_period_hours, marked.tags) == (
                made.mode, made.retention_period_hours, made.tags
            )
        """,
    )
    result.assert_outcomes(passed=1)


def test_class_and_module_markers_apply_nearest_first(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        pytestmark = pytest.mark.kinesis_mock(stream_create_delay=7, streams=["from-module"])

        def test_module_marker(kinesis_mock, kinesis_stream):
            assert kinesis_mock.settings.stream_create_delay == 7
            assert kinesis_stream.name == "from-module"

        @pytest.mark.parametrize(
            "shards",
            [
                pytest.param(n, marks=pytest.mark.kinesis_mock(streams={"param": n}))
                for n in (1, 2)
            ],
        )
        def test_parameter_marks(kinesis_stream, shards):
            assert (kinesis_stream.name, len(kinesis_stream.shard_ids)) == ("param", shards)

        @pytest.mark.kinesis_mock(streams={"from-class": 2}, consumer_create_delay=3)
        class TestClass:
            def test_class_marker(self, kinesis_mock, kinesis_streams):
                assert list(kinesis_streams) == ["from-class"]
                assert len(kinesis_streams["from-class"].shard_ids) == 2
                assert kinesis_mock.settings.stream_create_delay == 7
                assert kinesis_mock.settings.consumer_create_delay == 3

            @pytest.mark.kinesis_mock(stream_create_delay=1, streams={})
            def test_test_marker_wins(self, kinesis_mock, kinesis_streams):
                assert kinesis_streams == {}
                assert kinesis_mock.streams() == {}
                assert kinesis_mock.settings.stream_create_delay == 1
                assert kinesis_mock.settings.consumer_create_delay == 3
        """,
    )
    result.assert_outcomes(passed=5)


def test_fixtures_without_a_marker(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        from kinesis_mock import KinesisMock, StreamInfo
        from kinesis_mock.pytest_plugin import DEFAULT_STREAM_NAME

        def test_mock(kinesis_mock):
            assert isinstance(kinesis_mock, KinesisMock)
            assert kinesis_mock.streams() == {}

        def test_streams(kinesis_streams):
            assert kinesis_streams == {}

        def test_stream(kinesis_stream, kinesis_mock):
            assert isinstance(kinesis_stream, StreamInfo)
            assert kinesis_stream.name == DEFAULT_STREAM_NAME == "test-stream"
            assert kinesis_stream.status == "ACTIVE"
            assert kinesis_stream.shard_ids == ("shardId-000000000000",)
            assert list(kinesis_mock.streams()) == ["test-stream"]

        @pytest.mark.kinesis_mock(stream_create_delay=5)
        def test_default_stream_is_active_despite_the_delay(kinesis_stream):
            assert status(kinesis_stream.name) == "ACTIVE"
        """,
    )
    result.assert_outcomes(passed=4)


def test_stream_fixtures_share_the_one_mock(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        @pytest.mark.kinesis_mock(streams={"s": 1})
        def test_shared(kinesis_streams, kinesis_stream, kinesis_mock):
            assert kinesis_stream == kinesis_streams["s"] == kinesis_mock.streams()["s"]
            client().create_stream(StreamName="t", ShardCount=1)
            assert sorted(kinesis_mock.streams()) == ["s", "t"]
            client().put_record(StreamName="s", Data=b"one", PartitionKey="k")
            assert [r.data for r in kinesis_mock.records("s")] == [b"one"]
        """,
    )
    result.assert_outcomes(passed=1)


def test_the_handle_alias_leaves_the_package_visible(pytester: pytest.Pytester) -> None:
    # Inside a test taking the ``kinesis_mock`` fixture, the name is the
    # handle, not the package; ``kinesis_mock_handle`` is the same handle.
    result = _run(
        pytester,
        """
        import kinesis_mock

        @pytest.mark.kinesis_mock(streams={"s": 1}, stream_create_delay=5)
        def test_alias(kinesis_mock_handle, request):
            assert callable(kinesis_mock.mock_kinesis)  # the package, still
            assert kinesis_mock_handle.settings.stream_create_delay == 5  # the marker's
            assert list(kinesis_mock_handle.streams()) == ["s"]
            assert request.getfixturevalue("kinesis_mock") is kinesis_mock_handle

        @pytest.mark.kinesis_mock(streams=["s"])
        def test_both_names_one_mock(kinesis_mock_handle, kinesis_stream, request):
            handle = request.getfixturevalue("kinesis_mock")
            assert handle is kinesis_mock_handle
            client().put_record(StreamName=kinesis_stream.name, Data=b"x", PartitionKey="k")
            assert [r.data for r in handle.records("s")] == [b"x"]

        def test_state_reset(kinesis_mock_handle):
            assert kinesis_mock_handle.streams() == {}
        """,
    )
    result.assert_outcomes(passed=3)


def test_state_resets_between_tests(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
        @pytest.mark.kinesis_mock(streams={"marked": 1}, stream_create_delay=5)
        def test_first(kinesis_mock):
            client().create_stream(StreamName="made", ShardCount=1)
            kinesis_mock.clock.advance(100)
            assert sorted(kinesis_mock.streams()) == ["made", "marked"]

        def test_second(kinesis_mock):
            assert kinesis_mock.streams() == {}
            assert kinesis_mock.settings.stream_create_delay == 0
            client().create_stream(StreamName="marked", ShardCount=1)

        def test_third(kinesis_stream, kinesis_mock):
            assert list(kinesis_mock.streams()) == ["test-stream"]
        """,
    )
    result.assert_outcomes(passed=3)


def test_region_marker(pytester: pytest.Pytester) -> None:
    before = os.environ.get("AWS_DEFAULT_REGION")
    result = _run(
        pytester,
        """
        import os

        @pytest.mark.kinesis_mock(region="eu-west-1", streams=["there"])
        def test_region(kinesis_mock, kinesis_stream):
            assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
            assert kinesis_stream.arn.startswith("arn:aws:kinesis:eu-west-1:")
            assert status("there", "eu-west-1") == "ACTIVE"
            assert boto3.client("kinesis").meta.region_name == "eu-west-1"
            assert kinesis_mock.streams(region="us-east-1") == {}
        """,
    )
    result.assert_outcomes(passed=1)
    assert os.environ.get("AWS_DEFAULT_REGION") == before


@pytest.mark.parametrize(
    ("marker", "fixture", "expected"),
    [
        (
            "stream_create_dleay=5",
            "kinesis_mock",
            "TypeError: kinesis_mock marker: unknown options: stream_create_dleay (known: *",
        ),
        (
            'stream_create_delay="5"',
            "kinesis_mock",
            "TypeError: kinesis_mock marker: kinesis-mock option stream_create_delay must be a "
            "number (int or float), not str ('5')",
        ),
        (
            "shard_limit=-1",
            "kinesis_stream",
            "ValueError: kinesis_mock marker: kinesis-mock option shard_limit*",
        ),
        (
            "5",
            "kinesis_mock",
            "TypeError: kinesis_mock marker: takes keyword arguments only, not (5,)",
        ),
        (
            'streams="orders"',
            "kinesis_mock",
            "TypeError: kinesis_mock marker: streams must be a mapping*",
        ),
        (
            'streams={"s": "2"}',
            "kinesis_streams",
            "TypeError: kinesis_mock marker: streams: the shard count of 's' must be an int, "
            "not '2'",
        ),
        (
            'streams={"s": 0}',
            "kinesis_mock",
            "ValueError: kinesis_mock marker: cannot create stream 's' with 0 shard(s) in "
            "us-east-1: ValidationException: 1 validation error detected: *'shardCount' "
            "failed to satisfy constraint: Member must have value greater than or equal to 1",
        ),
        (
            'streams={"a": 1}, shard_limit=0',
            "kinesis_mock",
            "ValueError: kinesis_mock marker: cannot create stream 'a'*LimitExceededException*",
        ),
        (
            'streams=["a", "a"]',
            "kinesis_mock",
            "ValueError: kinesis_mock marker: streams names a stream twice: *'a', 'a'*",
        ),
        (
            "streams={1: 1}",
            "kinesis_mock",
            "TypeError: kinesis_mock marker: streams: a stream name*",
        ),
        (
            'region=""',
            "kinesis_mock",
            "TypeError: kinesis_mock marker: region must be a region name, not ''",
        ),
        (
            'streams=["a", "b"]',
            "kinesis_stream",
            "ValueError: kinesis_stream needs at most one stream in the kinesis_mock marker, "
            "which names 2 (a, b): use kinesis_streams",
        ),
    ],
)
def test_a_bad_marker_fails_the_test_clearly(
    pytester: pytest.Pytester, marker: str, fixture: str, expected: str
) -> None:
    result = _run(
        pytester,
        f"""
        @pytest.mark.kinesis_mock({marker})
        def test_bad({fixture}):
            pass

        def test_next_test_is_unaffected(kinesis_mock):
            assert kinesis_mock.streams() == {{}}
            assert kinesis_mock.settings.stream_create_delay == 0
        """,
    )
    result.assert_outcomes(errors=1, passed=1)
    result.stdout.fnmatch_lines([f"E *{expected}"])


def test_xdist_workers_each_have_their_own_mock(pytester: pytest.Pytester) -> None:
    """Under ``-n 2`` both workers create, write and read a stream of the
    same name at the same time: each sees only its own."""
    _write(
        pytester,
        """
        import os
        import time

        @pytest.mark.parametrize("n", range(4))
        @pytest.mark.kinesis_mock(streams={"marked": 1})
        def test_same_names(kinesis_mock, n):
            me = f"{os.environ['PYTEST_XDIST_WORKER']}-{n}".encode()
            client().create_stream(StreamName="shared", ShardCount=1)
            client().put_record(StreamName="shared", Data=me, PartitionKey="k")
            client().put_record(StreamName="marked", Data=me, PartitionKey="k")
            time.sleep(0.2)  # the other worker's test runs meanwhile
            assert sorted(kinesis_mock.streams()) == ["marked", "shared"]
            assert [r.data for r in kinesis_mock.records("shared")] == [me]
            assert [r.data for r in kinesis_mock.records("marked")] == [me]
        """,
    )
    # Four tests: xdist hands two to each worker at once (its first batch is
    # two a worker), so each runs beside the other's, as eight did. And no
    # anyio plugin in three interpreters.
    result = pytester.runpytest_subprocess(*FAST, "-p", "no:anyio", "-n", "2", "-v")
    result.assert_outcomes(passed=4)
    # Nothing but the entry point of the installed package loads the plugin.
    assert not list(pytester.path.glob("conftest.py"))
    result.stdout.fnmatch_lines(["plugins: *kinesis-mock-*"])
    # Both workers ran some of them.
    result.stdout.fnmatch_lines(["*[[]gw0[]]*PASSED*"])
    result.stdout.fnmatch_lines(["*[[]gw1[]]*PASSED*"])


def test_a_run_that_uses_no_fixture_loads_none_of_the_engine(pytester: pytest.Pytester) -> None:
    """The plugin is loaded in every pytest run where kinesis-mock is
    installed; until a test uses one of its fixtures, none of the engine is
    imported and botocore is not patched (a fresh process: in process, this
    suite has loaded everything already). Then the first fixture loads it."""
    pytester.makepyfile(
        test_plain="""
        import sys
        import boto3
        import botocore.endpoint

        ORIGINAL_SEND = botocore.endpoint.Endpoint._send
        # A client made before any mock started is answered by the first one.
        EARLY = boto3.client(
            "kinesis", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )

        def test_nothing_loaded_or_patched(request):
            assert "kinesis_mock.pytest_plugin" in sys.modules  # the plugin is there
            loaded = sorted(m for m in sys.modules if m.startswith("kinesis_mock."))
            assert loaded == ["kinesis_mock.pytest_plugin"]
            assert botocore.endpoint.Endpoint._send is ORIGINAL_SEND

        def test_the_first_fixture_loads_it(kinesis_mock):
            assert "kinesis_mock.mock" in sys.modules
            assert botocore.endpoint.Endpoint._send is not ORIGINAL_SEND
            EARLY.create_stream(StreamName="early", ShardCount=1)
            assert list(kinesis_mock.streams()) == ["early"]
        """
    )
    result = pytester.runpytest_subprocess(*FAST, "-p", "no:anyio", "-p", "no:xdist")
    result.assert_outcomes(passed=2)

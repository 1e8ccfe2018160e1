"""The pytest plugin, registered through the ``pytest11`` entry point so no
conftest is needed.

Fixtures:

- ``kinesis_mock``: an active mock (the :class:`~kinesis_mock.KinesisMock`
  handle) for the test; its state resets when the test ends.
- ``kinesis_mock_handle``: the same handle under a name that does not hide
  the ``kinesis_mock`` package inside the test (``kinesis_mock.mock_kinesis``
  stays the package's).
- ``kinesis_streams``: the streams the ``kinesis_mock`` marker names, as a
  dict of name to :class:`~kinesis_mock.StreamInfo`, ACTIVE.
- ``kinesis_stream``: one ACTIVE stream: the marker's only stream, or else a
  one-shard stream named ``test-stream`` (:data:`DEFAULT_STREAM_NAME`).
- ``kinesis_server``: a kinesis-mock HTTP server on a free port.

The first four share one mock. Configure it per test, class or module with
the marker::

    @pytest.mark.kinesis_mock(stream_create_delay=5, streams={"orders": 2})
    def test_orders(kinesis_mock, kinesis_streams): ...

Its keywords are the options of ``mock_kinesis`` (every field of
:class:`~kinesis_mock.Settings`, ``intercept_requests`` and
``refuse_other_services``), ``streams`` (a mapping of stream name to shard
count, or a list of names for one shard each: provisioned streams created
ACTIVE before the test starts, whatever ``stream_create_delay`` says) and
``region`` (the test's ``AWS_DEFAULT_REGION``, where those streams are
created; by default the mock's, ``us-east-1`` unless the environment sets
one). Markers on a module, class and test combine keyword by keyword, the
one closest to the test winning.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import pytest

# pytest loads this module in every run where kinesis-mock is installed, so
# it imports nothing of the engine: that loads (and botocore is patched) only
# when a test first uses a fixture.
if TYPE_CHECKING:
    from .mock import KinesisMock, StreamInfo

MARKER = "kinesis_mock"
_PREFIX = f"{MARKER} marker:"  # how every error about a marker starts
# The stream ``kinesis_stream`` creates when the marker names none.
DEFAULT_STREAM_NAME = "test-stream"
DEFAULT_STREAM_SHARDS = 1

# The marker's keywords besides mock_kinesis()'s options.
_PLUGIN_KEYWORDS = ("streams", "region")


@dataclass(frozen=True)
class _Config:
    """What the markers around one test ask for."""

    options: dict[str, Any]  # for mock_kinesis
    streams: dict[str, int]  # name -> shard count, in the order given
    region: str | None


_CONFIG = pytest.StashKey[_Config]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): configure the kinesis_mock fixture (and kinesis_mock_handle, "
        "kinesis_streams, kinesis_stream) for this test, class or module: mock_kinesis options "
        "such as stream_create_delay=5, streams={name: shard count} created ACTIVE before the "
        "test, region=.",
    )


def _known_keywords() -> list[str]:
    from .settings import MOCK_SWITCHES, Settings

    options = [option.name for option in fields(Settings)]
    return [*options, *(switch.name for switch in MOCK_SWITCHES), *_PLUGIN_KEYWORDS]


def _config(node: pytest.Item) -> _Config:
    """The merged markers of ``node``: nearest wins, keyword by keyword.
    Read and checked once per test."""
    __tracebackhide__ = True  # a bad marker's error is all the user needs to see
    cached = node.stash.get(_CONFIG, None)
    if cached is not None:
        return cached
    merged: dict[str, Any] = {}
    # iter_markers starts at the test and moves out: apply the outermost first.
    for marker in reversed(list(node.iter_markers(MARKER))):
        if marker.args:
            raise TypeError(f"{_PREFIX} takes keyword arguments only, not {marker.args!r}")
        merged.update(marker.kwargs)
    known = _known_keywords()
    unknown = sorted(set(merged) - set(known))
    if unknown:
        raise TypeError(
            f"{_PREFIX} unknown options: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    streams = _streams(merged.pop("streams", {}))
    region = merged.pop("region", None)
    if region is not None and (not isinstance(region, str) or not region):
        raise TypeError(f"{_PREFIX} region must be a region name, not {region!r}")
    from .mock import KinesisMock

    try:
        KinesisMock(**merged)  # checks every value, naming the option
    except (TypeError, ValueError) as error:
        raise type(error)(f"{_PREFIX} {error}") from None
    config = node.stash[_CONFIG] = _Config(options=merged, streams=streams, region=region)
    return config


def _streams(value: Any) -> dict[str, int]:
    """The marker's ``streams``: {name: shards}, or [name, ...] for one shard each."""
    __tracebackhide__ = True
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = [(name, 1) for name in value]
    else:
        raise TypeError(
            f"{_PREFIX} streams must be a mapping of stream name to shard count "
            f"or a list of stream names, not {type(value).__name__} ({value!r})"
        )
    for name, shards in items:
        if not isinstance(name, str):
            raise TypeError(f"{_PREFIX} streams: a stream name must be a str, not {name!r}")
        if isinstance(shards, bool) or not isinstance(shards, int):
            raise TypeError(
                f"{_PREFIX} streams: the shard count of {name!r} must be an int, not {shards!r}"
            )
    created = dict(items)
    if len(created) != len(items):
        raise ValueError(f"{_PREFIX} streams names a stream twice: {value!r}")
    return created


@contextmanager
def _default_region(region: str | None) -> Iterator[None]:
    """``AWS_DEFAULT_REGION`` is ``region`` inside (unchanged if None)."""
    if region is None:
        yield
        return
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = saved


def _create_streams(handle: KinesisMock, streams: Mapping[str, int]) -> None:
    """Create ``streams`` as CreateStream does (same validation, same
    stream), in the mock's default account and region, ACTIVE whatever the
    settings' ``stream_create_delay``."""
    __tracebackhide__ = True
    if not streams:
        return
    from .environment import DEFAULT_REGION
    from .protocol.errors import ServiceError
    from .protocol.model import service_spec
    from .protocol.validation import validate
    from .registry import REGISTRY
    from .services.kinesis import KINESIS

    region = os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    shape = service_spec(KINESIS.name).operation("CreateStream").input_shape
    create = KINESIS.handlers["CreateStream"]
    settings = handle.settings
    delay = settings.stream_create_delay
    settings.stream_create_delay = 0.0
    try:
        for name, shards in streams.items():
            params = {"StreamName": name, "ShardCount": shards}
            try:
                validate(params, shape, KINESIS.report_order)
                with REGISTRY.open(KINESIS, handle.account_id, region) as backend:
                    create(backend, params)
            except ServiceError as error:
                raise ValueError(
                    f"{_PREFIX} cannot create stream {name!r} with {shards} shard(s) "
                    f"in {region}: {error.code}: {error}"
                ) from None  # the message says it all; the cause is internal
    finally:
        settings.stream_create_delay = delay


@pytest.fixture
def kinesis_mock(request: pytest.FixtureRequest) -> Iterator[KinesisMock]:
    """An active mock for the test, configured by the ``kinesis_mock``
    marker; state resets when the test ends."""
    from .mock import mock_kinesis

    config = _config(request.node)
    with _default_region(config.region), mock_kinesis(**config.options) as handle:
        _create_streams(handle, config.streams)
        yield handle


@pytest.fixture
def kinesis_mock_handle(kinesis_mock: KinesisMock) -> KinesisMock:
    """The ``kinesis_mock`` fixture's handle, under a name that leaves the
    ``kinesis_mock`` package visible in the test: the same object, one mock."""
    return kinesis_mock


@pytest.fixture
def kinesis_streams(
    kinesis_mock: KinesisMock, request: pytest.FixtureRequest
) -> dict[str, StreamInfo]:
    """The streams the ``kinesis_mock`` marker names, by name, as they were
    when the test started (ACTIVE); empty when it names none."""
    current = kinesis_mock.streams()
    return {name: current[name] for name in _config(request.node).streams}


@pytest.fixture
def kinesis_stream(kinesis_mock: KinesisMock, request: pytest.FixtureRequest) -> StreamInfo:
    """One ACTIVE stream, as it was when the test started: the only stream
    the ``kinesis_mock`` marker names, or a one-shard stream named
    ``test-stream`` when it names none."""
    streams = _config(request.node).streams
    if len(streams) > 1:
        raise ValueError(
            f"kinesis_stream needs at most one stream in the {MARKER} marker, which names "
            f"{len(streams)} ({', '.join(streams)}): use kinesis_streams"
        )
    if streams:
        (name,) = streams
    else:
        name = DEFAULT_STREAM_NAME
        _create_streams(kinesis_mock, {name: DEFAULT_STREAM_SHARDS})
    return kinesis_mock.streams()[name]


@pytest.fixture
def kinesis_server() -> Iterator[Any]:
    """A kinesis-mock HTTP server on a free port, for clients outside the
    process (needs the ``server`` extra), with state of its own that ends
    with the test."""
    from . import server

    handle = server.start(port=0)
    try:
        yield handle
    finally:
        handle.stop()

"""``mock_kinesis``: decorator, class decorator and context manager."""

from __future__ import annotations

import functools
import inspect
import os
import sys
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from . import clock
from .settings import MOCK_SWITCHES, Settings, did_you_mean

# Importing this module (``from kinesis_mock import mock_kinesis``, in every
# test module) loads none of the engine and patches nothing of botocore: the
# engine loads, and the transports are installed, when a mock first starts.
if TYPE_CHECKING:
    from .environment import FakeEnvironment
    from .faults import Faults
    from .journal import Call, Journal
    from .registry import Registry
    from .services.base import B, ServiceDefinition
    from .services.kinesis.backend import KinesisBackend
    from .services.kinesisvideo.backend import KinesisVideoBackend

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_lifecycle = threading.RLock()
# Whether the active mocks intercept raw ``requests`` calls (the outermost's
# choice): read by the callback that starts it when ``requests`` is imported.
_requests_wanted = False


def _intercept_requests() -> None:
    """Intercept raw ``requests`` calls: now if ``requests`` is loaded, else
    when it is first imported (``responses`` and ``requests`` cost some 45
    ms to load, and a process using only boto3 never needs them)."""
    global _requests_wanted
    from .transport import requests_watch

    _requests_wanted = True
    if "requests" in sys.modules or "responses" in sys.modules:
        # Loaded, or being loaded by another thread (an import whose end no
        # watcher made now would see): load the interception now, waiting
        # for that import.
        from .transport import requests_hook  # loads responses

        requests_hook.start()
    else:
        requests_watch.when_imported(_requests_imported)


def _requests_imported() -> None:
    # Runs in the thread that imported requests, at the end of that import;
    # takes no lock a starting mock may hold while it imports.
    from .transport import requests_hook  # loads responses

    if _requests_wanted:
        requests_hook.start()
        if not _requests_wanted:  # the mock stopped meanwhile
            requests_hook.stop()


def _stop_intercepting_requests() -> None:
    global _requests_wanted
    _requests_wanted = False
    watch = sys.modules.get(f"{__package__}.transport.requests_watch")
    if watch is not None:
        watch.cancel()
    requests_hook = sys.modules.get(f"{__package__}.transport.requests_hook")
    if requests_hook is not None:  # loaded by a mock that intercepted requests
        requests_hook.stop()


# How many names an error about a missing stream lists of those it found.
_NAMES_SHOWN = 5
# What the outermost mock set up, undone when it ends.
_environment: FakeEnvironment | None = None


@dataclass(frozen=True)
class RecordInfo:
    """One stored record, as a consumer would read it."""

    shard_id: str
    sequence_number: str
    partition_key: str | None  # None for records placed by AUTO distribution without a key
    data: bytes
    arrival_time: datetime
    encryption_type: str


@dataclass(frozen=True)
class StreamInfo:
    """A snapshot of one stream, for assertions in tests."""

    name: str
    arn: str
    status: str
    mode: str
    shard_ids: tuple[str, ...]
    retention_period_hours: int
    tags: dict[str, str]
    created_at: float


class KinesisMock:
    """An active (or activatable) mock, and the handle tests inspect state with.

    Use it as ``with mock_kinesis() as km:``, as a decorator, or through the
    ``kinesis_mock`` pytest fixture. Mocks nest: state lives until the
    outermost one ends, then resets. Options given to an inner mock apply
    while it is active.

    What the handle offers (a server's ``handle.state`` offers the same, on
    the server's state):

    - state: ``streams()``, ``records(name)``; each reads the default account
      and the test's region unless given ``region=`` and ``account_id=``, and
      a name not there is a KeyError saying where it looked and what it found;
    - arranging: ``put_media(...)`` (a video fragment), ``connect_master(...)``
      (a signaling peer), ``enforce_throughput(name)``;
    - ``settings`` (the options, changeable mid-test), ``clock`` (the mock's
      time), ``faults`` (failures to inject), ``calls()`` and ``journal`` (what
      was answered), ``reset()``; ``start()`` and ``stop()`` without ``with``.
    """

    def __init__(
        self,
        intercept_requests: bool = True,
        refuse_other_services: bool = False,
        **settings: Any,
    ) -> None:
        """The options of ``mock_kinesis()``: ``intercept_requests``,
        ``refuse_other_services`` and the fields of
        :class:`~kinesis_mock.Settings`, each checked now (TypeError or
        ValueError naming it, with the closest option for a mistyped name)."""
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(settings) - known)
        if unknown:
            options = [*known, *(switch.name for switch in MOCK_SWITCHES)]
            raise TypeError(
                "unknown mock_kinesis options: "
                + "; ".join(f"{name!r}{did_you_mean(name, options)}" for name in unknown)
            )
        Settings(**settings)  # a bad value is refused now, not when the mock starts
        self._options = settings
        self._intercept_requests = intercept_requests
        self._refuse_other_services = refuse_other_services
        self._saved: list[dict[str, Any]] = []
        # Whose state the inspection methods read: a server's (see
        # ``ServerHandle.state``), or (None) the in-process mock's.
        self._state: Registry | None = None

    @classmethod
    def _inspecting(cls, registry: Registry) -> KinesisMock:
        handle = cls()
        handle._state = registry
        return handle

    @property
    def _registry(self) -> Registry:
        if self._state is not None:
            return self._state
        from .registry import REGISTRY

        return REGISTRY

    # -- activation -------------------------------------------------------

    def start(self) -> KinesisMock:
        """Activate the mock (what ``with`` does) and return it; pair each
        call with :meth:`stop`. The outermost active mock starts with fresh
        state and this mock's options; an inner one applies its options over
        the outer one's until it stops."""
        global _environment
        # The engine loads when the first mock starts (later starts find it
        # loaded): botocore is patched from then on, not on import.
        from .environment import FakeEnvironment
        from .registry import REGISTRY
        from .transport import botocore_hook
        from .transport.seal import SEAL

        with _lifecycle:
            botocore_hook.install()
            depth = botocore_hook.SWITCH.enter()
            botocore_hook.ensure_guards()
            if self._refuse_other_services:
                SEAL.enter()
            if depth == 1:
                REGISTRY.reset(Settings(**self._options))
                self._saved.append({})
                _environment = FakeEnvironment()
                _environment.apply()
                botocore_hook.register_on_default_session()
                if self._intercept_requests:
                    _intercept_requests()
            else:
                current = REGISTRY.settings
                self._saved.append({key: getattr(current, key) for key in self._options})
                for key, value in self._options.items():
                    setattr(current, key, value)
        return self

    def stop(self) -> None:
        """Deactivate the mock started by :meth:`start`. When the outermost
        mock stops, every stream, fault and recorded call is forgotten and
        the clock and environment are restored; an inner one puts back the
        options it changed. RuntimeError if the mock is not active."""
        global _environment
        with _lifecycle:
            if not self._saved:
                raise RuntimeError("mock_kinesis.stop() called on a mock that is not active")
            # A mock that started loaded the engine.
            from .registry import REGISTRY
            from .transport import botocore_hook
            from .transport.seal import SEAL

            previous = self._saved.pop()
            depth = botocore_hook.SWITCH.exit()
            if self._refuse_other_services:
                SEAL.exit()
            if depth == 0:
                REGISTRY.reset()
                clock.reset_advance()
                if _environment is not None:
                    _environment.restore()
                    _environment = None
                _stop_intercepting_requests()
            else:
                for key, value in previous.items():
                    setattr(REGISTRY.settings, key, value)

    def __enter__(self) -> KinesisMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> KinesisMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- decoration -------------------------------------------------------

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...

    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        """Decorate ``target`` (what ``@mock_kinesis(...)`` does): a function
        or ``async def`` function runs inside a mock of its own at each call;
        a ``unittest.TestCase`` gets one mock per test, spanning ``setUp``
        and ``tearDown``; a plain class, one per ``test*`` method."""
        if inspect.isclass(target):
            return self._decorate_class(target)
        return self._decorate_function(target)

    def _fresh(self) -> KinesisMock:
        # Each call of a decorated function gets its own activation.
        return KinesisMock(self._intercept_requests, self._refuse_other_services, **self._options)

    def _decorate_function(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self._fresh():
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: type[T]) -> type[T]:
        # A TestCase subclass means unittest is loaded: it is not imported here.
        unittest = sys.modules.get("unittest")
        if unittest is not None and issubclass(cls, unittest.TestCase):
            # One mock per test spans setUp, the test and tearDown, as moto's does.
            test_case: Any = cls
            original_setup = test_case.setUp
            owner = self

            @functools.wraps(original_setup)
            def setUp(test: Any) -> None:
                mock = owner._fresh().start()
                test.addCleanup(mock.stop)
                original_setup(test)

            test_case.setUp = setUp
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(member):
                setattr(cls, name, self._decorate_function(member))
        self._span(cls, "setup_method", "teardown_method", per_class=False)
        if "setup_class" in vars(cls):
            self._span(cls, "setup_class", "teardown_class", per_class=True)
        return cls

    def _span(self, cls: type[Any], setup: str, teardown: str, *, per_class: bool) -> None:
        """Make one mock span pytest's ``setup`` hook, the test(s) and the
        ``teardown`` hook of a plain test class (added if the class has none).

        A ``setup_class`` mock spans every test of the class, so what it
        creates is there for each of them; ``setup_method`` gets one per test.
        """
        owner = self
        attribute = f"_kinesis_mock_{setup}"

        def unwrap(member: Any) -> Any:
            return member.__func__ if isinstance(member, (classmethod, staticmethod)) else member

        original_setup = unwrap(vars(cls).get(setup))
        original_teardown = unwrap(vars(cls).get(teardown))

        # pytest passes the method (or class) only to hooks that take it.
        def call(hook: Any, target: Any, argument: Any) -> None:
            if hook.__code__.co_argcount >= 2:
                hook(target, argument)
            else:
                hook(target)

        def run_setup(target: Any, argument: Any = None) -> None:
            mock = owner._fresh().start()
            setattr(target, attribute, mock)
            if original_setup is not None:
                try:
                    call(original_setup, target, argument)
                except BaseException:
                    mock.stop()  # pytest skips the teardown of a failed setup
                    delattr(target, attribute)
                    raise

        def run_teardown(target: Any, argument: Any = None) -> None:
            try:
                if original_teardown is not None:
                    call(original_teardown, target, argument)
            finally:
                mock = target.__dict__.get(attribute)
                if mock is not None:
                    delattr(target, attribute)
                    mock.stop()

        if per_class:
            setattr(cls, setup, classmethod(run_setup))
            setattr(cls, teardown, classmethod(run_teardown))
        else:
            setattr(cls, setup, run_setup)
            setattr(cls, teardown, run_teardown)

    # -- inspection -------------------------------------------------------

    @property
    def clock(self) -> clock.MockClock:
        """The mock's time: ``km.clock.now()``, ``km.clock.advance(30)``."""
        return clock.MockClock()

    @property
    def faults(self) -> Faults:
        """Arrange failures: ``km.faults.fail("PutRecord",
        "ProvisionedThroughputExceededException", times=2)``,
        ``km.faults.fail_records(index=[0, 3])``, ``km.faults.delay(...)``;
        list them, ``clear()`` them, ``assert_all_fired()``. Cleared when the
        outermost mock ends."""
        return self._registry.faults

    @property
    def journal(self) -> Journal:
        """Every call the mock answered, oldest first (see :meth:`calls`)."""
        return self._registry.journal

    def calls(
        self,
        operation: str | None = None,
        *,
        service: str | None = None,
        stream: str | None = None,
        error: str | None = None,
        ok: bool | None = None,
        account: str | None = None,
        region: str | None = None,
    ) -> list[Call]:
        """The calls the mock answered that match every filter given, oldest
        first: each has ``service``, ``operation``, ``account``, ``region``,
        ``params``, ``result`` (or ``error`` and ``message``) and ``at``.
        ``km.calls("PutRecords", error="ProvisionedThroughputExceededException")``."""
        return self._registry.journal.calls(
            operation,
            service=service,
            stream=stream,
            error=error,
            ok=ok,
            account=account,
            region=region,
        )

    @property
    def settings(self) -> Settings:
        """The active settings; change delays or limits mid-test through them."""
        return self._registry.settings

    @property
    def account_id(self) -> str:
        """The account the inspection methods read by default: the
        ``account_id`` option, else ``KINESIS_MOCK_ACCOUNT_ID``, else
        ``123456789012`` (the account of requests whose access key is not
        12 digits)."""
        return self._registry.settings.default_account()

    @staticmethod
    def _region(region: str | None) -> str:
        from .environment import DEFAULT_REGION

        return region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION

    def _open(
        self, service: ServiceDefinition[B], region: str | None, account_id: str | None
    ) -> AbstractContextManager[B]:
        """The backend, locked and with due transitions applied, exactly as
        an API call sees it."""
        return self._registry.open(service, account_id or self.account_id, self._region(region))

    def _missing(
        self,
        what: str,
        name: str,
        region: str | None,
        account_id: str | None,
        there: Iterable[str],
    ) -> KeyError:
        """``no stream 's' in account 123456789012, region us-east-1 (streams
        there: a, b)``: where the handle looked, and what it found there."""
        account, where = account_id or self.account_id, self._region(region)
        names = sorted(there)
        if not names:
            found = f"no {what}s there"
        else:
            shown = ", ".join(names[:_NAMES_SHOWN])
            more = len(names) - _NAMES_SHOWN
            found = f"{what}s there: {shown}" + (f" and {more} more" if more > 0 else "")
        return KeyError(f"no {what} {name!r} in account {account}, region {where} ({found})")

    def streams(
        self, region: str | None = None, account_id: str | None = None
    ) -> dict[str, StreamInfo]:
        """The Kinesis streams of an account and region, by name."""
        backend: KinesisBackend
        with self._open(_kinesis(), region, account_id) as backend:
            return {
                stream.name: StreamInfo(
                    name=stream.name,
                    arn=stream.arn,
                    status=stream.status,
                    mode=stream.mode,
                    shard_ids=tuple(shard.shard_id for shard in stream.shards),
                    retention_period_hours=stream.retention_hours,
                    tags=dict(stream.tags),
                    created_at=stream.created_at,
                )
                for stream in backend.streams.values()
            }

    def records(
        self, stream_name: str, region: str | None = None, account_id: str | None = None
    ) -> list[RecordInfo]:
        """Every retained record of a stream: shard by shard, each in order.

        Reads the stored records directly, so a test can check what a
        producer wrote without writing a consumer.
        """
        found: list[RecordInfo] = []
        backend: KinesisBackend
        with self._open(_kinesis(), region, account_id) as backend:
            stream = backend.streams.get(stream_name)
            if stream is None:
                raise self._missing("stream", stream_name, region, account_id, backend.streams)
            now = clock.now()
            for shard in stream.shards:
                stream.trim_expired(shard, now)
                stored, _ = shard.log.read(shard.log.first_index, len(shard.log), 1 << 62)
                found.extend(
                    RecordInfo(
                        shard_id=shard.shard_id,
                        sequence_number=record["SequenceNumber"],
                        partition_key=record.get("PartitionKey"),
                        data=record["Data"],
                        arrival_time=datetime.fromtimestamp(
                            record["ApproximateArrivalTimestamp"], tz=timezone.utc
                        ),
                        encryption_type=record["EncryptionType"],
                    )
                    for record in stored
                )
        return found

    def put_media(
        self,
        stream_name: str,
        payload: bytes,
        *,
        producer_timestamp: datetime | float | None = None,
        server_timestamp: datetime | float | None = None,
        duration_ms: int = 2000,
        region: str | None = None,
        account_id: str | None = None,
    ) -> str:
        """Adds one media fragment to a Kinesis Video stream, as a producer's
        PutMedia would, and returns its fragment number.

        ``payload`` is stored as given (an MKV cluster, or any bytes the code
        under test expects back). Timestamps default to the mock clock; the
        producer timestamp defaults to the server one. GetMedia,
        ListFragments, GetMediaForFragmentList, GetClip, GetImages and the
        HLS/DASH session URLs answer from these fragments.
        """
        backend: KinesisVideoBackend
        with self._open(_kinesis_video(), region, account_id) as backend:
            stream = backend.streams.by_name.get(stream_name)
            if stream is None:
                raise self._missing(
                    "video stream", stream_name, region, account_id, backend.streams.by_name
                )
            server = _epoch_ms(server_timestamp if server_timestamp is not None else clock.now())
            producer = _epoch_ms(producer_timestamp) if producer_timestamp is not None else server
            return stream.media.add(bytes(payload), producer, server, duration_ms).number

    def connect_master(
        self,
        channel_name: str,
        answer: Callable[[str], str] | str,
        *,
        region: str | None = None,
        account_id: str | None = None,
    ) -> None:
        """Connects a master peer to a signaling channel: SendAlexaOfferToMaster
        returns ``answer`` (or ``answer(offer)``, given the offer payload)."""
        backend: KinesisVideoBackend
        with self._open(_kinesis_video(), region, account_id) as backend:
            channel = backend.channels.by_name.get(channel_name)
            if channel is None:
                raise self._missing(
                    "signaling channel", channel_name, region, account_id, backend.channels.by_name
                )
            channel.master = answer if callable(answer) else (lambda _offer: answer)

    def enforce_throughput(
        self,
        stream_name: str,
        enabled: bool | None = True,
        region: str | None = None,
        account_id: str | None = None,
    ) -> None:
        """Enforce the service's throughput limits on one stream (or, with
        ``enabled=False``, not), whatever the ``throughput`` option says;
        ``None`` makes it follow the option again. The choice lives with the
        stream: a stream created again under the same name follows the option."""
        if enabled is not None and not isinstance(enabled, bool):
            raise TypeError(f"enabled must be a bool or None, not {type(enabled).__name__}")
        backend: KinesisBackend
        with self._open(_kinesis(), region, account_id) as backend:
            stream = backend.streams.get(stream_name)
            if stream is None:
                raise self._missing("stream", stream_name, region, account_id, backend.streams)
            stream.enforce_throughput = enabled

    def reset(self) -> None:
        """Forget every stream, keeping the mock active."""
        self._registry.reset(self._registry.settings)


def _kinesis() -> ServiceDefinition[KinesisBackend]:
    from .services.kinesis import KINESIS

    return KINESIS


def _kinesis_video() -> ServiceDefinition[KinesisVideoBackend]:
    from .services.kinesisvideo import KINESIS_VIDEO

    return KINESIS_VIDEO


def _epoch_ms(moment: datetime | float) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return round(moment.timestamp() * 1000)
    return round(moment * 1000)


@overload
def mock_kinesis(func: F, /) -> F: ...


@overload
def mock_kinesis(func: None = None, /, **options: Any) -> KinesisMock: ...


def mock_kinesis(func: Any = None, /, **options: Any) -> Any:
    """Mock Kinesis Data Streams and Kinesis Video Streams for boto3.

    ``@mock_kinesis``, ``@mock_kinesis(...)`` (on functions, ``async def``
    functions and classes) and ``with mock_kinesis(...) as km:`` all work.
    Options are the fields of :class:`~kinesis_mock.settings.Settings`
    (``stream_create_delay``, ``stream_delete_delay``, ``shard_limit``, ...;
    ``km.settings`` holds them while the mock is active),
    ``intercept_requests`` (default true) for raw ``requests`` calls and
    ``refuse_other_services`` (default false) to seal the test. README's
    "Options" table lists each with its default and meaning.
    """
    mock = KinesisMock(**options)
    if func is not None:
        return mock(func)
    return mock

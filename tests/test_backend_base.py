"""The backend base every service's state builds on: ``after(delay, action)``
runs at once for no delay and on the clock otherwise, and pickles."""

from __future__ import annotations

import functools
import pickle
import threading

from kinesis_mock.services.backend_base import BackendBase
from kinesis_mock.settings import Settings


def _record(seen: list[float], at: float) -> None:
    seen.append(at)


def test_after_runs_at_once_without_a_delay() -> None:
    backend = BackendBase("123456789012", "us-east-1", Settings())
    seen: list[float] = []
    backend.after(0, functools.partial(_record, seen), now=100.0)
    backend.after(-1, functools.partial(_record, seen), now=101.0)
    assert seen == [100.0, 101.0]
    assert not backend.advance(10_000.0)  # nothing was left for later


def test_after_runs_on_the_clock_with_a_delay() -> None:
    backend = BackendBase("123456789012", "us-east-1", Settings())
    seen: list[float] = []
    backend.after(30, functools.partial(_record, seen), now=100.0)
    assert seen == []
    assert not backend.advance(129.9)
    assert backend.advance(130.0)
    assert seen == [130.0]  # given its due time


def test_the_base_carries_what_a_backend_needs() -> None:
    backend = BackendBase("123456789012", "cn-north-1", Settings())
    assert (backend.account, backend.region, backend.partition) == (
        "123456789012",
        "cn-north-1",
        "aws-cn",
    )
    assert isinstance(backend.lock, type(threading.RLock()))


def test_pending_actions_pickle() -> None:
    backend = BackendBase("123456789012", "us-east-1", Settings())
    backend.after(5, functools.partial(_record, []), now=0.0)
    state = dict(backend.__dict__)
    del state["lock"]  # a data directory stores the lock as a reference
    restored = pickle.loads(pickle.dumps(state))
    assert restored["_schedule"].advance(5.0)

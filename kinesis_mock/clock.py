"""The one place the mock reads time.

Every timestamp, delay and expiry goes through :func:`now`, read at call time,
so ``freezegun`` (which patches :func:`time.time`), a clock installed with
:func:`set_clock`, or :func:`advance` (``km.clock.advance(seconds)``) moves all
of them together. The three combine: :func:`advance` adds to whichever clock
is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

_clock: Callable[[], float] | None = None
# Seconds advance() has moved the mock's time ahead of the clock it reads.
_offset = 0.0


def now() -> float:
    """Seconds since the epoch, as the mock's clock sees them."""
    if _clock is not None:
        return _clock() + _offset
    return time.time() + _offset


def advance(seconds: float) -> None:
    """Move the mock's time ahead: transitions, iterator and token expiry,
    retention and subscription ends all see it, without freezegun."""
    global _offset
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"seconds must be a number, not {type(seconds).__name__}")
    if not seconds >= 0:
        raise ValueError("the mock's clock only moves forward: seconds must be zero or more")
    _offset += seconds


def reset_advance() -> None:
    """Forget what :func:`advance` added (when the outermost mock ends)."""
    global _offset
    _offset = 0.0


def now_datetime() -> datetime:
    return datetime.fromtimestamp(now(), tz=timezone.utc)


def set_clock(clock: Callable[[], float] | None) -> None:
    """Install a user-supplied clock (``None`` restores the system clock)."""
    global _clock
    _clock = clock


class MockClock:
    """The mock's time, for a test to read and move (``km.clock``)."""

    def now(self) -> float:
        """Seconds since the epoch, as the mock sees them."""
        return now()

    def datetime(self) -> datetime:
        """The mock's time as an aware UTC datetime."""
        return now_datetime()

    def advance(self, seconds: float) -> None:
        """Move the mock's time ``seconds`` ahead (everything time-driven
        follows at the next call); undone when the outermost mock ends."""
        advance(seconds)

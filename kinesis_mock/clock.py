"""The one place the mock reads time.

Every timestamp, delay and expiry goes through :func:`now`, read at call time,
so ``freezegun`` (which patches :func:`time.time`) or a clock installed with
:func:`set_clock` moves all of them together.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

_clock: Callable[[], float] | None = None


def now() -> float:
    """Seconds since the epoch, as the mock's clock sees them."""
    if _clock is not None:
        return _clock()
    return time.time()


def now_datetime() -> datetime:
    return datetime.fromtimestamp(now(), tz=timezone.utc)


def set_clock(clock: Callable[[], float] | None) -> None:
    """Install a user-supplied clock (``None`` restores the system clock)."""
    global _clock
    _clock = clock

"""Clock-driven state changes: actions due at given times, run in due order
once the mock clock reaches them (checked at the start of every call)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable


class Schedule:
    """A heap of pending actions, so checking for due work on every mocked
    call costs one comparison when nothing is due."""

    def __init__(self) -> None:
        # (due time, tie-breaker keeping insertion order, what happens then)
        self._pending: list[tuple[float, int, Callable[[float], None]]] = []
        self._tie = itertools.count()

    def later(self, due: float, action: Callable[[float], None]) -> None:
        """Run ``action`` (given the time it was due) once the clock reaches ``due``."""
        heapq.heappush(self._pending, (due, next(self._tie), action))

    def advance(self, now: float) -> None:
        pending = self._pending
        while pending and pending[0][0] <= now:
            due, _, action = heapq.heappop(pending)
            action(due)

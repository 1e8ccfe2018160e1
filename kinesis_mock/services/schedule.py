"""Clock-driven state changes: actions due at given times, run in due order
once the mock clock reaches them (checked at the start of every call).

Actions are module-level functions or bound methods, partially applied
(``functools.partial``), never closures: a server with a data directory
pickles its state, pending actions included, so that a stream still
CREATING when the server stops becomes ACTIVE on time after a restart."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any


class Schedule:
    """A heap of pending actions, so checking for due work on every mocked
    call costs one comparison when nothing is due."""

    def __init__(self) -> None:
        # (due time, tie-breaker keeping insertion order, what happens then)
        self._pending: list[tuple[float, int, Callable[[float], object]]] = []
        self._tie = itertools.count()

    def later(self, due: float, action: Callable[[float], object]) -> None:
        """Run ``action`` (given the time it was due) once the clock reaches ``due``."""
        heapq.heappush(self._pending, (due, next(self._tie), action))

    def advance(self, now: float) -> bool:
        """Run the actions due by ``now``; whether any ran."""
        pending = self._pending
        if not pending or pending[0][0] > now:
            return False
        while pending and pending[0][0] <= now:
            due, _, action = heapq.heappop(pending)
            action(due)
        return True

    # The tie-breaker is an itertools.count, which pickles only up to Python 3.13.
    def __getstate__(self) -> dict[str, Any]:
        return {"pending": self._pending, "next": next(self._tie)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._pending = state["pending"]
        self._tie = itertools.count(state["next"])

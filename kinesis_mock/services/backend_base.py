"""What every service's backend has: the state of one service in one account
and region, guarded by a lock, with clock-driven changes.

A backend subclasses :class:`BackendBase` and adds its resources::

    class KinesisBackend(BackendBase):
        def __init__(self, account: str, region: str, settings: Settings) -> None:
            super().__init__(account, region, settings)
            self.streams = {}

A delayed change goes through :meth:`BackendBase.after` (or, at a known due
time, :meth:`BackendBase.later`); the registry runs what is due by calling
:meth:`BackendBase.advance` under the lock before every call. Actions are
module-level functions or bound methods, partially applied, never closures:
a server with a data directory pickles backends, pending actions included
(see ``schedule.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .. import clock
from ..arns import arn, partition_for_region
from ..settings import Settings
from .schedule import Schedule


class BackendBase:
    """State of one service in one account and region, guarded by ``lock``."""

    def __init__(self, account: str, region: str, settings: Settings) -> None:
        self.account = account
        self.region = region
        self.settings = settings
        self.partition = partition_for_region(region)
        self.lock = threading.RLock()
        self._schedule = Schedule()

    def arn(self, service: str, resource: str) -> str:
        """The ARN of ``resource`` of ``service`` in this account and region."""
        return arn(self.partition, service, self.region, self.account, resource)

    def advance(self, now: float) -> bool:
        """Run the transitions due by ``now``; whether any ran."""
        return self._schedule.advance(now)

    def later(self, due: float, action: Callable[[float], object]) -> None:
        """Run ``action`` (given the time it was due) once the clock reaches ``due``."""
        self._schedule.later(due, action)

    def after(
        self, delay: float, action: Callable[[float], object], *, now: float | None = None
    ) -> None:
        """Run ``action`` ``delay`` seconds from ``now`` (the mock's clock when
        not given): at once, given ``now``, when ``delay`` is 0 or less (a
        delay setting of 0 means no intermediate state), else given its due
        time once the clock reaches ``now + delay``."""
        if now is None:
            now = clock.now()
        if delay <= 0:
            action(now)
        else:
            self.later(now + delay, action)

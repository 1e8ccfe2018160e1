"""CREATING -> ACTIVE and DELETING -> gone for consumers, queues and channels,
on the clock (``consumer_create_delay`` / ``consumer_delete_delay``)."""

from __future__ import annotations

from typing import Any, Protocol

from ... import clock
from .backend import ACTIVE, CREATING, DELETING, KinesisBackend


class HasStatus(Protocol):
    status: str


def created(backend: KinesisBackend, resource: HasStatus, now: float) -> None:
    """A new resource: ACTIVE at once, or CREATING for the configured delay."""
    delay = backend.settings.consumer_create_delay
    if delay <= 0:
        resource.status = ACTIVE
        return
    resource.status = CREATING

    def activate(_: float) -> None:
        if resource.status == CREATING:
            resource.status = ACTIVE

    backend.later(now + delay, activate)


def deleted(backend: KinesisBackend, registry: dict[str, Any], name: str) -> None:
    """Remove ``registry[name]`` at once, or after DELETING for the configured delay."""
    resource = registry[name]
    delay = backend.settings.consumer_delete_delay
    if delay <= 0:
        del registry[name]
        return
    resource.status = DELETING

    def remove(_: float) -> None:
        if registry.get(name) is resource:
            del registry[name]

    backend.later(clock.now() + delay, remove)

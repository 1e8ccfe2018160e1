"""CREATING -> ACTIVE and DELETING -> gone for consumers, queues and channels,
on the clock (``consumer_create_delay`` / ``consumer_delete_delay``)."""

from __future__ import annotations

import functools
from typing import Any, Protocol

from .backend import ACTIVE, CREATING, DELETING, KinesisBackend


class HasStatus(Protocol):
    status: str


def created(backend: KinesisBackend, resource: HasStatus, now: float) -> None:
    """A new resource: ACTIVE at once, or CREATING for the configured delay."""
    resource.status = CREATING
    backend.after(
        backend.settings.consumer_create_delay, functools.partial(_activate, resource), now=now
    )


def _activate(resource: HasStatus, _due: float) -> None:
    if resource.status == CREATING:
        resource.status = ACTIVE


def deleted(backend: KinesisBackend, registry: dict[str, Any], name: str) -> None:
    """Remove ``registry[name]`` at once, or after DELETING for the configured delay."""
    resource = registry[name]
    resource.status = DELETING
    backend.after(
        backend.settings.consumer_delete_delay, functools.partial(_remove, registry, name, resource)
    )


def _remove(registry: dict[str, Any], name: str, resource: object, _due: float) -> None:
    if registry.get(name) is resource:
        del registry[name]

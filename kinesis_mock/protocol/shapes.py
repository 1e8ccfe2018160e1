"""Compiling botocore shapes once: the one cache every shape walk uses.

Readers, renderers (serialization.py) and validity checks (validation.py)
are each compiled from a shape on its first use and kept, so a request pays
one dictionary lookup per shape, not a walk of the model.

Recursive shapes are handled here, one way for all of them. botocore resolves
a member afresh at every reference (a new ``Shape`` object each time), so a
shape that contains itself never meets the same object twice on the way down;
what repeats is its definition: the model it belongs to, its name and its
member traits. While a definition is being compiled, a reference to it gets a
forward: a callable that calls the compiled form once it is built.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from botocore.model import Shape

F = TypeVar("F", bound=Callable[..., Any])

# One lock for every cache: compiling is rare, and a builder of one cache may
# use another (readers use the rules validation.py words), so a single
# reentrant lock cannot be taken in two orders.
_lock = threading.RLock()


def definition(shape: Shape) -> tuple[object, str, str]:
    """What makes two ``Shape`` objects the same shape: the model that
    resolved them (botocore keeps one resolver per service model), the name,
    and the definition with its member traits merged in, documentation left
    out (nothing is compiled from it)."""
    model = {k: v for k, v in shape._shape_model.items() if k != "documentation"}
    if "members" in model:
        model["members"] = {
            name: {k: v for k, v in ref.items() if k != "documentation"}
            for name, ref in model["members"].items()
        }
    return (shape._shape_resolver, shape.name, json.dumps(model, sort_keys=True, default=str))


class ShapeCache(Generic[F]):
    """Compiles each shape once, lazily, with ``build(cache, shape)``.

    ``build`` compiles the shapes a shape refers to by calling the cache it is
    given, so each member is compiled (and kept) once too, and a shape that
    contains itself gets a forward to its own compiled form. Compiling happens
    under a lock, so no thread sees a half-built result.
    """

    def __init__(self, build: Callable[[ShapeCache[F], Shape], F]) -> None:
        self._build = build
        # By object, the lookup every request makes.
        self._by_object: dict[Shape, F] = {}
        # By definition: shapes botocore resolved twice, compiled once.
        self._by_definition: dict[tuple[object, str, str], F] = {}
        # Definitions being compiled by the thread holding the lock.
        self._building: dict[tuple[object, str, str], F] = {}

    def __call__(self, shape: Shape) -> F:
        done = self._by_object.get(shape)
        if done is not None:
            return done
        with _lock:
            done = self._by_object.get(shape)
            if done is not None:
                return done
            key = definition(shape)
            done = self._by_definition.get(key)
            if done is None:
                forward = self._building.get(key)
                if forward is not None:
                    return forward  # a shape within itself
                done = self._compile(shape, key)
            self._by_object[shape] = done
            return done

    def _compile(self, shape: Shape, key: tuple[object, str, str]) -> F:
        cell: list[F] = []

        def forward(*args: Any) -> Any:
            return cell[0](*args)

        self._building[key] = cast(F, forward)
        try:
            built = self._build(self, shape)
        finally:
            del self._building[key]
        cell.append(built)
        self._by_definition[key] = built
        return built

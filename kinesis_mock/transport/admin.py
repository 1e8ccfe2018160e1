"""The server's admin API: unsigned JSON on the reserved path ``/_kinesis_mock/``.

For tests and tools outside the process (another language, a container) to
check the server is up, reset it, see what it holds, and do what ``km`` does
in process: arrange and list faults, read the journal, read and move the
clock. Answered only to clients on this machine unless the server was started
with ``admin_anywhere`` (a container whose clients reach it through a mapped
port).

    GET    /_kinesis_mock/health            {"status": "ok", "version": ..., "account": ...}
    POST   /_kinesis_mock/reset             {} everything; {"account": ..., "region": ...} one
    GET    /_kinesis_mock/state?account=&region=   streams, shards, record counts
    GET    /_kinesis_mock/faults            the arranged faults, with what each did
    POST   /_kinesis_mock/faults            {"kind": "fail" | "delay" | "fail_records", ...}
    DELETE /_kinesis_mock/faults            clear them
    GET    /_kinesis_mock/calls?operation=&stream=&error=&ok=&service=&account=&region=
    DELETE /_kinesis_mock/calls             clear the journal
    GET    /_kinesis_mock/clock             {"now": seconds since the epoch}
    POST   /_kinesis_mock/clock             {"advance": seconds}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .. import clock
from ..protocol.wire import Request, Response
from ..registry import Registry

PREFIX = "/_kinesis_mock/"

# The keyword arguments each kind of fault takes over the wire (a predicate
# cannot travel: fail_records chooses entries by index, key or shard).
_SHARED = ("times", "nth", "probability", "seed", "stream", "shard")
_KINDS: dict[str, tuple[str, ...]] = {
    "fail": ("operation", "error", "message", "consumer", "delay", "service", *_SHARED),
    "delay": ("operation", "seconds", "consumer", "service", *_SHARED),
    "fail_records": ("index", "partition_key", "error", "message", *_SHARED),
}


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_admin(path: str) -> bool:
    return path.startswith(PREFIX)


def answer(
    registry: Registry, request: Request, client_host: str | None, anywhere: bool = False
) -> Response:
    """The admin API's answer to ``request`` (whose path is under PREFIX),
    from a client at ``client_host``; ``anywhere``: answer any client."""
    from .loopback import is_loopback

    try:
        if not anywhere and (client_host is None or not is_loopback(client_host)):
            raise _Refused(
                403,
                "the admin API answers clients on this machine only "
                "(start the server with --admin-anywhere to open it)",
            )
        resource = request.path[len(PREFIX) :].strip("/")
        handlers = _ROUTES.get(resource)
        if handlers is None:
            raise _Refused(404, f"no admin resource {resource!r}")
        handler = handlers.get(request.method)
        if handler is None:
            raise _Refused(405, f"{request.method} is not allowed on {resource}")
        return _json(200, handler(registry, request))
    except _Refused as refused:
        return _json(refused.status, {"error": str(refused)})


def _faults(registry: Registry, request: Request) -> dict[str, Any]:
    return {"faults": [fault.describe() for fault in registry.faults]}


def _add_fault(registry: Registry, request: Request) -> dict[str, Any]:
    document = _document(request)
    kind = document.pop("kind", "fail")
    allowed = _KINDS.get(kind) if isinstance(kind, str) else None
    if allowed is None:
        raise _Refused(400, f"kind must be one of {', '.join(_KINDS)}, not {kind!r}")
    unknown = sorted(set(document) - set(allowed))
    if unknown:
        raise _Refused(400, f"{kind} takes no {', '.join(unknown)}")
    arrange: Callable[..., Any] = getattr(registry.faults, kind)
    try:
        fault = arrange(**document)
    except (TypeError, ValueError) as error:
        raise _Refused(400, str(error)) from None
    return {"fault": fault.describe()}


def _clear_faults(registry: Registry, request: Request) -> dict[str, Any]:
    registry.faults.clear()
    return {"faults": []}


def _calls(registry: Registry, request: Request) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name, values in request.query.items():
        if name not in ("operation", "service", "stream", "error", "ok", "account", "region"):
            raise _Refused(400, f"calls cannot be filtered by {name!r}")
        value: Any = values[-1]
        if name == "ok":
            if value not in ("true", "false"):
                raise _Refused(400, "ok is true or false")
            value = value == "true"
        filters[name] = value
    return {"calls": [call.describe() for call in registry.journal.calls(**filters)]}


def _clear_calls(registry: Registry, request: Request) -> dict[str, Any]:
    registry.journal.clear()
    return {"calls": []}


def _clock(registry: Registry, request: Request) -> dict[str, Any]:
    return {"now": clock.now()}


def _advance(registry: Registry, request: Request) -> dict[str, Any]:
    document = _document(request)
    if set(document) != {"advance"}:
        raise _Refused(400, 'the clock takes {"advance": seconds}')
    try:
        clock.advance(document["advance"])
    except (TypeError, ValueError) as error:
        raise _Refused(400, str(error)) from None
    return {"now": clock.now()}


def _health(registry: Registry, request: Request) -> dict[str, Any]:
    from .. import __version__

    return {
        "status": "ok",
        "version": __version__,
        "account": registry.settings.default_account(),
    }


def _reset(registry: Registry, request: Request) -> dict[str, Any]:
    document = _document(request)
    unknown = sorted(set(document) - {"account", "region"})
    if unknown:
        raise _Refused(400, f"reset takes account and region, not {', '.join(unknown)}")
    for name, value in document.items():
        if not isinstance(value, str):
            raise _Refused(400, f"{name} is a string")
    if not document:
        registry.reset(registry.settings)
        return {"reset": "all"}
    dropped = registry.forget(document.get("account"), document.get("region"))
    return {"reset": document, "backends": dropped}


def _state(registry: Registry, request: Request) -> dict[str, Any]:
    from ..summary import summarize

    filters: dict[str, str] = {}
    for name, values in request.query.items():
        if name not in ("account", "region"):
            raise _Refused(400, f"the state cannot be filtered by {name!r}")
        filters[name] = values[-1]
    return {"accounts": summarize(registry, filters.get("account"), filters.get("region"))}


_ROUTES: dict[str, dict[str, Callable[[Registry, Request], dict[str, Any]]]] = {
    "health": {"GET": _health},
    "reset": {"POST": _reset},
    "state": {"GET": _state},
    "faults": {"GET": _faults, "POST": _add_fault, "DELETE": _clear_faults},
    "calls": {"GET": _calls, "DELETE": _clear_calls},
    "clock": {"GET": _clock, "POST": _advance},
}


def _document(request: Request) -> dict[str, Any]:
    try:
        document = json.loads(request.body or b"{}")
    except ValueError:
        raise _Refused(400, "the body is not JSON") from None
    if not isinstance(document, dict):
        raise _Refused(400, "the body is a JSON object")
    return document


def _json(status: int, document: dict[str, Any]) -> Response:
    body = json.dumps(document).encode()
    return Response(
        status,
        {"Content-Type": "application/json", "Content-Length": str(len(body))},
        body,
    )

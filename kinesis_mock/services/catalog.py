"""Every mocked service, and the lookups the transports find one by.

Everything but the list itself comes from each service's botocore model: its
service id (botocore's event names), the name its requests are signed for
(SigV4), its endpoint prefix (the host label and botocore's client prefix)
and its ``X-Amz-Target`` prefix. Adding a service is adding it here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..protocol.model import service_spec
from .base import ServiceDefinition
from .kinesis import KINESIS
from .kinesisvideo import KINESIS_VIDEO_SERVICES

# The first listed answers a request to a server that names no service and
# none of whose operations' URIs its path is.
SERVICES: dict[str, ServiceDefinition[Any]] = {
    service.name: service for service in (KINESIS, *KINESIS_VIDEO_SERVICES)
}


@dataclass(frozen=True)
class _Index:
    # Several clients may sign for one name (every Kinesis Video client signs
    # as "kinesisvideo"), in the catalog's order.
    by_signing_name: dict[str, tuple[ServiceDefinition[Any], ...]]
    signing_name_by_endpoint_prefix: dict[str, str]
    signing_name_by_target_prefix: dict[str, str]
    # Every X-Amz-Target of an operation answered in one response (not an
    # event stream), for the server's HTTP/1.1 fast path.
    whole_response_targets: set[str]


@functools.cache
def _index() -> _Index:
    # Built on first use: it loads every service's model.
    index = _Index({}, {}, {}, set())
    for service in SERVICES.values():
        model = service_spec(service.name).model
        signing_name = str(model.signing_name)
        index.by_signing_name[signing_name] = (
            *index.by_signing_name.get(signing_name, ()),
            service,
        )
        index.signing_name_by_endpoint_prefix[str(model.endpoint_prefix)] = signing_name
        target_prefix = model.metadata.get("targetPrefix")
        if target_prefix:
            index.signing_name_by_target_prefix[target_prefix] = signing_name
            spec = service_spec(service.name)
            index.whole_response_targets.update(
                f"{target_prefix}.{name}"
                for name in spec.operation_names
                if not spec.operation(name).has_event_stream_output
            )
    return index


# Each service id botocore has named in an event so far, and its service
# (None: not ours). botocore names its events after the hyphenated service id
# ("before-send.kinesis-video-media.GetMedia"). Filled one id at a time, the
# models loaded in the catalog's order until one matches: a test that calls
# only Kinesis loads no Kinesis Video model.
_by_event_id: dict[str, ServiceDefinition[Any] | None] = {}
_UNSEEN: Any = object()


def service_for_event_id(service_id: str) -> ServiceDefinition[Any] | None:
    """The service of a botocore event's hyphenated service id."""
    found = _by_event_id.get(service_id, _UNSEEN)
    if found is _UNSEEN:
        found = next(
            (
                service
                for service in SERVICES.values()
                if service_spec(service.name).model.service_id.hyphenize() == service_id
            ),
            None,
        )
        _by_event_id[service_id] = found
    return found  # type: ignore[no-any-return]


def signing_name_of(service: ServiceDefinition[Any]) -> str:
    """The name requests to ``service`` are signed for."""
    return str(service_spec(service.name).model.signing_name)


def signing_name_for_endpoint_prefix(prefix: str | None) -> str | None:
    """The signing name of the service whose endpoint prefix (the service
    label of its hosts, botocore's ``endpoint_prefix``) is ``prefix``."""
    return _index().signing_name_by_endpoint_prefix.get(prefix or "")


def signing_name_for_target(target: str) -> str | None:
    """The signing name of the service an ``X-Amz-Target`` header
    (``<target prefix>.<operation>``) is for."""
    prefix, dot, _ = target.partition(".")
    return _index().signing_name_by_target_prefix.get(prefix) if dot else None


def answers_in_one_response(target: str) -> bool:
    """Whether an ``X-Amz-Target`` names an operation of a served service
    that answers in one response (not an event stream)."""
    return target in _index().whole_response_targets


def service_for_path(path: str) -> ServiceDefinition[Any] | None:
    """The first listed service one of whose operations' URIs ``path`` is."""
    return _by_route(tuple(SERVICES.values()), path or "/")


def service_for_signing_name(signing_name: str | None, path: str) -> ServiceDefinition[Any] | None:
    """The service a raw HTTP request is for, from the name it was signed for.

    Where several clients sign for one name (the Kinesis Video clients all
    sign as ``kinesisvideo``), the path (each operation's own URI) tells
    which one; a path that is none of theirs goes to the first listed (the
    control plane, which answers with its unknown-operation error).
    """
    services = _index().by_signing_name.get(signing_name or "")
    if not services:
        return None
    if len(services) == 1:
        return services[0]
    return _by_route(services, path) or services[0]


def _by_route(
    services: tuple[ServiceDefinition[Any], ...], path: str
) -> ServiceDefinition[Any] | None:
    for service in services:
        if any(route.pattern.fullmatch(path) for route in service_spec(service.name).routes):
            return service
    return None

"""Every mocked service, by botocore service name and by botocore service id."""

from __future__ import annotations

from typing import Any

from ..protocol.model import service_spec
from .base import ServiceDefinition
from .kinesis import KINESIS
from .kinesisvideo import KINESIS_VIDEO_SERVICES

# What every Kinesis Video client signs its requests for.
KINESIS_VIDEO_SIGNING_NAME = "kinesisvideo"

SERVICES: dict[str, ServiceDefinition[Any]] = {
    service.name: service for service in (KINESIS, *KINESIS_VIDEO_SERVICES)
}

# botocore names its events after the hyphenated service id
# ("before-send.kinesis-video-media.GetMedia"); map those ids back.
SERVICES_BY_EVENT_ID: dict[str, ServiceDefinition[Any]] = {}


def service_for_event_id(service_id: str) -> ServiceDefinition[Any] | None:
    if not SERVICES_BY_EVENT_ID:
        for service in SERVICES.values():
            model_id = service_spec(service.name).model.service_id.hyphenize()
            SERVICES_BY_EVENT_ID[model_id] = service
    return SERVICES_BY_EVENT_ID.get(service_id)


def service_for_signing_name(signing_name: str | None, path: str) -> ServiceDefinition[Any] | None:
    """The service a raw HTTP request is for, from the name it was signed for.

    The Kinesis Video clients all sign as ``kinesisvideo``; the path (each
    operation's own URI) tells which one.
    """
    if signing_name == "kinesis":
        return KINESIS
    if signing_name == KINESIS_VIDEO_SIGNING_NAME:
        for service in KINESIS_VIDEO_SERVICES:
            spec = service_spec(service.name)
            if any(route.pattern.fullmatch(path) for route in spec.routes):
                return service
    return None

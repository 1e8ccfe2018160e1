"""``requests`` transport: code that signs and sends raw HTTP requests to
Kinesis endpoints is answered through the ``responses`` library.

A request is ours when its SigV4 scope names a mocked service (or, unsigned,
when its host is a Kinesis endpoint); everything else passes through.
"""

from __future__ import annotations

import re
from typing import Any

import responses

from ..protocol.auth import credential_scope
from ..protocol.dispatch import handle
from ..services.base import ServiceDefinition
from ..services.catalog import SERVICES, service_for_signing_name
from .convert import to_request

_KINESIS_HOST = re.compile(
    r"https?://([0-9]{12}\.(control|data)-)?kinesis(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?(:\d+)?/"
)
_METHODS = ("GET", "POST", "PUT", "DELETE")


def _service_for(request: Any) -> ServiceDefinition | None:
    plain = to_request(request.method, request.url, request.headers, request.body)
    scope = credential_scope(plain)
    if scope.service is not None:
        return service_for_signing_name(scope.service, plain.path)
    if _KINESIS_HOST.match(request.url):
        return SERVICES["kinesis"]
    return None


def _matcher(request: Any) -> tuple[bool, str]:
    if _service_for(request) is None:
        return False, "not a mocked Kinesis service"
    return True, ""


def _callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    service = _service_for(request)
    assert service is not None  # the matcher only lets mocked services through
    plain = to_request(request.method, request.url, request.headers, request.body)
    plain.verify_signature = True
    response = handle(service, plain)
    return response.status, response.headers, response.content()


def start() -> responses.RequestsMock:
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for method in _METHODS:
        mock.add_callback(method, re.compile(".*"), callback=_callback, match=[_matcher])
    mock.add_passthru(re.compile(".*"))
    mock.start()
    return mock

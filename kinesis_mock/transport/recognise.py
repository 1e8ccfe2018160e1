"""Which HTTP requests are ours, decided from the method, URL and headers
alone: a request that is not ours is never read (its body may be a stream,
a pipe or a generator that only its real destination may consume).

Every signal counts, so no Kinesis call leaves the process whatever the
client: the SigV4 signing name (Authorization header or presigned query),
the host (every endpoint variant of every partition: FIPS, dual-stack,
account- and resource-specific, VPC endpoints, Kinesis Video data
endpoints), the ``X-Amz-Target`` header, and botocore's endpoint prefix.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..protocol.auth import credential_scope
from ..protocol.model import partition_dns_suffixes
from ..protocol.wire import Request
from ..services.base import ServiceDefinition
from ..services.catalog import (
    service_for_signing_name,
    signing_name_for_endpoint_prefix,
    signing_name_for_target,
)

# host:port of the servers this process runs (kinesis_mock.server.start): a
# client given one as endpoint_url reaches that server, even inside a mock.
LOCAL_SERVERS: set[str] = set()


@dataclass(frozen=True)
class Recognised:
    """A request for a mocked service, and the signing name it must carry
    (the service refuses a credential scoped to another one)."""

    service: ServiceDefinition[Any]
    signing_name: str


@functools.cache
def _suffixes() -> tuple[str, ...]:
    # Longest first, so "amazonaws.com.cn" is tried before "amazonaws.com".
    return tuple(sorted(partition_dns_suffixes(), key=len, reverse=True))


def _endpoint_labels(host: str) -> list[str] | None:
    """The labels of an AWS endpoint host before its partition's DNS suffix
    (and a VPC endpoint's ``vpce``), or ``None`` for any other host."""
    host = host.lower().rstrip(".")
    for suffix in _suffixes():
        if host.endswith("." + suffix):
            labels = host[: -len(suffix) - 1].split(".")
            break
    else:
        return None
    if labels[-1:] == ["vpce"]:
        labels.pop()
    return labels


def signing_name_for_any_aws_host(host: str) -> str | None:
    """The service label of any AWS endpoint host (``sqs``, ``s3``...)."""
    labels = _endpoint_labels(host)
    if not labels:
        return None
    return labels[-2] if len(labels) >= 2 else labels[-1]


def signing_name_for_host(host: str) -> str | None:
    """The signing name of the mocked service ``host`` is an endpoint of.

    Endpoint hosts end ``<service label>.<region>.[vpce.]<partition suffix>``;
    the label is the service's endpoint prefix with variants around it
    (``kinesis``, ``kinesis-fips``, ``data-kinesis``, ``control-kinesis-fips``,
    ``kinesisvideo``...) and any labels before it (an account id, a VPC
    endpoint id, a Kinesis Video data endpoint's id).
    """
    labels = _endpoint_labels(host)
    if labels is None or len(labels) < 2:
        return None
    tokens = labels[-2].split("-")  # labels[-1] is the region
    names = (signing_name_for_endpoint_prefix(token) for token in tokens)
    return next((name for name in names if name is not None), None)


def recognise(
    url: str, headers: Mapping[str, Any], endpoint_prefix: str | None = None
) -> Recognised | None:
    """The mocked service a request is for, or ``None`` when it is not ours."""
    parts = urlsplit(url)
    if LOCAL_SERVERS and parts.netloc in LOCAL_SERVERS:
        return None
    # Only what the signals need: the headers as they are, the query string
    # parsed only when it may hold a presigned credential; never the body.
    query = parse_qs(parts.query) if "X-Amz-Credential" in parts.query else {}
    probe = Request("", parts.path or "/", headers, b"", query)
    return recognise_request(probe, parts.hostname or "", endpoint_prefix)


def _signals(request: Request, host: str, endpoint_prefix: str | None) -> Iterator[str | None]:
    """The signing names a request's signals give, each read only when the
    ones before named none of ours (a signed request usually ends at the first)."""
    yield credential_scope(request).service
    yield signing_name_for_host(host)
    yield signing_name_for_target(request.header("X-Amz-Target") or "")
    yield signing_name_for_endpoint_prefix(endpoint_prefix)


def recognise_request(
    request: Request, host: str = "", endpoint_prefix: str | None = None
) -> Recognised | None:
    """The mocked service ``request`` is for, from its signals: the name it
    was signed for, its ``host``, its ``X-Amz-Target``, the client's
    ``endpoint_prefix``; ``None`` when none names one of ours."""
    for name in _signals(request, host, endpoint_prefix):
        if name is None:
            continue
        service = service_for_signing_name(name, request.path)
        if service is not None:
            return Recognised(service, name)
    return None

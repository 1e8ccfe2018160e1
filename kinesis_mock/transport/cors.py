"""CORS, so that the browser SDKs can call the server from a page.

A request with an ``Origin`` gets ``Access-Control-Allow-Origin: *`` and the
response headers the SDKs read exposed to it; an ``OPTIONS`` preflight with
an ``Origin`` is answered 200 here, before any signature check, as the
service's front end answers it (recorded by kinesalite's
test/connection.js): the method and headers asked for are allowed, for two
days.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

# What the SDKs read from a response: the request ids, the error type and
# message (rest-json errors may name them only there), Date (their clock-skew
# correction), and the Content-Type GetMedia and GetClip return (safelisted,
# as Content-Length is, in today's browsers; listed for older ones).
EXPOSED_HEADERS = ", ".join(
    (
        "x-amzn-RequestId",
        "x-amzn-ErrorType",
        "x-amzn-ErrorMessage",
        "x-amz-request-id",
        "x-amz-id-2",
        "Content-Length",
        "Content-Type",
        "Date",
        "ETag",
    )
)
ALLOWED_METHODS = "GET, POST, PUT, DELETE, HEAD, OPTIONS"
MAX_AGE_SECONDS = 172800


def response_headers(request_headers: Mapping[str, str]) -> dict[str, str]:
    """The CORS headers of the answer to a request (none without an
    ``Origin``). ``request_headers`` has lower-case names."""
    if "origin" not in request_headers:
        return {}
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": EXPOSED_HEADERS,
    }


def preflight_headers(method: str, request_headers: Mapping[str, str]) -> dict[str, str] | None:
    """The headers of the answer to a CORS preflight (an empty 200), or None
    when the request is not one. ``request_headers`` has lower-case names."""
    if method != "OPTIONS" or "origin" not in request_headers:
        return None
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": request_headers.get(
            "access-control-request-method", ALLOWED_METHODS
        ),
        "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
        "x-amzn-RequestId": str(uuid.uuid4()),
        "Content-Length": "0",
    }
    asked = request_headers.get("access-control-request-headers")
    if asked is not None:
        headers["Access-Control-Allow-Headers"] = asked
    return headers

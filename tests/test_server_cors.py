"""CORS over raw HTTP, as a browser SDK meets the server: a preflight
answered without a signature, and every answer to a page's request readable
by it."""

from __future__ import annotations

import re
from typing import Any

import requests
from test_server import signed_headers

ORIGIN = "http://localhost:3000"
EXPOSED = (
    "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-request-id, "
    "x-amz-id-2, Content-Length, Content-Type, Date, ETag"
)
# What the browser build of the JavaScript SDK v3 asks to send.
SDK_HEADERS = (
    "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,"
    "x-amz-date,x-amz-target,x-amz-user-agent"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _cors(response: requests.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def test_a_preflight_allows_the_method_and_headers_asked_for(kinesis_server: Any) -> None:
    response = requests.options(
        kinesis_server.endpoint_url + "/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": SDK_HEADERS,
        },
        timeout=5,
    )
    assert response.status_code == 200
    assert response.content == b""
    assert _cors(response) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": SDK_HEADERS,
        "Access-Control-Max-Age": "172800",
    }
    assert response.headers["Content-Length"] == "0"
    assert UUID.fullmatch(response.headers["x-amzn-RequestId"])


def test_a_preflight_without_a_method_allows_them_all(kinesis_server: Any) -> None:
    # Kinesis Video's paths are answered alike.
    response = requests.options(
        kinesis_server.endpoint_url + "/getMedia", headers={"Origin": ORIGIN}, timeout=5
    )
    assert response.status_code == 200
    assert _cors(response) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, HEAD, OPTIONS",
        "Access-Control-Max-Age": "172800",
    }


def test_options_without_an_origin_is_no_preflight(kinesis_server: Any) -> None:
    response = requests.options(kinesis_server.endpoint_url + "/", timeout=5)
    assert response.status_code == 403
    assert b"MissingAuthenticationTokenException" in response.content
    assert _cors(response) == {}


def test_answers_to_a_page_are_readable_by_it(kinesis_server: Any) -> None:
    url = kinesis_server.endpoint_url + "/"
    expected = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSED}

    def post(target: str, body: bytes) -> requests.Response:
        headers = {**signed_headers(url, target, body), "Origin": ORIGIN}
        return requests.post(url, data=body, headers=headers, timeout=5)

    listed = post("ListStreams", b"{}")
    assert listed.status_code == 200
    assert _cors(listed) == expected

    missing = post("DescribeStream", b'{"StreamName": "missing"}')
    assert missing.status_code == 400
    assert missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert _cors(missing) == expected

    refused = requests.get(url, headers={"Origin": ORIGIN}, timeout=5)
    assert refused.status_code == 403
    assert _cors(refused) == expected


def test_without_an_origin_there_are_no_cors_headers(kinesis_server: Any) -> None:
    url = kinesis_server.endpoint_url + "/"
    response = requests.post(
        url, data=b"{}", headers=signed_headers(url, "ListStreams", b"{}"), timeout=5
    )
    assert response.status_code == 200
    assert _cors(response) == {}


def test_a_preflight_over_http2() -> None:
    import ssl

    import httpx

    from kinesis_mock import server

    with (
        server.start(port=0, tls=True) as handle,
        httpx.Client(
            http2=True, verify=ssl.create_default_context(cafile=handle.certfile)
        ) as client,
    ):
        response = client.options(
            handle.endpoint_url + "/",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
        )
    assert response.http_version == "HTTP/2"
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "POST"
    assert response.headers["access-control-max-age"] == "172800"

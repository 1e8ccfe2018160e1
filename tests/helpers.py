"""Small helpers the tests share."""

from __future__ import annotations

from typing import Any

import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def signed_request(
    body: str | bytes,
    target: str | None,
    *,
    region: str = REGION,
    access_key: str = "AKIDEXAMPLE",
    url: str | None = None,
    content_type: str = "application/x-amz-json-1.1",
    service: str = "kinesis",
) -> Any:
    """POST ``body`` to Kinesis with ``requests``, SigV4-signed as an SDK would."""
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = url or f"https://kinesis.{region}.amazonaws.com/"
    headers = {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = f"Kinesis_20131202.{target}"
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(access_key, "secret"), service, region).add_auth(request)
    return requests.post(url, data=body, headers=dict(request.headers.items()), timeout=5)

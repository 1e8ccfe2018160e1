"""Credentials and configuration while a mock is active.

boto3 must be able to sign without any set-up, and the user's real
credentials and config files must never be used for a mocked call. While the
outermost mock is active the credential chain is pointed at fake values and
empty files; on exit everything is put back as it was.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from botocore.credentials import Credentials

# DEFAULT_REGION is re-exported: pytest_plugin.py imports it from here.
from .protocol.auth import DEFAULT_REGION as DEFAULT_REGION
from .protocol.auth import is_account_key

FAKE_ACCESS_KEY_ID = "KINESISMOCKACCESSKEY"
FAKE_SECRET_ACCESS_KEY = "kinesis-mock-secret-access-key"

# Everything in the environment that can lead botocore to real credentials.
_REMOVED = (
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CREDENTIAL_EXPIRATION",
)


class FakeEnvironment:
    """Swap in fake credentials; :meth:`restore` undoes exactly what it changed."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}
        self._session: Any = None
        self._session_credentials: Any = None
        # boto3's default session when the mock started (None if there was none).
        self._default_session: Any = None

    def _set(self, key: str, value: str | None) -> None:
        if key not in self._saved:
            self._saved[key] = os.environ.get(key)
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

    def apply(self) -> None:
        access_key = os.environ.get("AWS_ACCESS_KEY_ID")
        # A 12-digit access key only picks a mock account: it is no secret.
        if is_account_key(access_key):
            self._set("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY") or "x")
        else:
            self._set("AWS_ACCESS_KEY_ID", FAKE_ACCESS_KEY_ID)
            self._set("AWS_SECRET_ACCESS_KEY", FAKE_SECRET_ACCESS_KEY)
        for key in _REMOVED:
            self._set(key, None)
        self._set("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        self._set("AWS_CONFIG_FILE", os.devnull)
        self._set("AWS_EC2_METADATA_DISABLED", "true")
        if not os.environ.get("AWS_DEFAULT_REGION"):
            # botocore reads only AWS_DEFAULT_REGION; AWS_REGION (what Lambda
            # and the other SDKs set) names the region the user means.
            self._set("AWS_DEFAULT_REGION", os.environ.get("AWS_REGION") or DEFAULT_REGION)
        self._forget_default_session_credentials()

    def _forget_default_session_credentials(self) -> None:
        # boto3's default session caches the credentials it resolved; clients
        # made under the mock get the fake ones (the same the environment now
        # holds) instead. The session itself is kept: recreating it would
        # reload the service models.
        boto3 = sys.modules.get("boto3")
        session = getattr(boto3, "DEFAULT_SESSION", None)
        self._default_session = session
        if session is None:
            return
        core = session._session
        self._session = core
        self._session_credentials = core._credentials
        core._credentials = Credentials(
            os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
        )

    def restore(self) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved.clear()
        boto3 = sys.modules.get("boto3")
        if (
            boto3 is not None
            and getattr(boto3, "DEFAULT_SESSION", None) is not self._default_session
        ):
            # Made under the mock, it holds the fake credentials and the
            # config read from empty files: code after the mock gets the
            # session it had before (or a fresh one from the real config).
            setattr(boto3, "DEFAULT_SESSION", self._default_session)  # noqa: B010
        self._default_session = None
        if self._session is not None:
            self._session._credentials = self._session_credentials
            self._session = None
            self._session_credentials = None

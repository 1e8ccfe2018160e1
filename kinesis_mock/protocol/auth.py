"""Who is calling and where: read from the request's SigV4 credential scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

from .errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
)
from .wire import Request

# The region of a call whose credential scope names none, and the one the
# in-process mock gives boto3 when nothing configures a region.
DEFAULT_REGION = "us-east-1"


def is_account_key(access_key: str | None) -> TypeGuard[str]:
    """A 12-digit access key id picks a mock account (it is no secret)."""
    return access_key is not None and len(access_key) == 12 and access_key.isdigit()


@dataclass(frozen=True)
class CredentialScope:
    access_key: str | None
    region: str | None
    service: str | None


_NO_SCOPE = CredentialScope(None, None, None)
# The service's message for a request that carries no signature at all.
MISSING_TOKEN = "Missing Authentication Token"


def parse_credential(text: str | None) -> CredentialScope:
    """The scope in ``Credential=<key>/<date>/<region>/<service>/aws4_request``
    (an Authorization header, or ``Credential=`` and a presigned URL's value).

    Read with string operations, in time linear in the text, however long
    and odd a header a client sends.
    """
    if not text:
        return _NO_SCOPE
    start = text.find("Credential=")
    if start < 0:
        return _NO_SCOPE
    credential = text[start + len("Credential=") :].split(",", 1)[0]
    # A client signs call after call with the same scope: read it once.
    found = _SCOPES.get(credential)
    if found is None:
        found = _read_scope(credential)
        if len(_SCOPES) >= _SCOPES_KEPT:
            _SCOPES.clear()
        _SCOPES[credential] = found
    return found


# The scopes read lately, by the text they were read from.
_SCOPES: dict[str, CredentialScope] = {}
_SCOPES_KEPT = 256


def _read_scope(credential: str) -> CredentialScope:
    parts = credential.strip().split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return _NO_SCOPE
    key, date, region, service, _ = parts
    if not key or not (len(date) == 8 and date.isdigit()) or not region or not service:
        return _NO_SCOPE
    return CredentialScope(key, region, service)


def credential_scope(request: Request) -> CredentialScope:
    """The access key, region and signing name the request was signed with
    (read once per request)."""
    found: CredentialScope | None = request._scope
    if found is None:
        text = request.header("Authorization")
        if text is None:
            presigned = request.query.get("X-Amz-Credential")
            text = f"Credential={presigned[0]}" if presigned else None
        found = request._scope = parse_credential(text)
    return found


def account_for_access_key(access_key: str | None, default: str) -> str:
    """A 12-digit access key id acts as that account; any other, as ``default``."""
    return access_key if is_account_key(access_key) else default


# What a presigned (query-string) SigV4 request must carry, in the order the
# service names the missing ones.
_QUERY_PARAMETERS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)


# The Authorization header SDKs send: the three parameters, each once, in
# this order, with values (the general reading below takes any order).
_WELL_FORMED = re.compile(
    r"AWS4-HMAC-SHA256 Credential=[^\s,=]+[^\s,]*, ?SignedHeaders=[^\s,=]+, ?Signature=[^\s,=]+"
)


def check_signature(request: Request) -> None:
    """Refuse an unsigned or malformed SigV4 request as the service does.

    The mock does not check the signature itself (it has no secret keys);
    it checks that one is there, in the form SigV4 requires. A request is
    presigned when its query string has ``X-Amz-Algorithm`` (even empty);
    the texts are those kinesalite's test/connection.js recorded.
    """
    header = request.header("Authorization")
    presigned = "X-Amz-Algorithm" in request.query
    if header is not None and presigned:
        raise InvalidSignatureException(
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' "
            "as HTTP header."
        )
    if header is None and not presigned:
        raise MissingAuthenticationTokenException(MISSING_TOKEN)
    if header is None:
        missing = [
            f"AWS query-string parameters must include '{name}'."
            for name in _QUERY_PARAMETERS
            if not any(request.query.get(name, ()))
        ]
        if missing:
            raise IncompleteSignatureException(
                " ".join([*missing, "Re-examine the query-string parameters."])
            )
        _check_scope(request)
        return
    if _WELL_FORMED.fullmatch(header) and (
        request.header("X-Amz-Date") is not None or request.header("Date") is not None
    ):
        _check_scope(request)  # what every SDK sends: nothing more to look at
        return
    # ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``:
    # the parameters after the algorithm, split at commas and spaces.
    given: dict[str, str] = {}
    for part in header.replace(",", " ").split()[1:]:
        key, _, value = part.partition("=")
        given[key] = value
    problems = [
        f"Authorization header requires '{part}' parameter."
        for part in ("Credential", "Signature", "SignedHeaders")
        if not given.get(part)
    ]
    if request.header("X-Amz-Date") is None and request.header("Date") is None:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if not header.startswith("AWS4-HMAC-SHA256 ") or problems:
        raise IncompleteSignatureException(" ".join([*problems, f"Authorization={header}"]))
    _check_scope(request)


def _check_scope(request: Request) -> None:
    expected = request.signing_name
    signed_for = credential_scope(request).service
    if expected is not None and signed_for is not None and signed_for != expected:
        # The service's own text, trailing space included.
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{expected}'. "
        )

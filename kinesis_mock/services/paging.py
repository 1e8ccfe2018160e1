"""NextTokens and pages of listings.

Every listing's NextToken is made here: sealed (``tokens.py``: opaque,
tamper-evident), scoped to the listing that issued it (and, through the
scope, to its account, region or resource), and good for
``NEXT_TOKEN_LIFETIME`` seconds of clock time. :func:`issue_token` makes
one, :func:`open_token` opens one with the service's errors.
:func:`page_of` pages a listing whose order does not change between calls
by offset."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .. import clock
from ..protocol.errors import ExpiredNextTokenException, InvalidArgumentException
from .base import Params
from .tokens import seal, unseal

PAGE_LIMIT = 100
NEXT_TOKEN_LIFETIME = 300.0
# What most listings answer to an expired token.
TOKEN_EXPIRED = "The pagination token passed to the operation is expired."


def issue_token(scope: str, state: dict[str, Any]) -> str:
    """A NextToken carrying ``state`` (what the next page starts from) that
    only the listing ``scope`` opens, and only for ``NEXT_TOKEN_LIFETIME``
    seconds from now."""
    return seal({"s": scope, "t": clock.now(), "v": state})


def open_token(token: str, scope: str, *, expired: str = TOKEN_EXPIRED) -> dict[str, Any]:
    """The state a NextToken of ``scope`` carries. A token the mock did not
    issue, one changed since, or one of another scope is refused with
    InvalidArgumentException ``Invalid NextToken: <token>``; one older than
    ``NEXT_TOKEN_LIFETIME`` with ExpiredNextTokenException ``expired``."""
    payload = unseal(token)
    if payload is None or payload.get("s") != scope or not isinstance(payload.get("v"), dict):
        raise InvalidArgumentException(f"Invalid NextToken: {token}")
    if clock.now() - float(payload["t"]) > NEXT_TOKEN_LIFETIME:
        raise ExpiredNextTokenException(expired)
    state: dict[str, Any] = payload["v"]
    return state


def page_of(
    req: Params,
    scope: str,
    items: Sequence[Any],
    key: str,
    render: Callable[[Any], dict[str, Any]],
    *,
    default: int = PAGE_LIMIT,
    most: int = PAGE_LIMIT,
) -> dict[str, Any]:
    """One page of ``items`` under ``key``, from ``MaxResults`` (``default``
    when absent, at most ``most``) and ``NextToken``; a token is good only for
    the listing (``scope``) that issued it."""
    offset = 0
    token = req.get("NextToken")
    if token is not None:
        offset = int(open_token(token, f"page:{scope}")["offset"])
    limit = min(req.get("MaxResults", default), most)
    result: dict[str, Any] = {key: [render(item) for item in items[offset : offset + limit]]}
    if offset + limit < len(items):
        result["NextToken"] = issue_token(f"page:{scope}", {"offset": offset + limit})
    return result

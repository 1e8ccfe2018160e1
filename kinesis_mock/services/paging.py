"""Offset pages with opaque NextTokens that expire after 300 seconds of clock
time, for listings whose order does not change between calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .. import clock
from ..protocol.errors import ExpiredNextTokenException, InvalidArgumentException
from .base import Params
from .tokens import seal, unseal

PAGE_LIMIT = 100
NEXT_TOKEN_LIFETIME = 300.0


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
        payload = unseal(token)
        if payload is None or payload.get("k") != "page" or payload.get("s") != scope:
            raise InvalidArgumentException(f"Invalid NextToken: {token}")
        if clock.now() - float(payload["t"]) > NEXT_TOKEN_LIFETIME:
            raise ExpiredNextTokenException(
                "The pagination token passed to the operation is expired."
            )
        offset = int(payload["o"])
    limit = min(req.get("MaxResults", default), most)
    result: dict[str, Any] = {key: [render(item) for item in items[offset : offset + limit]]}
    if offset + limit < len(items):
        result["NextToken"] = seal({"k": "page", "s": scope, "o": offset + limit, "t": clock.now()})
    return result

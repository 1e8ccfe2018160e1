"""NextTokens of every Kinesis listing: one helper (services/paging.py)
issues and opens them; each listing keeps the service's texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from helpers import error_of

EXPIRED = "The pagination token passed to the operation is expired."


def _two_pages(kinesis: Any) -> dict[str, Callable[..., dict[str, Any]]]:
    """Each listing, as a call taking NextToken (and, given none, asking for one item)."""
    for name in ("a", "b"):
        kinesis.create_stream(StreamName=name, ShardCount=2)
    arn = kinesis.describe_stream_summary(StreamName="a")["StreamDescriptionSummary"]["StreamARN"]
    for consumer in ("c1", "c2"):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=consumer)
    return {
        "ListStreams": lambda **kw: kinesis.list_streams(**(kw or {"Limit": 1})),
        "ListShards": lambda **kw: kinesis.list_shards(
            **(kw or {"StreamName": "a", "MaxResults": 1})
        ),
        "ListStreamConsumers": lambda **kw: kinesis.list_stream_consumers(
            StreamARN=arn, **(kw or {"MaxResults": 1})
        ),
    }


@pytest.mark.parametrize(
    ("listing", "expired"),
    [
        ("ListStreams", "The NextToken has expired: {token}"),
        ("ListShards", EXPIRED),
        ("ListStreamConsumers", EXPIRED),
    ],
)
def test_a_token_expires_after_300_seconds_with_the_listings_text(
    kinesis: Any, listing: str, expired: str
) -> None:
    with freeze_time("2026-01-01") as frozen:
        call = _two_pages(kinesis)[listing]
        token = call()["NextToken"]
        frozen.tick(300)
        assert call(NextToken=token)  # still good at 300 s
        frozen.tick(1)
        with pytest.raises(ClientError) as excinfo:
            call(NextToken=token)
    assert error_of(excinfo)[:2] == ("ExpiredNextTokenException", expired.format(token=token))


@pytest.mark.parametrize("issuer", ["ListStreams", "ListShards", "ListStreamConsumers"])
@pytest.mark.parametrize("reader", ["ListStreams", "ListShards", "ListStreamConsumers"])
def test_a_token_opens_only_for_the_listing_that_issued_it(
    kinesis: Any, issuer: str, reader: str
) -> None:
    calls = _two_pages(kinesis)
    token = calls[issuer]()["NextToken"]
    if issuer == reader:
        assert calls[reader](NextToken=token)
        return
    with pytest.raises(ClientError) as excinfo:
        calls[reader](NextToken=token)
    assert error_of(excinfo)[:2] == ("InvalidArgumentException", f"Invalid NextToken: {token}")


@pytest.mark.parametrize("listing", ["ListStreams", "ListShards", "ListStreamConsumers"])
def test_a_changed_token_is_invalid(kinesis: Any, listing: str) -> None:
    call = _two_pages(kinesis)[listing]
    token = call()["NextToken"]
    changed = ("B" if token[0] == "A" else "A") + token[1:]
    with pytest.raises(ClientError) as excinfo:
        call(NextToken=changed)
    assert error_of(excinfo)[:2] == ("InvalidArgumentException", f"Invalid NextToken: {changed}")

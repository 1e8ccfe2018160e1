"""Every operation of every mocked model, fed generated documents through the
mocked transport (signed raw requests, so the body parser runs too): no
answer is a 5xx, nothing escapes as an exception, and a stream's stored
record reads back unchanged at the end.

Documents are built from each operation's input shape, mostly well formed
(realistic names, so handlers run, not only the validator) with mutations:
wrong types, nulls, huge strings, lone surrogates, NaN, deep nesting, unknown
members; some are random JSON or random bytes. Kinesis requests go as JSON
and as CBOR. The examples are derandomized, so CI sees the same ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.model import Shape
from freezegun import freeze_time
from helpers import ACCOUNT, REGION, Sentinel, signed_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinesis_mock import KinesisMock
from kinesis_mock.protocol.model import ServiceSpec, service_spec
from kinesis_mock.services.catalog import SERVICES

cbor2 = pytest.importorskip("cbor2")

EXAMPLES_PER_OPERATION = 16
OPERATIONS = [
    (name, operation) for name in SERVICES for operation in service_spec(name).operation_names
]

HUGE = ("arn:aws" + ":kinesis:123456789012:stream/" * 3_500)[:100_000] + " "
# Stand-ins for what json.dumps cannot write, spliced into the body as
# (JSON text, CBOR value): nesting deeper than any reader walks (and past
# cbor2's own limit of 400), and a number of 5,000 digits.
DEEP = "\x00deep\x00"
BIGNUM = "\x00bignum\x00"


def _nested(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


SPLICED = {
    DEEP: ("[" * 20_000 + "]" * 20_000, _nested(500)),
    BIGNUM: ("9" * 5_000, 10**5_000),
}

# Names that exist (besides the sentinel, which nothing here names), so that
# handlers get past their lookups: by what a member's name says it holds.
PLAY = "play"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{PLAY}"
# The Kinesis Video resources are made at this instant, so their ARNs are known.
MADE_AT = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
MADE_MS = int(MADE_AT.timestamp() * 1000)
VIDEO_ARN = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam/{MADE_MS}"
CHANNEL_ARN = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/chan/{MADE_MS}"
HINTS = {
    "StreamName": [PLAY, "cam"],
    "ShardId": ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"],
    "StreamARN": [STREAM_ARN, VIDEO_ARN],
    "ResourceARN": [STREAM_ARN, VIDEO_ARN, CHANNEL_ARN],
    # Names no consumer: a live subscription would wait for records.
    "ConsumerARN": [f"{STREAM_ARN}/consumer/c:1700000000"],
    "ChannelARN": [CHANNEL_ARN],
    "ChannelName": ["chan"],
    "ConsumerName": ["c"],
    "SequenceNumber": ["49590338271490256608559692538361571095921575989136588898", "0"],
    "HashKey": [
        "0",
        "170141183460469231731687303715884105727",
        "340282366920938463463374607431768211456",
    ],
    "PartitionKey": ["p"],
    "Policy": ['{"Version":"2012-10-17","Statement":[]}', "[]", "{"],
    "MediaType": ["video/h264"],
    "FragmentNumber": ["91343852333181432392682062607743920146264743990"],
    "Fragments": ["91343852333181432392682062607743920146264743990"],
}
VOCABULARY = sorted({value for values in HINTS.values() for value in values})
ODD_STRINGS = [HUGE, "\ud800", "a\udfffb", "", " ", "\x00", "é" * 3, DEEP, BIGNUM]
ODD_VALUES = [
    None,
    True,
    0,
    -1,
    2**64,
    1.5,
    float("nan"),
    float("inf"),
    "",
    "x",
    [],
    {},
    [None],
    {"a": None},
    DEEP,
    BIGNUM,
]
TIMESTAMPS = [
    MADE_AT.timestamp() + 1,
    0,
    -0.5,
    1_700_000_000.5,
    253402300799.999,
    "2024-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-12:00",
]
ODD_TIMESTAMPS = [1e20, -1e20, "9999999999999999", "x", float("nan")]
BLOBS = ["", "AA==", "aGVsbG8=", "QUJD" * 1000]
ODD_BLOBS = ["A===", "not base64", "AB"]

_json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
ANY_JSON = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


class _Values:
    """Values for shapes. Typed ones have each member's wire type (with odd
    strings, numbers and sizes still), so they reach the handlers; mutated
    ones break a member's type one time in four."""

    def __init__(self, mutated: bool) -> None:
        self.mutated = mutated

    def _maybe(self, good: st.SearchStrategy[Any], odd: list[Any]) -> st.SearchStrategy[Any]:
        if self.mutated:
            return st.one_of(good, good, good, st.sampled_from([*odd, *ODD_VALUES]))
        return good

    def strings(self, shape: Shape, name: str, key: bool = False) -> st.SearchStrategy[Any]:
        good = list(shape.enum) or next(
            (values for hint, values in HINTS.items() if hint in name), VOCABULARY
        )
        likely = st.sampled_from(good)
        strings = st.one_of(*[likely] * 6, st.text(max_size=10), st.sampled_from([HUGE, ""]))
        if key:  # JSON keys are text
            return st.one_of(strings, st.sampled_from(ODD_STRINGS)) if self.mutated else strings
        return self._maybe(strings, ODD_STRINGS)

    def of(self, shape: Shape, name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        meta = shape.metadata
        if kind == "structure":
            if depth > 8:  # no model nests this deep; a guard against recursion
                return st.just({})
            members = {m: self.of(member, m, depth + 1) for m, member in shape.members.items()}
            required = {m: members[m] for m in shape.required_members}
            optional = {m: s for m, s in members.items() if m not in required}
            known = st.fixed_dictionaries(required, optional=optional)
            if self.mutated:
                unknown = st.dictionaries(st.text(max_size=6), ANY_JSON, max_size=2)
                known = st.builds(lambda a, b: {**b, **a}, known, unknown)
            return self._maybe(known, [])
        if kind == "list":
            return self._maybe(st.lists(self.of(shape.member, name, depth + 1), max_size=3), [])
        if kind == "map":
            entries = st.dictionaries(
                self.strings(shape.key, "Key", key=True),
                self.of(shape.value, "Value", depth + 1),
                max_size=3,
            )
            return self._maybe(entries, [])
        if kind == "string":
            return self.strings(shape, name)
        if kind in ("integer", "long"):
            low, high = meta.get("min", 0), meta.get("max", 10_000)
            near = st.integers(low, min(high, low + 20))
            edges = st.sampled_from([low - 1, high, high + 1, 2**31, 2**63, -(10**30)])
            return self._maybe(st.one_of(near, near, edges), [])
        if kind == "boolean":
            return self._maybe(st.booleans(), [])
        if kind == "blob":
            return self._maybe(st.sampled_from(BLOBS), ODD_BLOBS)
        if kind == "timestamp":
            return self._maybe(st.sampled_from(TIMESTAMPS), ODD_TIMESTAMPS)
        return st.sampled_from(ODD_VALUES)


TYPED = _Values(mutated=False)
MUTATED = _Values(mutated=True)


def _json_body(document: Any) -> bytes:
    text = json.dumps(document)  # NaN and Infinity as the literals
    for stand_in, (spliced, _) in SPLICED.items():
        text = text.replace(json.dumps(stand_in), spliced)
    return text.encode("utf-8", "surrogatepass")


def _for_cbor(value: Any) -> Any:
    """CBOR carries no lone surrogates: such text goes as the bytes it would
    encode to (a type mismatch of its own)."""
    if isinstance(value, str):
        if value in SPLICED:
            return SPLICED[value][1]
        try:
            value.encode()
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass")
        return value
    if isinstance(value, dict):
        return {_cbor_key(key): _for_cbor(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_for_cbor(item) for item in value]
    return value


def _cbor_key(key: str) -> Any:
    return key if key in SPLICED else _for_cbor(key)


def _cbor_body(document: Any) -> bytes:
    encoded: bytes = cbor2.dumps(_for_cbor(document))
    return encoded


CBOR = "application/x-amz-cbor-1.1"


def _bodies(spec: ServiceSpec, operation: str) -> st.SearchStrategy[tuple[str, bytes]]:
    """(content type, body) pairs for one operation."""
    shape = spec.operation(operation).input_shape
    typed = TYPED.of(shape) if shape is not None else st.just({})
    mutated = MUTATED.of(shape) if shape is not None else st.just({})
    json_type = _content_type(spec)
    bodies = [
        typed.map(lambda d: (json_type, _json_body(d))),
        typed.map(lambda d: (json_type, _json_body(d))),
        mutated.map(lambda d: (json_type, _json_body(d))),
        ANY_JSON.map(lambda d: (json_type, _json_body(d))),
        st.binary(max_size=30).map(lambda b: (json_type, b)),
    ]
    if spec.protocol == "json":
        bodies.append(typed.map(lambda d: (CBOR, _cbor_body(d))))
        bodies.append(mutated.map(lambda d: (CBOR, _cbor_body(d))))
    return st.one_of(bodies)


def _content_type(spec: ServiceSpec) -> str:
    if spec.protocol == "json":
        return f"application/x-amz-json-{spec.model.metadata['jsonVersion']}"
    return "application/json"


def _sender(
    service: str, operation: str, session: requests.Session | None = None
) -> Callable[[str, bytes], Any]:
    spec = service_spec(service)
    if spec.protocol == "json":
        return lambda content_type, body: signed_request(
            body, operation, content_type=content_type, session=session
        )
    uri = spec.operation(operation).http["requestUri"]
    url = f"https://{spec.model.endpoint_prefix}.{REGION}.amazonaws.com{uri}"
    return lambda content_type, body: signed_request(
        body, None, url=url, service="kinesisvideo", content_type=content_type, session=session
    )


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """One ``requests`` session for a test's many requests: the same
    signed requests, without a session made (and the environment read for
    proxies and .netrc) for each."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def playground(kinesis_mock: KinesisMock, kinesis: Any) -> Sentinel:
    """The sentinel, and resources the generated names point at."""
    sentinel = Sentinel(kinesis)
    kinesis.create_stream(StreamName=PLAY, ShardCount=2)
    kinesis.put_record(StreamName=PLAY, Data=b"p", PartitionKey="p")
    with freeze_time(MADE_AT):
        video = boto3.client("kinesisvideo", region_name=REGION)
        video.create_stream(StreamName="cam", DataRetentionInHours=24)
        video.create_signaling_channel(ChannelName="chan")
        for second in range(3):
            kinesis_mock.put_media(
                "cam", b"fragment", server_timestamp=MADE_AT.timestamp() + second
            )
    return sentinel


def _assert_answered(response: Any, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code, response.content[:500])


def _fuzz(service: str, operation: str, session: requests.Session) -> None:
    spec = service_spec(service)
    send = _sender(service, operation, session)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,  # the same examples on every run
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],  # a busy CI machine is no failure
    )
    @given(case=_bodies(spec, operation))
    def answers(case: tuple[str, bytes]) -> None:
        content_type, body = case
        # An exception the engine lets escape fails the test as well.
        _assert_answered(send(content_type, body), f"{service} {operation}")

    answers()


# The operations in four groups, each a test of its own (with its own
# playground and sentinel), so that pytest-xdist spreads them over workers
# instead of one worker running a single long test. Round robin, so each
# group mixes the services; every operation is still in one of them.
GROUPS = 4


@pytest.mark.parametrize("group", range(GROUPS))
def test_every_operation_answers_generated_documents_below_500(
    playground: Sentinel, session: requests.Session, group: int
) -> None:
    for service, operation in OPERATIONS[group::GROUPS]:
        _fuzz(service, operation, session)
    playground.assert_intact()


def test_the_groups_hold_every_operation_once() -> None:
    grouped = [op for group in range(GROUPS) for op in OPERATIONS[group::GROUPS]]
    assert sorted(grouped) == sorted(OPERATIONS) and len(set(grouped)) == len(grouped)


def _huge_strings(shape: Shape, depth: int = 0) -> Any:
    """A document setting every string member, at any depth, to 100,000
    characters (map keys too); other members get a plain valid value."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 8:
            return {}
        return {name: _huge_strings(m, depth + 1) for name, m in shape.members.items()}
    if kind == "list":
        return [_huge_strings(shape.member, depth + 1)]
    if kind == "map":
        return {HUGE: _huge_strings(shape.value, depth + 1)}
    return {"string": HUGE, "blob": "AA==", "boolean": True, "timestamp": 0}.get(
        kind, shape.metadata.get("min", 1)
    )


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
def test_every_string_member_takes_100000_characters(
    kinesis_mock: Any, session: requests.Session, service: str, operation: str
) -> None:
    spec = service_spec(service)
    shape = spec.operation(operation).input_shape
    document = _huge_strings(shape) if shape is not None else {}
    send = _sender(service, operation, session)
    _assert_answered(send(_content_type(spec), _json_body(document)), operation)
    if spec.protocol == "json":
        _assert_answered(send(CBOR, _cbor_body(document)), operation)

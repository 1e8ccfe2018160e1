"""The data plane's fast paths give what the general ones do (issue 16)."""

from __future__ import annotations

import os
import uuid

import pytest

from kinesis_mock.protocol.auth import parse_credential
from kinesis_mock.protocol.codecs import amz_id_2, request_id
from kinesis_mock.services.kinesis.records import ShardLog

ARRIVAL_MS = 1_700_000_123_456


def test_a_batch_is_numbered_as_records_one_by_one() -> None:
    batch, single = ShardLog(1_700_000_000, 3), ShardLog(1_700_000_000, 3)
    single.append(b"first", "k", ARRIVAL_MS)
    batch.append(b"first", "k", ARRIVAL_MS)
    numbers = batch.extend([b"x"] * 300, [f"k{i}" for i in range(300)], ARRIVAL_MS)
    assert numbers == [single.append(b"x", f"k{i}", ARRIVAL_MS) for i in range(300)]


def test_a_page_leaves_out_only_an_unshown_encryption_type() -> None:
    log = ShardLog(1_700_000_000, 0)
    log.extend([b"a", b"b"], ["k", ""], ARRIVAL_MS)
    (first, second), _ = log.page(1, 10, 1 << 20)
    (whole, _), _ = log.read(1, 10, 1 << 20)
    assert first == {key: value for key, value in whole.items() if key != "EncryptionType"}
    assert whole["EncryptionType"] is None
    assert second["PartitionKey"] is None  # stored without a key
    log.set_encryption("KMS")
    log.append(b"c", "k", ARRIVAL_MS)
    mixed, _ = log.page(1, 10, 1 << 20)
    assert [record.get("EncryptionType") for record in mixed] == [None, None, "KMS"]
    assert mixed == log.read(1, 10, 1 << 20)[0]
    assert log.page(3, 10, 1 << 20)[0][0]["EncryptionType"] == "KMS"


def test_records_with_equal_partition_keys_read_back_equal() -> None:
    log = ShardLog(1_700_000_000, 0)
    keys = ["".join(["same", "key"]) for _ in range(3)]
    log.extend([b"a", b"b"], keys[:2], ARRIVAL_MS)
    log.append(b"c", keys[2], ARRIVAL_MS)
    records, _ = log.read(1, 10, 1 << 20)
    assert [record["PartitionKey"] for record in records] == ["samekey"] * 3


def test_request_ids_are_fresh_version_4_uuids() -> None:
    ids = {request_id() for _ in range(1000)}
    assert len(ids) == 1000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_draws_request_ids_of_its_own() -> None:
    # Ids are a per-process random part and a counter: a child forked after
    # the parent answered (a server in a multiprocessing worker) must not
    # repeat the parent's next ids.
    request_id()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write_end, f"{request_id()} {amz_id_2()}".encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        child_id, child_id_2 = answer.read().split()
    os.waitpid(child, 0)
    assert child_id != request_id()
    assert child_id[:24] != request_id()[:24]
    assert child_id_2[:80] != amz_id_2()[:80]


def test_amz_id_2_is_72_random_bytes_in_base64() -> None:
    values = {amz_id_2() for _ in range(100)}
    assert len(values) == 100
    assert {len(value) for value in values} == {96}


def test_a_credential_scope_read_twice_is_the_same() -> None:
    header = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/eu-west-1/kinesis/aws4_request, "
        "SignedHeaders=host, Signature=abc"
    )
    first, again = parse_credential(header), parse_credential(header)
    assert first == again
    assert (first.access_key, first.region, first.service) == (
        "AKIDEXAMPLE",
        "eu-west-1",
        "kinesis",
    )
    assert parse_credential("Credential=AKID/2026/eu-west-1/kinesis/aws4_request").region is None


@pytest.mark.parametrize(
    "arrivals",
    [
        [ARRIVAL_MS, ARRIVAL_MS + 1, ARRIVAL_MS + 500],  # within one second
        [ARRIVAL_MS, ARRIVAL_MS + 600, ARRIVAL_MS + 1200],  # across a second's end
        [ARRIVAL_MS + 1200, ARRIVAL_MS],  # a clock moved back (freezegun)
    ],
)
def test_a_page_numbers_its_records_as_one_by_one(arrivals: list[int]) -> None:
    log = ShardLog(1_700_000_000, 2)
    for n, arrival in enumerate(arrivals):
        log.append(f"r{n}".encode(), "k", arrival)
    records, _ = log.read(1, 10, 1 << 20)
    assert [record["SequenceNumber"] for record in records] == [
        log.sequence_number(index, arrival) for index, arrival in enumerate(arrivals, start=1)
    ]
    assert [record["ApproximateArrivalTimestamp"] for record in records] == [
        arrival / 1000 for arrival in arrivals
    ]

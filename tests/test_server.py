"""The same engine over HTTP: boto3 with endpoint_url, and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import boto3
import pytest
import requests


def client_for(server: Any, access_key: str = "AKIDEXAMPLE", **options: Any) -> Any:
    """A Kinesis client of ``server`` (trusting its certificate, if any)."""
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key="secret",
        verify=server.certfile or True,
        **options,
    )


def signed_headers(
    url: str,
    target: str,
    body: bytes,
    content_type: str = "application/x-amz-json-1.1",
    access_key: str = "AKIDEXAMPLE",
) -> dict[str, str]:
    """The headers of a Kinesis request SigV4-signed as an SDK would, for
    HTTP clients other than ``requests`` (see helpers.signed_request)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    headers = {"Content-Type": content_type, "X-Amz-Target": f"Kinesis_20131202.{target}"}
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(access_key, "secret"), "kinesis", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_streams_records_and_errors_over_http(kinesis_server: Any) -> None:
    client = client_for(kinesis_server)
    client.create_stream(StreamName="s", ShardCount=1)
    put = client.put_record(StreamName="s", Data=b"over http", PartitionKey="k")
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["Data"] for r in client.get_records(ShardIterator=iterator)["Records"]] == [
        b"over http"
    ]
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.describe_stream(StreamName="missing")
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]


def test_subscribe_to_shard_streams_over_http(kinesis_server: Any) -> None:
    client = client_for(kinesis_server)
    client.create_stream(StreamName="s", ShardCount=1)
    arn = client.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    consumer = client.register_stream_consumer(StreamARN=arn, ConsumerName="app")["Consumer"][
        "ConsumerARN"
    ]
    for i in range(3):
        client.put_record(StreamName="s", Data=f"r{i}".encode(), PartitionKey="k")
    events = client.subscribe_to_shard(
        ConsumerARN=consumer,
        ShardId="shardId-000000000000",
        StartingPosition={"Type": "TRIM_HORIZON"},
    )["EventStream"]
    data = [r["Data"] for e in events for r in e["SubscribeToShardEvent"]["Records"]]
    assert data == [b"r0", b"r1", b"r2"]


def test_accounts_through_one_server(kinesis_server: Any) -> None:
    client_for(kinesis_server, "111122223333").create_stream(StreamName="theirs", ShardCount=1)
    assert client_for(kinesis_server).list_streams()["StreamNames"] == []
    assert client_for(kinesis_server, "111122223333").list_streams()["StreamNames"] == ["theirs"]


def test_unknown_target_over_http(kinesis_server: Any) -> None:
    response = requests.post(
        kinesis_server.endpoint_url,
        data="{}",
        headers={
            "X-Amz-Target": "Kinesis_20131202.Nope",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {"__type": "UnknownOperationException"}


def test_command_line_server(tmp_path: Any) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kinesis_mock", "serve", "--port", "0", "--stream", "boot:2"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("kinesis-mock serving on http://127.0.0.1:")
        endpoint = line.rsplit(" ", 1)[1].strip()
        client = boto3.client(
            "kinesis",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="a",
            aws_secret_access_key="b",
        )
        summary = client.describe_stream_summary(StreamName="boot")["StreamDescriptionSummary"]
        assert summary["OpenShardCount"] == 2
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unsigned_and_malformed_signatures_are_refused(kinesis_server: Any) -> None:
    headers = {
        "X-Amz-Target": "Kinesis_20131202.ListStreams",
        "Content-Type": "application/x-amz-json-1.1",
    }
    unsigned = requests.post(kinesis_server.endpoint_url, data="{}", headers=headers, timeout=5)
    assert unsigned.status_code == 400
    assert unsigned.json() == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Missing Authentication Token",
    }
    malformed = requests.post(
        kinesis_server.endpoint_url,
        data="{}",
        headers={**headers, "Authorization": "AWS4-HMAC-SHA256 nonsense"},
        timeout=5,
    )
    assert malformed.status_code == 400
    body = malformed.json()
    assert body["__type"] == "IncompleteSignatureException"
    assert body["message"].startswith("Authorization header requires 'Credential' parameter.")


def _signed_post(server: Any, target: str, body: bytes) -> Any:
    from helpers import signed_request

    return signed_request(body, target, url=server.endpoint_url + "/")


def test_bad_input_never_takes_the_server_down(kinesis_server: Any) -> None:
    import socket

    client = client_for(kinesis_server)
    client.create_stream(StreamName="s", ShardCount=1)
    client.put_record(StreamName="s", Data=b"kept", PartitionKey="k")

    invalid_utf8 = _signed_post(kinesis_server, "ListStreams", b'{"Limit": "\xff\xfe"}')
    assert invalid_utf8.status_code == 400
    assert invalid_utf8.json()["__type"] == "SerializationException"

    # A body over the service's 10 MiB record limit.
    import base64
    import json

    huge = json.dumps(
        {
            "StreamName": "s",
            "PartitionKey": "k",
            "Data": base64.b64encode(b"x" * (10 * 1024 * 1024 + 1)).decode(),
        }
    ).encode()
    too_big = _signed_post(kinesis_server, "PutRecord", huge)
    assert too_big.status_code == 400
    assert too_big.json()["__type"] == "ValidationException"

    # A client that promises a body and goes away.
    host, port = kinesis_server.host, kinesis_server.port
    with socket.create_connection((host, port)) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            b'X-Amz-Target: Kinesis_20131202.ListStreams\r\n\r\n{"Lim'
        )
    # Still serving, and nothing stored was lost.
    iterator = client.get_shard_iterator(
        StreamName="s", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["Data"] for r in client.get_records(ShardIterator=iterator)["Records"]] == [b"kept"]


def test_concurrent_writers_and_readers_over_http(kinesis_server: Any) -> None:
    import threading

    setup = client_for(kinesis_server)
    setup.create_stream(StreamName="load", ShardCount=4)
    shards = [s["ShardId"] for s in setup.list_shards(StreamName="load")["Shards"]]
    # 8 concurrent writers, 800 records (with a reader polling all along):
    # each writer's calls overlap the others' from its first request to its
    # last, so the server interleaves them as much as 16 x 500 did; losing,
    # duplicating or reordering a record shows in any number of them, and
    # two batches a writer still mix PutRecords into PutRecord.
    writers, per_writer, batch = 8, 100, 25
    errors: list[BaseException] = []
    done = threading.Event()

    def write(worker: int) -> None:
        client = client_for(kinesis_server)
        try:
            for i in range(per_writer // 2):  # half one by one ...
                client.put_record(
                    StreamName="load", Data=f"{worker}:{i}".encode(), PartitionKey=f"w{worker}"
                )
            for start in range(per_writer // 2, per_writer, batch):  # ... half in batches
                client.put_records(
                    StreamName="load",
                    Records=[
                        {"Data": f"{worker}:{i}".encode(), "PartitionKey": f"w{worker}"}
                        for i in range(start, start + batch)
                    ],
                )
        except BaseException as error:  # reported below
            errors.append(error)

    def read_while_writing() -> None:
        client = client_for(kinesis_server)
        iterators = {
            shard: client.get_shard_iterator(
                StreamName="load", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for shard in shards
        }
        while not done.is_set():
            for shard, iterator in iterators.items():
                iterators[shard] = client.get_records(ShardIterator=iterator)["NextShardIterator"]

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    assert errors == []

    seen: dict[str, list[int]] = {}
    for shard in shards:
        iterator = setup.get_shard_iterator(
            StreamName="load", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        numbers: list[int] = []
        while True:
            page = setup.get_records(ShardIterator=iterator)
            if not page["Records"]:
                break
            for record in page["Records"]:
                numbers.append(int(record["SequenceNumber"]))
                worker, index = record["Data"].decode().split(":")
                seen.setdefault(worker, []).append(int(index))
            iterator = page["NextShardIterator"]
        assert numbers == sorted(numbers)
    # Every record exactly once, each writer's records in the order written.
    assert {w: v for w, v in seen.items()} == {
        str(w): list(range(per_writer)) for w in range(writers)
    }


def _cbor_call(server: Any, target: str, document: dict[str, Any]) -> tuple[int, Any, str]:
    import cbor2

    body = cbor2.dumps(document)
    url = server.endpoint_url + "/"
    headers = signed_headers(url, target, body, "application/x-amz-cbor-1.1", "AKID")
    response = requests.post(url, data=body, headers=headers, timeout=5)
    content = cbor2.loads(response.content) if response.content else None
    return response.status_code, content, response.headers["Content-Type"]


def test_cbor_requests_get_cbor_answers(kinesis_server: Any) -> None:
    from datetime import datetime

    status, _, content_type = _cbor_call(
        kinesis_server, "CreateStream", {"StreamName": "c", "ShardCount": 1}
    )
    assert (status, content_type) == (200, "application/x-amz-cbor-1.1")
    status, put, _ = _cbor_call(
        kinesis_server,
        "PutRecord",
        {"StreamName": "c", "Data": b"\x00binary\xff", "PartitionKey": "k"},
    )
    assert status == 200 and put["ShardId"] == "shardId-000000000000"
    _, iterator, _ = _cbor_call(
        kinesis_server,
        "GetShardIterator",
        {"StreamName": "c", "ShardId": put["ShardId"], "ShardIteratorType": "TRIM_HORIZON"},
    )
    _, page, _ = _cbor_call(
        kinesis_server, "GetRecords", {"ShardIterator": iterator["ShardIterator"]}
    )
    record = page["Records"][0]
    assert record["Data"] == b"\x00binary\xff"  # a byte string, not base64
    assert isinstance(record["ApproximateArrivalTimestamp"], datetime)  # CBOR tag 1
    assert record["SequenceNumber"] == put["SequenceNumber"]
    status, error, _ = _cbor_call(kinesis_server, "DescribeStream", {"StreamName": "missing"})
    assert status == 400
    assert error["__type"] == "ResourceNotFoundException"


def test_tls_with_a_self_signed_certificate() -> None:
    from kinesis_mock import server

    with server.start(port=0, tls=True) as handle:
        assert handle.endpoint_url.startswith("https://127.0.0.1:")
        client = client_for(handle)
        client.create_stream(StreamName="secure", ShardCount=1)
        assert client.list_streams()["StreamNames"] == ["secure"]
    # The client's pooled TLS connection is still open: stop() cut it rather
    # than wait for asyncio's 30 s SSL close, and the server thread ended.
    assert not handle._thread.is_alive()


def test_the_aws_cli_end_to_end(kinesis_server: Any, tmp_path: Any) -> None:
    import base64
    import json
    import shutil

    aws = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI (awscli, a dev extra) is not installed")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "cli",
        "AWS_SECRET_ACCESS_KEY": "cli",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }

    def cli(*arguments: str) -> Any:
        output = subprocess.run(
            [aws, "--endpoint-url", kinesis_server.endpoint_url, "kinesis", *arguments],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return json.loads(output) if output.strip() else None

    # The CLI writes a record and reads it back (its blob coming in as text
    # and going out in base64, JSON both ways); the calls between, plain
    # JSON like these, go through boto3: each CLI run costs a second.
    client = client_for(kinesis_server, "cli")
    client.create_stream(StreamName="cli", ShardCount=1)
    put = cli(
        "put-record", "--stream-name", "cli", "--partition-key", "k", "--data", "from the CLI"
    )
    iterator = client.get_shard_iterator(
        StreamName="cli", ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    client.close()
    records = cli("get-records", "--shard-iterator", iterator)["Records"]
    assert [base64.b64decode(r["Data"]) for r in records] == [b"from the CLI"]


def test_unroutable_requests_are_answered_as_the_service_does(kinesis_server: Any) -> None:
    url = kinesis_server.endpoint_url + "/"
    target = {"X-Amz-Target": "Kinesis_20131202.ListStreams"}
    get = requests.get(url, timeout=5)
    assert get.status_code == 403
    assert get.text == (
        "<MissingAuthenticationTokenException>\n  <Message>Missing Authentication Token"
        "</Message>\n</MissingAuthenticationTokenException>\n"
    )
    # A body of another type naming an operation: 404 in XML; the legacy
    # application/json type: the Coral envelope, 404 and no message key
    # (kinesalite's test/connection.js recorded both from AWS; the mock used
    # to answer 403 AccessDenied and a 200 envelope with "message": null).
    wrong_type = requests.post(
        url,
        data="{}",
        headers={**target, "Content-Type": "text/plain", "Authorization": "AWS4-HMAC-SHA256 x"},
        timeout=5,
    )
    assert (wrong_type.status_code, wrong_type.text) == (404, "<UnknownOperationException/>\n")
    legacy = requests.post(
        url, data="{}", headers={**target, "Content-Type": "application/json"}, timeout=5
    )
    assert legacy.status_code == 404
    assert legacy.json() == {
        "Output": {"__type": "com.amazon.coral.service#UnknownOperationException"},
        "Version": "1.0",
    }


def test_subscribe_to_shard_over_http2() -> None:
    import json
    import ssl

    import httpx
    from botocore.eventstream import EventStreamBuffer

    from kinesis_mock import server

    with server.start(port=0, tls=True) as handle:
        setup = client_for(handle)
        setup.create_stream(StreamName="h2", ShardCount=1)
        arn = setup.describe_stream_summary(StreamName="h2")["StreamDescriptionSummary"][
            "StreamARN"
        ]
        consumer = setup.register_stream_consumer(StreamARN=arn, ConsumerName="c")["Consumer"][
            "ConsumerARN"
        ]
        setup.put_record(StreamName="h2", Data=b"over h2", PartitionKey="k")

        body = json.dumps(
            {
                "ConsumerARN": consumer,
                "ShardId": "shardId-000000000000",
                "StartingPosition": {"Type": "TRIM_HORIZON"},
            }
        ).encode()
        url = handle.endpoint_url + "/"
        headers = signed_headers(url, "SubscribeToShard", body)
        with (
            httpx.Client(
                http2=True, verify=ssl.create_default_context(cafile=handle.certfile)
            ) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            assert response.http_version == "HTTP/2"
            assert response.headers["content-type"] == "application/vnd.amazon.eventstream"
            buffer = EventStreamBuffer()
            for chunk in response.iter_bytes():
                buffer.add_data(chunk)
            messages = list(buffer)
    assert messages[0].headers[":event-type"] == "initial-response"
    event = json.loads(messages[1].payload)
    assert messages[1].headers[":event-type"] == "SubscribeToShardEvent"
    assert [r["PartitionKey"] for r in event["Records"]] == ["k"]


def test_bodies_beyond_what_the_front_end_reads_get_413(kinesis_server: Any) -> None:
    from kinesis_mock.transport.server import MAX_BODY

    response = requests.post(
        kinesis_server.endpoint_url + "/",
        data=b"{" + b" " * MAX_BODY + b"}",
        headers={
            "X-Amz-Target": "Kinesis_20131202.ListStreams",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=30,
    )
    assert response.status_code == 413
    # Still serving.
    assert client_for(kinesis_server).list_streams()["StreamNames"] == []


def test_kinesis_video_media_over_http(kinesis_server: Any) -> None:
    # Fragments added through the server's state handle are served by it;
    # the media payload streams back as the body.
    def client(service: str) -> Any:
        return boto3.client(
            service,
            region_name="us-east-1",
            endpoint_url=kinesis_server.endpoint_url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
        )

    video = client("kinesisvideo")
    video.create_stream(StreamName="cam", DataRetentionInHours=1)
    number = kinesis_server.state.put_media(
        "cam", b"\x1a\x45\xdf\xa3" + b"\x00" * 100_000, region="us-east-1"
    )
    media = client("kinesis-video-media").get_media(
        StreamName="cam", StartSelector={"StartSelectorType": "EARLIEST"}
    )
    assert media["ContentType"] == "video/webm"
    assert media["Payload"].read() == b"\x1a\x45\xdf\xa3" + b"\x00" * 100_000
    fragments = client("kinesis-video-archived-media").list_fragments(StreamName="cam")
    assert [f["FragmentNumber"] for f in fragments["Fragments"]] == [number]


def test_stop_says_so_when_the_server_thread_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from kinesis_mock import server

    handle = server.start(port=0)
    real = handle._thread
    release = threading.Event()
    stuck = threading.Thread(target=release.wait, daemon=True)
    stuck.start()
    monkeypatch.setattr(server, "_GRACE_SECONDS", 0.01)
    monkeypatch.setattr(server, "_ABORT_SECONDS", 0.01)
    handle._thread = stuck
    try:
        with pytest.raises(server.ServerStopError, match="did not stop within"):
            handle.stop()
    finally:
        release.set()
        stuck.join()
        handle._thread = real
        real.join(timeout=10)
        handle.stop()
    assert not real.is_alive()

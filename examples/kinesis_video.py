"""Kinesis Video under the mock: create a stream, add media fragments as a
producer would, then read them back the ways a consumer does.

Run it with:  python examples/kinesis_video.py
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3

from kinesis_mock import mock_kinesis


def main() -> None:
    with mock_kinesis() as km:
        video = boto3.client("kinesisvideo", region_name="us-east-1")
        video.create_stream(StreamName="front-door", DataRetentionInHours=24)

        # What a camera's PutMedia would leave behind: three 2-second fragments.
        start = datetime.now(timezone.utc) - timedelta(seconds=10)
        for n in range(3):
            km.put_media(
                "front-door",
                f"<mkv cluster {n}>".encode(),
                server_timestamp=start + timedelta(seconds=2 * n),
            )

        def client_for(api: str, service: str) -> Any:
            endpoint = video.get_data_endpoint(StreamName="front-door", APIName=api)
            return boto3.client(
                service, region_name="us-east-1", endpoint_url=endpoint["DataEndpoint"]
            )

        archived = client_for("LIST_FRAGMENTS", "kinesis-video-archived-media")
        for fragment in archived.list_fragments(StreamName="front-door")["Fragments"]:
            print(
                fragment["FragmentNumber"],
                fragment["ServerTimestamp"],
                fragment["FragmentSizeInBytes"],
            )

        media = client_for("GET_MEDIA", "kinesis-video-media")
        payload = media.get_media(
            StreamName="front-door", StartSelector={"StartSelectorType": "EARLIEST"}
        )["Payload"].read()
        print("GetMedia:", payload)

        images = archived.get_images(
            StreamName="front-door",
            ImageSelectorType="SERVER_TIMESTAMP",
            StartTimestamp=start,
            EndTimestamp=start + timedelta(seconds=8),
            SamplingInterval=2000,
            Format="JPEG",
        )["Images"]
        print("GetImages:", [("image" if "ImageContent" in i else i["Error"]) for i in images])


if __name__ == "__main__":
    main()

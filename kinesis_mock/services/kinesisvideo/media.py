"""The Kinesis Video media data plane: GetMedia (kinesis-video-media) and the
archived-media reads (ListFragments, GetMediaForFragmentList, GetClip,
GetImages; the HLS and DASH sessions are in :mod:`.sessions`) over the
fragments a test adds through the mock handle (``KinesisMock.put_media``).

Fragments are opaque bytes: reads return them as stored, concatenated in
order (the service would wrap them in MKV, or remux them to MP4 for GetClip),
and GetImages answers placeholder stills of the requested size and format."""

from __future__ import annotations

import base64
import bisect
from typing import Any

from ...protocol.errors import InvalidArgumentException, NoFragmentsInRange
from ..base import Params
from ..paging import page_of
from .backend import KinesisVideoBackend
from .fragments import Fragment, epoch_ms
from .images import grey_jpeg, grey_png
from .service import KINESIS_VIDEO_ARCHIVED_MEDIA, KINESIS_VIDEO_MEDIA

# GetImages: at most 300 seconds per request, 25 images a page by default,
# one every 3 seconds by default and at most every 200 milliseconds.
IMAGES_RANGE_SECONDS = 300
IMAGES_PAGE = 25
DEFAULT_SAMPLING_MS = 3000
MIN_SAMPLING_MS = 200
# GetClip: a clip spans at most 24 hours.
CLIP_RANGE_HOURS = 24


def _payload(fragments: list[Fragment], content_type: str) -> dict[str, Any]:
    return {"ContentType": content_type, "Payload": b"".join(f.payload for f in fragments)}


@KINESIS_VIDEO_MEDIA.operation("GetMedia")
def get_media(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    selector: dict[str, Any] = req["StartSelector"]
    kind: str = selector["StartSelectorType"]
    log = stream.media
    if kind == "EARLIEST":
        start = log.from_server_ms(stream.oldest_retained_ms())
    elif kind == "NOW":
        start = len(log.fragments)  # only media that arrives later
    elif kind in ("FRAGMENT_NUMBER", "CONTINUATION_TOKEN"):
        field = "AfterFragmentNumber" if kind == "FRAGMENT_NUMBER" else "ContinuationToken"
        number = selector.get(field)
        if number is None:
            raise InvalidArgumentException(f"{field} must be specified for {kind}.")
        start = log.position(stream.fragment(number))
        # A continuation token names the last fragment read: resume after it.
        if kind == "CONTINUATION_TOKEN":
            start += 1
    else:
        moment = selector.get("StartTimestamp")
        if moment is None:
            raise InvalidArgumentException(f"StartTimestamp must be specified for {kind}.")
        if kind == "SERVER_TIMESTAMP":
            start = log.from_server_ms(epoch_ms(moment))
        else:
            start = log.from_producer_ms(epoch_ms(moment))
    return _payload(log.fragments[start:], "video/webm")


@KINESIS_VIDEO_ARCHIVED_MEDIA.operation("ListFragments")
def list_fragments(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    selector = req.get("FragmentSelector")
    if selector is None:
        fragments = stream.retained()
    else:
        span = selector["TimestampRange"]
        fragments = stream.in_range(
            selector["FragmentSelectorType"],
            epoch_ms(span["StartTimestamp"]),
            epoch_ms(span["EndTimestamp"]),
        )
    return page_of(
        req,
        f"kvs-fragments:{stream.arn}:{req.get('FragmentSelector')!r}",
        fragments,
        "Fragments",
        Fragment.view,
        default=1000,
        most=1000,
    )


@KINESIS_VIDEO_ARCHIVED_MEDIA.operation("GetMediaForFragmentList")
def get_media_for_fragment_list(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    return _payload([stream.fragment(number) for number in req["Fragments"]], "video/webm")


@KINESIS_VIDEO_ARCHIVED_MEDIA.operation("GetClip")
def get_clip(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    stream.require_retention()
    selector = req["ClipFragmentSelector"]
    start_ms = epoch_ms(selector["TimestampRange"]["StartTimestamp"])
    end_ms = epoch_ms(selector["TimestampRange"]["EndTimestamp"])
    if end_ms <= start_ms or end_ms - start_ms > CLIP_RANGE_HOURS * 3600 * 1000:
        raise InvalidArgumentException(
            "The clip's EndTimestamp must be after its StartTimestamp, "
            f"at most {CLIP_RANGE_HOURS} hours later."
        )
    fragments = stream.in_range(selector["FragmentSelectorType"], start_ms, end_ms)
    if not fragments:
        raise NoFragmentsInRange()
    return _payload(fragments, "video/mp4")


def _size(req: Params) -> tuple[int, int]:
    # Without the source's resolution the mock assumes 1280x720, keeping
    # its 16:9 aspect when only one side is given.
    width: int | None = req.get("WidthPixels")
    height: int | None = req.get("HeightPixels")
    if height is not None:
        return (width or max(1, round(height * 16 / 9))), height
    if width is not None:
        return width, max(1, round(width * 9 / 16))
    return 1280, 720


@KINESIS_VIDEO_ARCHIVED_MEDIA.operation("GetImages")
def get_images(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    stream.require_retention()
    start_ms, end_ms = epoch_ms(req["StartTimestamp"]), epoch_ms(req["EndTimestamp"])
    if end_ms < start_ms or end_ms - start_ms > IMAGES_RANGE_SECONDS * 1000:
        raise InvalidArgumentException(
            f"The EndTimestamp must be at most {IMAGES_RANGE_SECONDS} seconds after the "
            "StartTimestamp."
        )
    interval = req.get("SamplingInterval", DEFAULT_SAMPLING_MS)
    if interval < MIN_SAMPLING_MS:
        raise InvalidArgumentException(
            f"The SamplingInterval must be at least {MIN_SAMPLING_MS} milliseconds."
        )
    by_producer = req["ImageSelectorType"] == "PRODUCER_TIMESTAMP"
    log = stream.media
    # Only fragments that can cover the window: those beginning at most the
    # longest fragment's length before it, found by bisection.
    fragments = stream.in_range(req["ImageSelectorType"], start_ms - log.longest_ms, end_ms)
    begins = [f.producer_ms if by_producer else f.server_ms for f in fragments]
    width, height = _size(req)
    encode = grey_png if req["Format"] == "PNG" else grey_jpeg
    image = base64.b64encode(encode(width, height)).decode("ascii")

    def covered(moment_ms: int) -> bool:
        # Media exists at a moment when a fragment begins at or before it and
        # lasts past it; walk back only over fragments that could still last.
        at = bisect.bisect_right(begins, moment_ms) - 1
        while at >= 0 and begins[at] + log.longest_ms > moment_ms:
            if moment_ms < begins[at] + max(fragments[at].duration_ms, 1):
                return True
            at -= 1
        return False

    def render(moment_ms: int) -> dict[str, Any]:
        if covered(moment_ms):
            return {"TimeStamp": moment_ms / 1000, "ImageContent": image}
        return {"TimeStamp": moment_ms / 1000, "Error": "NO_MEDIA"}

    moments = range(start_ms, end_ms + 1, interval)
    return page_of(
        req,
        f"kvs-images:{stream.arn}:{start_ms}:{end_ms}:{interval}",
        moments,
        "Images",
        render,
        default=IMAGES_PAGE,
        most=100,
    )

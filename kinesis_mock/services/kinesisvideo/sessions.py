"""HLS and DASH streaming sessions: GetHLSStreamingSessionURL and
GetDASHStreamingSessionURL, and what a media player then reads through the
session URL (playlists, the manifest, initialization and media fragments).

A session remembers the request that opened it and lists, each time it is
read, the fragments that request selects now: a LIVE playlist follows new
fragments, ON_DEMAND lists its range, LIVE_REPLAY adds fragments as playing
time reaches them. Media fragments are the bytes ``KinesisMock.put_media``
stored (the service would remux them to fMP4 or MPEG-TS) and the
initialization fragment is empty: the mock has no codec data to put there.
"""

from __future__ import annotations

import base64
import functools
import math
import secrets
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from ... import clock
from ...protocol.errors import (
    FragmentNotFound,
    InvalidArgumentException,
    NoFragmentsInRange,
    SessionTokenInvalid,
    VideoResourceNotFound,
)
from ..base import Params
from .backend import KinesisVideoBackend, PlaybackSession
from .endpoints import https_endpoint
from .fragments import Fragment, epoch_ms, now_ms
from .service import KINESIS_VIDEO_ARCHIVED_MEDIA

# LIVE sessions need a fragment this recent (AWS: "within the last 30 seconds").
LIVE_WINDOW_MS = 30_000
DEFAULT_EXPIRES_SECONDS = 300
# Fragments per playlist by default: the newest five live, the oldest 1,000 on demand.
LIVE_FRAGMENTS = 5
ON_DEMAND_FRAGMENTS = 1000
# ON_DISCONTINUITY marks gaps or overlaps longer than this.
DISCONTINUITY_MS = 50

_SELECTOR = {"HLS": "HLSFragmentSelector", "DASH": "DASHFragmentSelector"}
_LIMIT = {"HLS": "MaxMediaPlaylistFragmentResults", "DASH": "MaxManifestFragmentResults"}
_ENTRY = {"HLS": "hls/v1/getHLSMasterPlaylist.m3u8", "DASH": "dash/v1/getDASHManifest.mpd"}


def _open_session(backend: KinesisVideoBackend, req: Params, protocol: str) -> str:
    """Checks the request, stores its session and returns the session URL."""
    stream = backend.find_stream(req)
    stream.require_retention()
    now = clock.now()
    session = PlaybackSession(protocol, stream, dict(req), round(now * 1000))
    mode = session.mode
    span = (req.get(_SELECTOR[protocol]) or {}).get("TimestampRange") or {}
    if mode == "LIVE" and span:
        raise InvalidArgumentException("TimestampRange must not be set in LIVE playback mode.")
    if mode != "LIVE" and (
        "StartTimestamp" not in span or (mode == "ON_DEMAND" and "EndTimestamp" not in span)
    ):
        raise InvalidArgumentException(
            f"{mode} playback needs a TimestampRange with a StartTimestamp"
            + (" and an EndTimestamp." if mode == "ON_DEMAND" else ".")
        )
    if not _playing(session)[0]:
        raise NoFragmentsInRange()
    token = _new_token(backend.account, backend.region)
    backend.sessions[token] = session
    expires = now + req.get("Expires", DEFAULT_EXPIRES_SECONDS)
    backend.later(expires, functools.partial(_expire, backend.sessions, token))
    return f"{https_endpoint(backend, 'b-')}/{_ENTRY[protocol]}?SessionToken={token}"


def _expire(sessions: dict[str, PlaybackSession], token: str, _due: float) -> None:
    del sessions[token]


@KINESIS_VIDEO_ARCHIVED_MEDIA.operation("GetHLSStreamingSessionURL")
def get_hls_streaming_session_url(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"HLSStreamingSessionURL": _open_session(backend, req, "HLS")}


@KINESIS_VIDEO_ARCHIVED_MEDIA.operation("GetDASHStreamingSessionURL")
def get_dash_streaming_session_url(backend: KinesisVideoBackend, req: Params) -> dict[str, Any]:
    return {"DASHStreamingSessionURL": _open_session(backend, req, "DASH")}


# A session token names the account and region, so that a player's unsigned
# GET finds the session's state; the rest is random, like AWS's.


def _new_token(account: str, region: str) -> str:
    home = f"{account}:{region}:".encode()
    return base64.urlsafe_b64encode(home + secrets.token_bytes(36)).decode().rstrip("=")


def session_home(token: str) -> tuple[str, str] | None:
    """The (account, region) whose state holds a session, from its token."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        account, region, _ = raw.split(b":", 2)
        return account.decode("ascii"), region.decode("ascii")
    except ValueError:  # not base64, too few parts, not ASCII
        return None


def _selector_kind(session: PlaybackSession) -> str:
    selector = session.params.get(_SELECTOR[session.protocol]) or {}
    kind: str = selector.get("FragmentSelectorType", "SERVER_TIMESTAMP")
    return kind


def _begins(session: PlaybackSession, fragment: Fragment) -> int:
    """When a fragment begins, by the session's kind of timestamp."""
    if _selector_kind(session) == "PRODUCER_TIMESTAMP":
        return fragment.producer_ms
    return fragment.server_ms


def _span(session: PlaybackSession) -> tuple[int, int]:
    """The [start, end] milliseconds a LIVE_REPLAY or ON_DEMAND session plays."""
    selector = session.params.get(_SELECTOR[session.protocol]) or {}
    span = selector["TimestampRange"]
    end = span.get("EndTimestamp")
    return epoch_ms(span["StartTimestamp"]), (epoch_ms(end) if end is not None else now_ms())


def _playing(session: PlaybackSession) -> tuple[list[Fragment], int]:
    """The fragments a playlist read now lists, and the position of the
    first among all the session has listed (the HLS media sequence)."""
    mode = session.mode
    stream = session.stream
    now = now_ms()
    if mode == "LIVE":
        found = stream.in_range("SERVER_TIMESTAMP", session.created_ms - LIVE_WINDOW_MS, now)
    else:
        found = stream.in_range(_selector_kind(session), *_span(session))
        if mode == "LIVE_REPLAY" and found:
            # Fragments join as the session's playing time reaches them.
            first = _begins(session, found[0])
            elapsed = now - session.created_ms
            found = [f for f in found if _begins(session, f) - first <= elapsed]
    limit = session.params.get(_LIMIT[session.protocol])
    if mode == "ON_DEMAND":
        return found[: limit or ON_DEMAND_FRAGMENTS], 0
    shown = found[-(limit or LIVE_FRAGMENTS) :]
    return shown, len(found) - len(shown)


def _iso(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _bandwidth(fragments: Sequence[Fragment]) -> int:
    """Peak bits per second of the fragments, as a master playlist states it."""
    return max((f.size * 8000 // max(f.duration_ms, 1) for f in fragments), default=0) or 1


def _hls_master(session: PlaybackSession, token: str) -> str:
    fragments, _ = _playing(session)
    return (
        "#EXTM3U\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        f"#EXT-X-STREAM-INF:BANDWIDTH={_bandwidth(fragments)}\n"
        f"getHLSMediaPlaylist.m3u8?SessionToken={token}&TrackNumber=1\n"
    )


def _discontinuity_mode(session: PlaybackSession) -> str:
    default = "NEVER" if _selector_kind(session) == "PRODUCER_TIMESTAMP" else "ALWAYS"
    mode: str = session.params.get("DiscontinuityMode", default)
    return mode


def _hls_media(session: PlaybackSession, token: str) -> str:
    fragments, sequence = _playing(session)
    on_demand = session.mode == "ON_DEMAND"
    ts = session.params.get("ContainerFormat") == "MPEG_TS"
    longest = max((f.duration_ms for f in fragments), default=1000)
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{3 if ts else 7}",
        f"#EXT-X-TARGETDURATION:{max(1, math.ceil(longest / 1000))}",
        f"#EXT-X-MEDIA-SEQUENCE:{sequence}",
    ]
    if on_demand:
        lines.append("#EXT-X-PLAYLIST-TYPE:VOD")
    if not ts:
        lines.append(f'#EXT-X-MAP:URI="getMP4InitFragment.mp4?SessionToken={token}&TrackNumber=1"')
    discontinuities = _discontinuity_mode(session)
    show_time = session.params.get("DisplayFragmentTimestamp") == "ALWAYS"
    previous_end: int | None = None
    for fragment in fragments:
        begins = _begins(session, fragment)
        if previous_end is not None and (
            discontinuities == "ALWAYS"
            or (
                discontinuities == "ON_DISCONTINUITY"
                and abs(begins - previous_end) > DISCONTINUITY_MS
            )
        ):
            lines.append("#EXT-X-DISCONTINUITY")
        if show_time:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{_iso(begins)}")
        lines.append(f"#EXTINF:{fragment.duration_ms / 1000:.3f},")
        media = "getTSFragment.ts" if ts else "getMP4MediaFragment.mp4"
        lines.append(f"{media}?FragmentNumber={fragment.number}&SessionToken={token}")
        previous_end = begins + fragment.duration_ms
    if on_demand:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _duration(ms: int) -> str:
    return f"PT{ms / 1000:.3f}S"


def _dash_manifest(session: PlaybackSession, token: str) -> str:
    fragments, _ = _playing(session)
    mode = session.mode
    on_demand = mode == "ON_DEMAND"
    # Segment times count from the first fragment of a static manifest, and
    # from a fixed moment of a dynamic one, so they stay put as it refreshes.
    if on_demand:
        first = _begins(session, fragments[0]) if fragments else 0
    elif mode == "LIVE":
        first = session.created_ms - LIVE_WINDOW_MS
    else:
        first = _span(session)[0]
    total = sum(f.duration_ms for f in fragments)
    mpd = ElementTree.Element(
        "MPD",
        {
            "xmlns": "urn:mpeg:dash:schema:mpd:2011",
            "profiles": "urn:mpeg:dash:profile:isoff-live:2011",
            "minBufferTime": _duration(2000),
        },
    )
    if on_demand:
        mpd.set("type", "static")
        mpd.set("mediaPresentationDuration", _duration(total))
    else:
        mpd.set("type", "dynamic")
        mpd.set("availabilityStartTime", _iso(first))
        mpd.set("publishTime", _iso(now_ms()))
        mpd.set("minimumUpdatePeriod", _duration(1000))
    period = ElementTree.SubElement(mpd, "Period", {"id": "0", "start": "PT0S"})
    adaptation = ElementTree.SubElement(
        period,
        "AdaptationSet",
        {"id": "1", "contentType": "video", "mimeType": "video/mp4", "segmentAlignment": "true"},
    )
    representation = ElementTree.SubElement(
        adaptation, "Representation", {"id": "1", "bandwidth": str(_bandwidth(fragments))}
    )
    segments = ElementTree.SubElement(representation, "SegmentList", {"timescale": "1000"})
    ElementTree.SubElement(
        segments,
        "Initialization",
        {"sourceURL": f"getMP4InitFragment.mp4?SessionToken={token}&TrackNumber=1"},
    )
    timeline = ElementTree.SubElement(segments, "SegmentTimeline")
    for fragment in fragments:
        ElementTree.SubElement(
            timeline,
            "S",
            {
                "t": str(max(0, _begins(session, fragment) - first)),
                "d": str(fragment.duration_ms),
            },
        )
    for fragment in fragments:
        ElementTree.SubElement(
            segments,
            "SegmentURL",
            {
                "media": f"getMP4MediaFragment.mp4?FragmentNumber={fragment.number}"
                f"&SessionToken={token}&TrackNumber=1"
            },
        )
    return ElementTree.tostring(mpd, encoding="unicode", xml_declaration=True)


def _media_fragment(session: PlaybackSession, query: Mapping[str, list[str]]) -> bytes:
    """The stored bytes of a fragment the session plays."""
    number = (query.get("FragmentNumber") or [""])[0]
    if not number:
        raise InvalidArgumentException("FragmentNumber must be specified.")
    stream = session.stream
    fragment = stream.media.get(number)
    mode = session.mode
    if fragment is not None and mode != "LIVE":
        start, end = _span(session)
        if not start <= _begins(session, fragment) <= end:
            fragment = None  # a session serves only the media of its range
    if fragment is None or fragment.server_ms < stream.oldest_retained_ms():
        raise FragmentNotFound(number)
    return fragment.payload


_Reader = Callable[[PlaybackSession, str, Mapping[str, list[str]]], tuple[str, bytes]]
_PLAYLIST = "application/vnd.apple.mpegurl"

# What a session URL serves, by its path: (content type, body).
_RESOURCES: dict[str, _Reader] = {
    "hls/v1/getHLSMasterPlaylist.m3u8": lambda s, t, q: (_PLAYLIST, _hls_master(s, t).encode()),
    "hls/v1/getHLSMediaPlaylist.m3u8": lambda s, t, q: (_PLAYLIST, _hls_media(s, t).encode()),
    "hls/v1/getMP4InitFragment.mp4": lambda s, t, q: ("video/mp4", b""),
    "hls/v1/getMP4MediaFragment.mp4": lambda s, t, q: ("video/mp4", _media_fragment(s, q)),
    "hls/v1/getTSFragment.ts": lambda s, t, q: ("video/mp2t", _media_fragment(s, q)),
    "dash/v1/getDASHManifest.mpd": lambda s, t, q: (
        "application/dash+xml",
        _dash_manifest(s, t).encode(),
    ),
    "dash/v1/getMP4InitFragment.mp4": lambda s, t, q: ("video/mp4", b""),
    "dash/v1/getMP4MediaFragment.mp4": lambda s, t, q: ("video/mp4", _media_fragment(s, q)),
}
SESSION_PATHS = frozenset("/" + path for path in _RESOURCES)


def read_session(
    backend: KinesisVideoBackend, path: str, token: str, query: Mapping[str, list[str]]
) -> tuple[str, bytes]:
    """What a session URL at ``path`` (one of :data:`SESSION_PATHS`) answers
    a player: (content type, body)."""
    session = backend.sessions.get(token)
    if session is None or not path.startswith(f"/{session.protocol.lower()}/"):
        raise SessionTokenInvalid()
    if backend.streams.by_arn.get(session.stream.arn) is not session.stream:
        raise VideoResourceNotFound("stream")
    return _RESOURCES[path.lstrip("/")](session, token, query)

"""What a registry holds, as plain data: for the server's admin API
(``GET /_kinesis_mock/state``) and anyone who wants counts, not records."""

from __future__ import annotations

from typing import Any

from . import clock
from .registry import LOOK, Registry
from .services.kinesis import KINESIS
from .services.kinesis.backend import KinesisBackend
from .services.kinesisvideo import KINESIS_VIDEO
from .services.kinesisvideo.backend import KinesisVideoBackend


def summarize(
    registry: Registry, account: str | None = None, region: str | None = None
) -> list[dict[str, Any]]:
    """Per account and region that has state: its Kinesis streams (status,
    mode, shards, open shards, retained records, consumers) and Kinesis Video
    streams (status, fragments) and signaling channels, sorted by account
    and region. Each backend is read as a call would see it (locked, with
    due transitions applied); record counts cost nothing per record."""
    with_streams = set(registry.backends(KINESIS.state_name))
    with_video = set(registry.backends(KINESIS_VIDEO.state_name))
    chosen = sorted(
        (acct, reg)
        for acct, reg in with_streams | with_video
        if (account is None or acct == account) and (region is None or reg == region)
    )
    return [
        _place(registry, acct, reg, (acct, reg) in with_streams, (acct, reg) in with_video)
        for acct, reg in chosen
    ]


def _place(
    registry: Registry, account: str, region: str, has_streams: bool, has_video: bool
) -> dict[str, Any]:
    # Only backends that exist are opened: opening makes one.
    streams: list[dict[str, Any]] = []
    video_streams: list[dict[str, Any]] = []
    channels: list[dict[str, Any]] = []
    if has_streams:
        streams = _streams(registry, account, region)
    if has_video:
        video_streams, channels = _video(registry, account, region)
    return {
        "account": account,
        "region": region,
        "streams": sorted(streams, key=lambda item: item["name"]),
        "video_streams": sorted(video_streams, key=lambda item: item["name"]),
        "signaling_channels": sorted(channels, key=lambda item: item["name"]),
    }


def _streams(registry: Registry, account: str, region: str) -> list[dict[str, Any]]:
    streams: list[dict[str, Any]] = []
    kinesis: KinesisBackend
    with registry.open(KINESIS, account, region, LOOK) as kinesis:
        now = clock.now()
        for stream in kinesis.streams.values():
            records = 0
            for shard in stream.shards:
                stream.trim_expired(shard, now)
                records += len(shard.log)
            streams.append(
                {
                    "name": stream.name,
                    "status": stream.status,
                    "mode": stream.mode,
                    "shards": len(stream.shards),
                    "open_shards": len(stream.open_shards()),
                    "records": records,
                    "consumers": len(stream.consumers),
                }
            )
    return streams


def _video(
    registry: Registry, account: str, region: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    video: KinesisVideoBackend
    with registry.open(KINESIS_VIDEO, account, region, LOOK) as video:
        video_streams = [
            {"name": stream.name, "status": stream.status, "fragments": len(stream.media.fragments)}
            for stream in video.streams.by_name.values()
        ]
        channels = [
            {"name": channel.name, "status": channel.status}
            for channel in video.channels.by_name.values()
        ]
    return video_streams, channels

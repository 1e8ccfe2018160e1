"""Kinesis Video Streams state for one account and region."""

from __future__ import annotations

import bisect
import functools
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ...protocol.errors import (
    FragmentNotFound,
    InvalidArgumentException,
    NoDataRetention,
    ResourceInUseException,
    TagsPerResourceExceededLimitException,
    VersionMismatch,
    VideoResourceNotFound,
)
from ...settings import Settings
from ..backend_base import BackendBase
from ..base import Params
from ..paging import page_of
from .fragments import Fragment, FragmentLog, now_ms

if TYPE_CHECKING:
    from ...registry import Registry

_ALPHANUMERIC = string.ascii_letters + string.digits

# -- limits --------------------------------------------------------------------
# Tags per stream or channel.
MAX_TAGS = 50
# The default quota of signaling channels per account and region.
MAX_CHANNELS = 5000
# ListStreams and ListSignalingChannels page up to 10,000 resources; the mock
# defaults to that too (AWS documents it as ListStreams' default).
LIST_PAGE = 10_000


def new_version() -> str:
    """A stream version: changes on every update, compared by CurrentVersion."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(20))


def check_version(kind: str, version: str, current: str | None) -> None:
    """``CurrentVersion`` must name the resource's version, when given."""
    if current is not None and current != version:
        raise VersionMismatch(kind, current, version)


@dataclass(eq=False)
class EdgeConfiguration:
    """A stream's edge agent configuration and where its sync stands."""

    hub_device_arn: str
    config: dict[str, Any]
    created_at: float
    updated_at: float
    sync_status: str


@dataclass(eq=False)
class VideoStream:
    name: str
    arn: str
    created_at: float
    status: str = "CREATING"  # until KinesisVideoBackend.create stores it
    version: str = field(default_factory=new_version)
    device_name: str | None = None
    media_type: str | None = None
    kms_key_id: str | None = None
    data_retention_hours: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    storage: dict[str, Any] = field(default_factory=lambda: {"DefaultStorageTier": "HOT"})
    image_generation: dict[str, Any] | None = None
    notification: dict[str, Any] | None = None
    edge: EdgeConfiguration | None = None
    # ARNs of the signaling channels whose media is stored in this stream.
    mapped_channels: list[str] = field(default_factory=list)
    media: FragmentLog = field(default_factory=FragmentLog)

    def info(self) -> dict[str, Any]:
        return {
            "DeviceName": self.device_name,
            "StreamName": self.name,
            "StreamARN": self.arn,
            "MediaType": self.media_type,
            "KmsKeyId": self.kms_key_id,
            "Version": self.version,
            "Status": self.status,
            "CreationTime": self.created_at,
            "DataRetentionInHours": self.data_retention_hours,
        }

    # -- the media it keeps ----------------------------------------------------

    def require_retention(self) -> None:
        """Images, notifications, edge recording, WebRTC ingestion and archived
        playback all read media back from the stream, so it must keep some."""
        if self.data_retention_hours == 0:
            raise NoDataRetention(self.name)

    def oldest_retained_ms(self) -> int:
        """Fragments received before this server time have expired (a stream
        with no retention keeps what the test added, for GetMedia)."""
        if self.data_retention_hours == 0:
            return -(1 << 62)
        return now_ms() - self.data_retention_hours * 3600 * 1000

    def fragment(self, number: str) -> Fragment:
        """A fragment the stream holds, by its number."""
        fragment = self.media.get(number)
        if fragment is None:
            raise FragmentNotFound(number)
        return fragment

    def retained(self) -> list[Fragment]:
        """The fragments not yet expired, in server-timestamp order."""
        log = self.media
        return log.fragments[log.from_server_ms(self.oldest_retained_ms()) :]

    def in_range(self, selector_type: str, start_ms: int, end_ms: int) -> list[Fragment]:
        """The retained fragments whose timestamp of the selector's kind
        (``PRODUCER_TIMESTAMP`` or ``SERVER_TIMESTAMP``) is in [start, end]."""
        found = self.media.between(selector_type == "PRODUCER_TIMESTAMP", start_ms, end_ms)
        oldest = self.oldest_retained_ms()
        return [fragment for fragment in found if fragment.server_ms >= oldest]


@dataclass(eq=False)
class PlaybackSession:
    """An HLS or DASH streaming session: the request that opened it, read
    again each time a player fetches a playlist or manifest through it."""

    protocol: str  # "HLS" or "DASH"
    stream: VideoStream
    params: dict[str, Any]
    created_ms: int

    @property
    def mode(self) -> str:
        """LIVE, LIVE_REPLAY or ON_DEMAND (LIVE when the request named none)."""
        mode: str = self.params.get("PlaybackMode", "LIVE")
        return mode


@dataclass(eq=False)
class SignalingChannel:
    name: str
    arn: str
    created_at: float
    status: str = "CREATING"  # until KinesisVideoBackend.create stores it
    version: str = field(default_factory=new_version)
    channel_type: str = "SINGLE_MASTER"
    message_ttl_seconds: int = 60
    tags: dict[str, str] = field(default_factory=dict)
    # Set by UpdateMediaStorageConfiguration; WEBRTC endpoints need ingestion.
    media_storage: dict[str, Any] | None = None
    # The master a test connects (KinesisMock.connect_master): offer -> answer.
    master: Callable[[str], str] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # A connected master is a function of the test's process: a server
        # with a data directory saves the channel without it.
        return {**self.__dict__, "master": None}

    @property
    def ingests(self) -> bool:
        """Whether the channel's media is stored in a stream (WebRTC ingestion)."""
        return (self.media_storage or {}).get("Status") == "ENABLED"

    def info(self) -> dict[str, Any]:
        return {
            "ChannelName": self.name,
            "ChannelARN": self.arn,
            "ChannelType": self.channel_type,
            "ChannelStatus": self.status,
            "CreationTime": self.created_at,
            "SingleMasterConfiguration": {"MessageTtlSeconds": self.message_ttl_seconds},
            "Version": self.version,
        }


class _Resource(Protocol):
    name: str
    arn: str
    status: str
    tags: dict[str, str]

    def info(self) -> dict[str, Any]: ...


ResourceT = TypeVar("ResourceT", bound=_Resource)


class ResourceIndex(Generic[ResourceT]):
    """Resources of one kind by name and by ARN, with names kept in order so
    that listings and prefix conditions need no scan of every resource."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "stream" or "channel", for messages and parameter names
        self.by_name: dict[str, ResourceT] = {}
        self.by_arn: dict[str, ResourceT] = {}
        self._names: list[str] = []

    def add(self, resource: ResourceT) -> None:
        self.by_name[resource.name] = resource
        self.by_arn[resource.arn] = resource
        bisect.insort(self._names, resource.name)

    def remove(self, resource: ResourceT) -> None:
        if self.by_name.get(resource.name) is not resource:
            return  # already gone (a delayed removal after a re-create)
        del self.by_name[resource.name]
        del self.by_arn[resource.arn]
        del self._names[bisect.bisect_left(self._names, resource.name)]

    def find(
        self, name: str | None = None, arn: str | None = None, *, active: bool = False
    ) -> ResourceT:
        """The resource a request names by name or ARN (both must agree when
        both are given); ``active`` refuses one that is being created or
        deleted."""
        kind = self.kind
        if name is None and arn is None:
            raise InvalidArgumentException(
                f"Either {kind.title()}Name or {kind.title()}ARN must be specified."
            )
        if arn is not None:
            resource = self.by_arn.get(arn)
            if resource is not None and name is not None and resource.name != name:
                resource = None
        else:
            resource = self.by_name.get(name or "")
        if resource is None:
            raise VideoResourceNotFound(kind)
        if active and resource.status != "ACTIVE":
            raise ResourceInUseException(
                f"The {kind} {resource.name} is not ACTIVE; it is {resource.status}."
            )
        return resource

    def names_beginning_with(self, prefix: str | None) -> list[str]:
        if not prefix:
            return self._names
        start = bisect.bisect_left(self._names, prefix)
        end = bisect.bisect_left(self._names, prefix + "\U0010ffff", lo=start)
        return self._names[start:end]

    def page(self, req: Params, scope: str, list_key: str) -> dict[str, Any]:
        """A page of ListStreams or ListSignalingChannels: the resources whose
        names begin with the request's name condition (BEGINS_WITH, the only
        operator), in name order."""
        condition = req.get(f"{self.kind.title()}NameCondition")
        prefix = None if condition is None else condition.get("ComparisonValue")
        return page_of(
            req,
            scope,
            self.names_beginning_with(prefix),
            list_key,
            lambda name: self.by_name[name].info(),
            default=LIST_PAGE,
            most=LIST_PAGE,
        )


def add_tags(resource: _Resource, tags: dict[str, str]) -> None:
    """Adds (or overwrites) tags; over 50 in all adds none."""
    if len(resource.tags.keys() | tags.keys()) > MAX_TAGS:
        raise TagsPerResourceExceededLimitException(f"A resource can have at most {MAX_TAGS} tags.")
    resource.tags.update(tags)


def remove_tags(resource: _Resource, keys: list[str]) -> None:
    for key in keys:
        resource.tags.pop(key, None)


def tag_map(tags: list[dict[str, str]]) -> dict[str, str]:
    """Key/Value tag lists (CreateSignalingChannel, TagResource) as a mapping."""
    return {tag["Key"]: tag["Value"] for tag in tags}


class KinesisVideoBackend(BackendBase):
    """Kinesis Video state of one account and region, guarded by ``lock``."""

    # What keeps a new stream's media: memory, unless a server's data
    # directory gives this backend its own (kinesis_mock.storage).
    new_media: Callable[[], FragmentLog] = FragmentLog

    def __init__(self, account: str, region: str, settings: Settings) -> None:
        super().__init__(account, region, settings)
        self.streams: ResourceIndex[VideoStream] = ResourceIndex("stream")
        self.channels: ResourceIndex[SignalingChannel] = ResourceIndex("channel")
        # Hub device ARN -> stream ARN -> the stream, for ListEdgeAgentConfigurations.
        self.edge_streams: dict[str, dict[str, VideoStream]] = {}
        # HLS and DASH sessions by session token, until they expire.
        self.sessions: dict[str, PlaybackSession] = {}
        # Set by the registry that holds this backend (a ServedBackend), so
        # endpoints can name the server this state is served by.
        self.registry: Registry | None = None

    @property
    def endpoint_url(self) -> str | None:
        """The URL of the server answering from this state; None in process."""
        return self.registry.endpoint_url if self.registry is not None else None

    def create(self, index: ResourceIndex[ResourceT], resource: ResourceT, now: float) -> None:
        """Stores a new resource: CREATING until the create delay passes."""
        if resource.name in index.by_name:
            raise ResourceInUseException(f"The {index.kind} {resource.name} already exists.")
        resource.status = "CREATING"
        index.add(resource)
        self.after(
            self.settings.stream_create_delay, functools.partial(_activate, resource), now=now
        )

    def delete(self, index: ResourceIndex[ResourceT], resource: ResourceT, now: float) -> None:
        """Removes a resource: DELETING until the delete delay passes."""
        resource.status = "DELETING"
        self.after(
            self.settings.stream_delete_delay, functools.partial(_remove, index, resource), now=now
        )

    def find_stream(self, req: Params, *, active: bool = False) -> VideoStream:
        """The stream a request names by StreamName or StreamARN."""
        return self.streams.find(req.get("StreamName"), req.get("StreamARN"), active=active)

    def find_channel(self, req: Params, *, active: bool = False) -> SignalingChannel:
        """The channel a request names by ChannelName or ChannelARN."""
        return self.channels.find(req.get("ChannelName"), req.get("ChannelARN"), active=active)

    def map_channel(self, channel: SignalingChannel, storage: dict[str, Any]) -> None:
        """Sets a channel's media storage, keeping the stream's list of mapped
        channels (DescribeMappedResourceConfiguration) in step."""
        self.unmap_channel(channel)
        channel.media_storage = storage
        if channel.ingests:
            stream = self.streams.by_arn.get(storage.get("StreamARN", ""))
            if stream is not None:
                stream.mapped_channels.append(channel.arn)

    def unmap_channel(self, channel: SignalingChannel) -> None:
        previous = channel.media_storage or {}
        stream = self.streams.by_arn.get(previous.get("StreamARN", ""))
        if stream is not None and channel.arn in stream.mapped_channels:
            stream.mapped_channels.remove(channel.arn)
        channel.media_storage = None

    def set_edge(self, stream: VideoStream, edge: EdgeConfiguration | None) -> None:
        """Sets or clears a stream's edge configuration and the hub index."""
        if stream.edge is not None:
            on_hub = self.edge_streams.get(stream.edge.hub_device_arn, {})
            on_hub.pop(stream.arn, None)
            if not on_hub:
                self.edge_streams.pop(stream.edge.hub_device_arn, None)
        stream.edge = edge
        if edge is not None:
            self.edge_streams.setdefault(edge.hub_device_arn, {})[stream.arn] = stream

    def resource_arn(self, kind: str, name: str, created_at: float) -> str:
        """The ARN of a new stream or signaling channel (``kind``)."""
        return self.arn("kinesisvideo", f"{kind}/{name}/{int(created_at * 1000)}")

    def resource(self, arn: str) -> VideoStream | SignalingChannel | None:
        """The stream or signaling channel an ARN names (tagging takes either)."""
        return self.streams.by_arn.get(arn) or self.channels.by_arn.get(arn)


def _activate(resource: _Resource, _due: float) -> None:
    if resource.status == "CREATING":
        resource.status = "ACTIVE"


def _remove(index: ResourceIndex[ResourceT], resource: ResourceT, _due: float) -> None:
    index.remove(resource)


def backend_factory(account: str, region: str, settings: Settings) -> KinesisVideoBackend:
    return KinesisVideoBackend(account, region, settings)

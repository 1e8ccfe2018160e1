"""Kinesis Video Streams state for one account and region."""

from __future__ import annotations

import bisect
import functools
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ...arns import partition_for_region
from ...protocol.errors import (
    InvalidArgumentException,
    ResourceInUseException,
    ResourceNotFoundException,
    TagsPerResourceExceededLimitException,
)
from ...settings import Settings
from ..schedule import Schedule

if TYPE_CHECKING:
    from ...registry import Registry

_ALPHANUMERIC = string.ascii_letters + string.digits


def new_version() -> str:
    """A stream version: changes on every update, compared by CurrentVersion."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(20))


@dataclass(eq=False, slots=True)
class Fragment:
    number: str
    payload: bytes
    producer_ms: int
    server_ms: int
    duration_ms: int

    @property
    def size(self) -> int:
        return len(self.payload)

    def view(self) -> dict[str, Any]:
        return {
            "FragmentNumber": self.number,
            "FragmentSizeInBytes": self.size,
            "ProducerTimestamp": self.producer_ms / 1000,
            "ServerTimestamp": self.server_ms / 1000,
            "FragmentLengthInMilliseconds": self.duration_ms,
        }


# AWS fragment numbers are long decimal strings that grow with each fragment.
_FRAGMENT_NUMBER_BASE = 91343852333181432392682062607743920146264440923


def fragment_number(serial: int) -> str:
    """The number of a stream's ``serial``-th fragment (from 1)."""
    return str(_FRAGMENT_NUMBER_BASE + serial)


class FragmentLog:
    """A stream's media fragments in server-timestamp order, with sorted
    indexes by fragment number and producer timestamp so range reads bisect
    instead of scanning."""

    def __init__(self) -> None:
        self.fragments: list[Fragment] = []
        self._server_ms: list[int] = []
        self._by_number: dict[str, Fragment] = {}
        # (producer ms, serial, fragment): the serial breaks ties, so
        # fragments themselves are never compared.
        self._producer: list[tuple[int, int, Fragment]] = []
        self._count = 0
        self.longest_ms = 1  # the longest fragment yet, to bound overlap searches

    def add(self, payload: bytes, producer_ms: int, server_ms: int, duration_ms: int) -> Fragment:
        self._count += 1
        fragment = Fragment(
            fragment_number(self._count), payload, producer_ms, server_ms, duration_ms
        )
        self._insert(fragment)
        return fragment

    def _insert(self, fragment: Fragment) -> None:
        """Index a new fragment (the ``self._count``-th)."""
        at = bisect.bisect_right(self._server_ms, fragment.server_ms)
        self._server_ms.insert(at, fragment.server_ms)
        self.fragments.insert(at, fragment)
        self._by_number[fragment.number] = fragment
        bisect.insort(self._producer, (fragment.producer_ms, self._count, fragment))
        self.longest_ms = max(self.longest_ms, fragment.duration_ms)

    def get(self, number: str) -> Fragment | None:
        return self._by_number.get(number)

    def between(self, by_producer: bool, start_ms: int, end_ms: int) -> list[Fragment]:
        """Fragments whose timestamp of the chosen kind is in [start, end]."""
        if by_producer:
            lo = bisect.bisect_left(self._producer, (start_ms, -1))
            hi = bisect.bisect_right(self._producer, (end_ms, 1 << 62))
            return [fragment for _, _, fragment in self._producer[lo:hi]]
        lo = bisect.bisect_left(self._server_ms, start_ms)
        hi = bisect.bisect_right(self._server_ms, end_ms)
        return self.fragments[lo:hi]

    def position(self, fragment: Fragment) -> int:
        """The index of a fragment in server order."""
        at = bisect.bisect_left(self._server_ms, fragment.server_ms)
        while self.fragments[at] is not fragment:
            at += 1
        return at

    def from_server_ms(self, start_ms: int) -> int:
        return bisect.bisect_left(self._server_ms, start_ms)

    def from_producer_ms(self, start_ms: int) -> int:
        """The server-order index of the first fragment produced at or after
        ``start_ms`` (GetMedia's PRODUCER_TIMESTAMP start)."""
        lo = bisect.bisect_left(self._producer, (start_ms, -1))
        if lo == len(self._producer):
            return len(self.fragments)
        return self.position(self._producer[lo][2])


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
    status: str
    version: str
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


@dataclass(eq=False)
class PlaybackSession:
    """An HLS or DASH streaming session: the request that opened it, read
    again each time a player fetches a playlist or manifest through it."""

    protocol: str  # "HLS" or "DASH"
    stream: VideoStream
    params: dict[str, Any]
    created_ms: int


@dataclass(eq=False)
class SignalingChannel:
    name: str
    arn: str
    created_at: float
    status: str
    version: str
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

    def find(self, name: str | None, arn: str | None, *, active: bool = False) -> ResourceT:
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
            raise ResourceNotFoundException(f"The requested {kind} is not found or not active.")
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


MAX_TAGS = 50


def add_tags(resource: _Resource, tags: dict[str, str]) -> None:
    """Adds (or overwrites) tags; over 50 in all adds none."""
    if len(resource.tags.keys() | tags.keys()) > MAX_TAGS:
        raise TagsPerResourceExceededLimitException(f"A resource can have at most {MAX_TAGS} tags.")
    resource.tags.update(tags)


class KinesisVideoBackend:
    """Kinesis Video state of one account and region, guarded by ``lock``."""

    # What keeps a new stream's media: memory, unless a server's data
    # directory gives this backend its own (kinesis_mock.storage).
    new_media: Callable[[], FragmentLog] = FragmentLog

    def __init__(self, account: str, region: str, settings: Settings) -> None:
        self.account = account
        self.region = region
        self.settings = settings
        self.partition = partition_for_region(region)
        self.lock = threading.RLock()
        self.streams: ResourceIndex[VideoStream] = ResourceIndex("stream")
        self.channels: ResourceIndex[SignalingChannel] = ResourceIndex("channel")
        # Hub device ARN -> stream ARN -> the stream, for ListEdgeAgentConfigurations.
        self.edge_streams: dict[str, dict[str, VideoStream]] = {}
        # HLS and DASH sessions by session token, until they expire.
        self.sessions: dict[str, PlaybackSession] = {}
        self._schedule = Schedule()
        # Set by the registry that holds this backend (a ServedBackend), so
        # endpoints can name the server this state is served by.
        self.registry: Registry | None = None

    @property
    def endpoint_url(self) -> str | None:
        """The URL of the server answering from this state; None in process."""
        return self.registry.endpoint_url if self.registry is not None else None

    def advance(self, now: float) -> bool:
        """Run the transitions due by ``now``; whether any ran."""
        return self._schedule.advance(now)

    def later(self, due: float, action: Callable[[float], None]) -> None:
        """Run ``action`` (given the time it was due) once the clock reaches ``due``."""
        self._schedule.later(due, action)

    def create(self, index: ResourceIndex[ResourceT], resource: ResourceT, now: float) -> None:
        """Stores a new resource: CREATING until the create delay passes."""
        if resource.name in index.by_name:
            raise ResourceInUseException(f"The {index.kind} {resource.name} already exists.")
        delay = self.settings.stream_create_delay
        resource.status = "CREATING" if delay > 0 else "ACTIVE"
        index.add(resource)
        if delay > 0:
            self.later(now + delay, functools.partial(_activate, resource))

    def delete(self, index: ResourceIndex[ResourceT], resource: ResourceT, now: float) -> None:
        """Removes a resource: DELETING until the delete delay passes."""
        delay = self.settings.stream_delete_delay
        if delay <= 0:
            index.remove(resource)
            return
        resource.status = "DELETING"
        self.later(now + delay, functools.partial(_remove, index, resource))

    def map_channel(self, channel: SignalingChannel, storage: dict[str, Any]) -> None:
        """Sets a channel's media storage, keeping the stream's list of mapped
        channels (DescribeMappedResourceConfiguration) in step."""
        self.unmap_channel(channel)
        channel.media_storage = storage
        if storage.get("Status") == "ENABLED":
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

    def stream_arn(self, name: str, created_at: float) -> str:
        return (
            f"arn:{self.partition}:kinesisvideo:{self.region}:{self.account}:stream/"
            f"{name}/{int(created_at * 1000)}"
        )

    def channel_arn(self, name: str, created_at: float) -> str:
        return (
            f"arn:{self.partition}:kinesisvideo:{self.region}:{self.account}:channel/"
            f"{name}/{int(created_at * 1000)}"
        )

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

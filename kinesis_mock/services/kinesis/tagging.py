"""Tags: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, and the
resource-level TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

import bisect
from typing import Any

from ..base import Params
from .backend import KinesisBackend
from .resources import Taggable, taggable
from .service import KINESIS
from .tag_rules import check_tag_characters, check_tag_count

DEFAULT_LIST_LIMIT = 50


def _add_tags(resource: Taggable, account: str, tags: dict[str, str | None]) -> None:
    # Checked before anything changes: a rejected call leaves the tags as they were.
    check_tag_characters([*tags, *tags.values()], resource.name, account)
    check_tag_count(resource.name, account, len(resource.tags.keys() | tags.keys()))
    for key, value in tags.items():
        resource.tags[key] = value or ""


def _remove_tags(resource: Taggable, account: str, keys: list[str]) -> None:
    check_tag_characters(keys, resource.name, account, removing=True)
    for key in keys:
        resource.tags.pop(key, None)  # keys the resource does not have are ignored


def _tag_list(tags: dict[str, str], keys: list[str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": tags[key]} for key in keys]


@KINESIS.operation("AddTagsToStream")
def add_tags_to_stream(backend: KinesisBackend, req: Params) -> None:
    _add_tags(backend.find_stream(req), backend.account, req["Tags"])


@KINESIS.operation("RemoveTagsFromStream")
def remove_tags_from_stream(backend: KinesisBackend, req: Params) -> None:
    _remove_tags(backend.find_stream(req), backend.account, req["TagKeys"])


@KINESIS.operation("ListTagsForStream")
def list_tags_for_stream(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    stream = backend.find_stream(req)
    keys = sorted(stream.tags)
    start = req.get("ExclusiveStartTagKey")
    if start is not None:
        keys = keys[bisect.bisect_right(keys, start) :]
    limit = req.get("Limit", DEFAULT_LIST_LIMIT)
    return {
        "Tags": _tag_list(stream.tags, keys[:limit]),
        "HasMoreTags": len(keys) > limit,
    }


@KINESIS.operation("TagResource")
def tag_resource(backend: KinesisBackend, req: Params) -> None:
    _add_tags(taggable(backend, req["ResourceARN"]), backend.account, req["Tags"])


@KINESIS.operation("UntagResource")
def untag_resource(backend: KinesisBackend, req: Params) -> None:
    _remove_tags(taggable(backend, req["ResourceARN"]), backend.account, req["TagKeys"])


@KINESIS.operation("ListTagsForResource")
def list_tags_for_resource(backend: KinesisBackend, req: Params) -> dict[str, Any]:
    resource = taggable(backend, req["ResourceARN"])
    return {"Tags": _tag_list(resource.tags, sorted(resource.tags))}

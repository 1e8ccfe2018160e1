"""botocore's service models, loaded once per process and indexed for routing."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel


@dataclass(frozen=True)
class ErrorInfo:
    status: int
    message_key: str


@dataclass(frozen=True)
class RestRoute:
    method: str
    pattern: re.Pattern[str]
    operation: str
    # Literal query keys the URI requires (``/x?tagging`` style), if any.
    required_query: tuple[str, ...]


class ServiceSpec:
    """One service's model plus the indexes the protocol layer needs."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.name: str = model.service_name
        self.protocol: str = model.protocol
        self.target_prefix: str | None = model.metadata.get("targetPrefix")
        # The JSON protocols' media type (read on every request of theirs).
        self.json_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
        self.operation_names: tuple[str, ...] = tuple(model.operation_names)
        self._operations: dict[str, OperationModel] = {}
        self.errors: dict[str, ErrorInfo] = {}
        for name in self.operation_names:
            for error in self.operation(name).error_shapes:
                status = error.metadata.get("error", {}).get("httpStatusCode", 400)
                members = list(error.members)
                key = members[0] if members and members[0].lower() == "message" else "message"
                code = error.metadata.get("error", {}).get("code", error.name)
                self.errors[code] = ErrorInfo(status=status, message_key=key)
        # The message key of the service's own errors, for errors it does not model.
        keys = [info.message_key for info in self.errors.values()]
        self.message_key: str = max(set(keys), key=keys.count) if keys else "message"
        self.routes: tuple[RestRoute, ...] = tuple(
            _route(name, self.operation(name)) for name in self.operation_names
        )

    def operation(self, name: str) -> OperationModel:
        op = self._operations.get(name)
        if op is None:
            op = self._operations[name] = self.model.operation_model(name)
        return op

    def operation_for_target(self, target: str) -> str | None:
        prefix, _, name = target.partition(".")
        if prefix != self.target_prefix or name not in self.operation_names:
            return None
        return name

    def operation_for_route(self, method: str, path: str, query_keys: set[str]) -> str | None:
        for route in self.routes:
            if (
                route.method == method
                and route.pattern.fullmatch(path)
                and all(key in query_keys for key in route.required_query)
            ):
                return route.operation
        return None


def _route(name: str, op: OperationModel) -> RestRoute:
    uri: str = op.http.get("requestUri", "/")
    path, _, query = uri.partition("?")
    regex = ""
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            greedy = piece.endswith("+}")
            regex += "(.+)" if greedy else "([^/]+)"
        else:
            regex += re.escape(piece)
    required = tuple(part.split("=")[0] for part in query.split("&") if part)
    return RestRoute(op.http.get("method", "POST"), re.compile(regex), name, required)


@functools.cache
def service_spec(service_name: str) -> ServiceSpec:
    """The indexed model of a service, loaded from botocore once per process."""
    data = _loader().load_service_model(service_name, "service-2")
    return ServiceSpec(ServiceModel(data, service_name=service_name))


@functools.cache
def _loader():  # type: ignore[no-untyped-def]
    return create_loader()


def partition_dns_suffixes() -> set[str]:
    """Every DNS suffix of every partition's endpoints (plain and dual-stack)."""
    suffixes: set[str] = set()
    for partition in _loader().load_data("partitions")["partitions"]:
        outputs = partition.get("outputs", {})
        suffixes.update(
            outputs[key] for key in ("dnsSuffix", "dualStackDnsSuffix") if outputs.get(key)
        )
    return suffixes

"""The request pipeline: find the operation, parse and validate its input,
run its handler against the right backend, render the result or the error.

Only the service's own errors are answered as errors. Anything else is a bug
in the mock and propagates: in process it fails the user's test with its own
traceback (an error response would look like an AWS outage, and botocore
would retry it), and the server answers it with :func:`internal_failure`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from . import clock
from .arns import arn, partition_for_region
from .journal import Call
from .protocol import eventstream
from .protocol.auth import DEFAULT_REGION, account_for_access_key, check_signature, credential_scope
from .protocol.codecs import CODECS, Codec, request_id
from .protocol.errors import (
    CrossAccountAccessDenied,
    InternalFailure,
    NotImplementedOperation,
    ServiceError,
)
from .protocol.model import ServiceSpec, service_spec
from .protocol.validation import validate
from .protocol.wire import Request, Response, WireRefusal
from .registry import LOOK, REGISTRY, Registry
from .services.base import B, Handler, ServiceDefinition


def handle(
    service: ServiceDefinition[B], request: Request, registry: Registry = REGISTRY
) -> Response:
    """Answer one request to ``service`` as the real service would, from the
    state in ``registry`` (the in-process mock's unless a server passes its own)."""
    spec = service_spec(service.name)
    codec = CODECS[spec.protocol]
    rid = request_id()
    operation = request.operation or "?"
    account = registry.settings.default_account()
    region = DEFAULT_REGION
    params: dict[str, Any] | None = None
    routed_operation: str | None = None
    try:
        # The service finds the operation and reads the body before it
        # looks at the signature; it checks the members' types after.
        routed = codec.route(spec, request)
        operation = routed_operation = routed.operation
        handler = service.handlers.get(operation)
        if handler is None:
            raise NotImplementedOperation(
                f"kinesis-mock does not implement {spec.name} operation {operation} yet."
            )
        if request.verify_signature:
            check_signature(request)
        params, passes = codec.parse(spec, routed, request)
        if not passes:
            validate(params, spec.operation(operation).input_shape, service.report_order)
        scope = credential_scope(request)
        account = account_for_access_key(scope.access_key, account)
        region = scope.region or DEFAULT_REGION
        if registry.faults.armed:
            result = _with_faults(registry, service, operation, handler, params, account, region)
        else:
            with registry.open(service, account, region, operation) as backend:
                result = handler(backend, params)
        response = codec.render(spec, operation, result, rid, request)
        body = response.body
        registry.journal.record(
            Call(service.name, operation, account, region, params, result, None, None, clock.now()),
            len(request.body) + (len(body) if isinstance(body, bytes) else 0),
        )
        if not isinstance(response.body, bytes):
            response.body = EventStream(response.body, result, spec, codec, operation, request)
        return response
    except WireRefusal as refusal:
        refusal.response.headers["x-amzn-RequestId"] = rid
        return refusal.response
    except ServiceError as error:
        if isinstance(error, CrossAccountAccessDenied):
            action = f"{spec.model.signing_name}:{operation}"
            user = arn(partition_for_region(region), "iam", "", account, "root")
            error.message = (
                f"User: {user} is not "
                f"authorized to perform: {action} on resource: {error.resource_arn} because "
                f"no resource-based policy allows the {action} action"
            )
        if routed_operation is not None:
            registry.journal.record(
                Call(
                    service.name,
                    routed_operation,
                    account,
                    region,
                    params,
                    None,
                    error.code,
                    error.message,
                    clock.now(),
                ),
                len(request.body),
            )
        return codec.render_error(spec, error, rid, request)


def _with_faults(
    registry: Registry,
    service: ServiceDefinition[B],
    operation: str,
    handler: Handler[B],
    params: dict[str, Any],
    account: str,
    region: str,
) -> Any:
    """Run one call with the faults a test arranged: a delay (outside the
    backend's lock, so other calls go on), an error instead of the call (so
    nothing changes), or, for an entry batch, some entries failing."""
    faults = registry.faults
    with registry.open(service, account, region, LOOK) as backend:
        target = service.fault_target(backend, operation, params)
        verdict = faults.consult(
            service,
            operation,
            target,
            lambda code: service.fault_message(backend, operation, code, target),
        )
    if verdict.delay:
        time.sleep(verdict.delay)
    if verdict.error is not None:
        raise verdict.error
    entry_handler = service.entry_handlers.get(operation)
    with registry.open(service, account, region, operation) as backend:
        if entry_handler is not None:
            chosen = faults.entry_faults(service.name, operation, target)
            if chosen:
                return entry_handler(backend, params, faults.entry_decision(chosen))
        return handler(backend, params)


def internal_failure(
    service: ServiceDefinition[Any], request: Request, error: BaseException
) -> Response:
    """The answer to a request the mock failed on with ``error`` (a bug): a
    500 InternalFailure in the service's error format, naming the error."""
    spec = service_spec(service.name)
    return CODECS[spec.protocol].render_error(
        spec, InternalFailure(_describe(error)), request_id(), request
    )


def _describe(error: BaseException) -> str:
    return f"kinesis-mock internal error: {type(error).__name__}: {error}"


@runtime_checkable
class Waiting(Protocol):
    """An event source that can tell, without blocking, whether its next
    event is ready (a caught-up subscription waits for records)."""

    poll_seconds: float

    def poll(self) -> bool:
        """True when the next event can be produced at once; otherwise call
        again after ``poll_seconds`` (each false answer is one such wait)."""
        ...


class EventStream(Iterator[bytes]):
    """An event stream's frames, produced as they are read.

    Read directly (in process), a frame that has to wait for its event waits
    in the reading thread. A server first polls :meth:`ready` between frames,
    so that a waiting stream holds no thread.
    """

    def __init__(
        self,
        frames: Iterator[bytes],
        result: Any,
        spec: ServiceSpec,
        codec: Codec,
        operation: str,
        request: Request,
    ) -> None:
        self._frames = frames
        values = result.values() if isinstance(result, dict) else ()
        self._sources = [value for value in values if isinstance(value, Waiting)]
        self.poll_seconds = min((s.poll_seconds for s in self._sources), default=0.05)
        self._context = (spec, codec, operation, request)

    def __next__(self) -> bytes:
        return next(self._frames)

    def ready(self) -> bool:
        return all(source.poll() for source in self._sources)

    def failure_frame(self, error: BaseException) -> bytes:
        """The message that ends the stream when producing it failed with
        ``error`` (a bug) after the response had begun: the stream's modeled
        internal-failure exception, in the request's format (JSON or CBOR)."""
        spec, codec, operation, request = self._context
        rendered = codec.render_error(spec, InternalFailure(_describe(error)), "", request)
        assert isinstance(rendered.body, bytes)
        stream_shape = spec.operation(operation).get_event_stream_output()
        members = stream_shape.members if stream_shape is not None else {}
        code = (
            "InternalFailureException"
            if "InternalFailureException" in members
            else "InternalFailure"
        )
        return eventstream.exception(code, rendered.body, rendered.headers["Content-Type"])

    def close(self) -> None:
        close = getattr(self._frames, "close", None)
        if close is not None:
            close()

"""The request pipeline: find the operation, parse and validate its input,
run its handler against the right backend, render the result or the error."""

from __future__ import annotations

import logging
import uuid

from ..registry import REGISTRY, Registry
from ..services.base import ServiceDefinition
from .auth import account_for_access_key, check_signature, credential_scope
from .codecs import CODECS
from .errors import (
    CrossAccountAccessDenied,
    InternalFailure,
    NotImplementedOperation,
    ServiceError,
)
from .model import partition_for_region, service_spec
from .validation import validate
from .wire import Request, Response, WireRefusal

log = logging.getLogger("kinesis_mock")

DEFAULT_REGION = "us-east-1"


def handle(service: ServiceDefinition, request: Request, registry: Registry = REGISTRY) -> Response:
    """Answer one request to ``service`` as the real service would, from the
    state in ``registry`` (the in-process mock's unless a server passes its own)."""
    spec = service_spec(service.name)
    codec = CODECS[spec.protocol]
    request_id = str(uuid.uuid4())
    operation = request.operation or "?"
    account = registry.settings.default_account()
    region = DEFAULT_REGION
    try:
        operation = codec.operation(spec, request)
        handler = service.handlers.get(operation)
        if handler is None:
            raise NotImplementedOperation(
                f"kinesis-mock does not implement {spec.name} operation {operation} yet."
            )
        params, passes = codec.parse(spec, operation, request)
        # The service finds the operation and reads the body before it
        # looks at the signature.
        if request.verify_signature:
            check_signature(request)
        if not passes:
            validate(
                params,
                spec.operation(operation).input_shape,
                service.member_order.get(operation),
                spec.java_package,
            )
        scope = credential_scope(request)
        account = account_for_access_key(scope.access_key, account)
        region = scope.region or DEFAULT_REGION
        with registry.open(service, account, region) as backend:
            result = handler(backend, params)
        return codec.render(spec, operation, result, request_id, request)
    except WireRefusal as refusal:
        refusal.response.headers["x-amzn-RequestId"] = request_id
        return refusal.response
    except CrossAccountAccessDenied as error:
        action = f"{spec.model.signing_name}:{operation}"
        error.message = (
            f"User: arn:{partition_for_region(region)}:iam::{account}:root is not authorized "
            f"to perform: {action} on resource: {error.resource_arn} because no "
            f"resource-based policy allows the {action} action"
        )
        return codec.render_error(spec, error, request_id, request)
    except ServiceError as error:
        return codec.render_error(spec, error, request_id, request)
    except Exception:
        log.exception("kinesis-mock failed to answer a %s request", spec.name)
        return codec.render_error(spec, InternalFailure(None), request_id, request)

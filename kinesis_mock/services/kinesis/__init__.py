"""Amazon Kinesis Data Streams."""

from . import streams as _streams  # noqa: F401  (registers the handlers)
from .service import KINESIS

__all__ = ["KINESIS"]

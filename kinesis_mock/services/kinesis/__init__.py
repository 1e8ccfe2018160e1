"""Amazon Kinesis Data Streams."""

# Importing the handler modules registers their operations.
from . import channels as _channels  # noqa: F401
from . import consumers as _consumers  # noqa: F401
from . import data as _data  # noqa: F401
from . import listing as _listing  # noqa: F401
from . import policies as _policies  # noqa: F401
from . import queues as _queues  # noqa: F401
from . import resharding as _resharding  # noqa: F401
from . import retention as _retention  # noqa: F401
from . import stream_settings as _stream_settings  # noqa: F401
from . import streams as _streams  # noqa: F401
from . import subscriptions as _subscriptions  # noqa: F401
from . import tagging as _tagging  # noqa: F401
from .service import KINESIS

__all__ = ["KINESIS"]

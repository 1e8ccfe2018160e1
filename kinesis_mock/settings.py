"""What a test can tune about the mocked services."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_ACCOUNT_ID = "123456789012"
ACCOUNT_ENV = "KINESIS_MOCK_ACCOUNT_ID"


@dataclass
class Settings:
    """Delays are seconds on the mock's clock; zero means the change is immediate.

    ``account_id`` is the account of requests whose access key is not a
    12-digit number; when ``None``, ``KINESIS_MOCK_ACCOUNT_ID`` or
    ``123456789012``.
    """

    account_id: str | None = None
    stream_create_delay: float = 0.0
    stream_delete_delay: float = 0.0
    # Seconds a stream stays UPDATING after an asynchronous change
    # (encryption, capacity mode, resharding).
    stream_update_delay: float = 0.0
    consumer_create_delay: float = 0.0
    consumer_delete_delay: float = 0.0
    # Real seconds a caught-up SubscribeToShard event stream waits for more
    # records before it ends (0: it ends as soon as it has caught up).
    subscription_wait_seconds: float = 0.0
    # Open shards an account may have in one region (the service's default is
    # 20,000 in us-east-1, us-west-2 and eu-west-1, and 1,000 elsewhere).
    shard_limit: int | None = None
    # On-demand streams an account may have in one region.
    on_demand_stream_limit: int = 50

    def default_account(self) -> str:
        if self.account_id is not None:
            return self.account_id
        return os.environ.get(ACCOUNT_ENV) or DEFAULT_ACCOUNT_ID

    def shard_limit_for(self, region: str) -> int:
        if self.shard_limit is not None:
            return self.shard_limit
        return 20_000 if region in ("us-east-1", "us-west-2", "eu-west-1") else 1_000

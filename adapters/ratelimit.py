"""Token buckets for outbound platform limits (Telegram: ~30 msg/s overall, ~1/s per chat).

`acquire` waits until a token is free; the wait is computed, not polled. Per-key buckets
are dropped once full again so memory stays bounded by the number of active chats.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    clock: Callable[[], float] = time.monotonic
    _tokens: float = field(init=False)
    _updated: float = field(init=False)

    def __post_init__(self) -> None:
        self._tokens = self.capacity
        self._updated = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def reserve(self) -> float:
        """Take a token (possibly going into debt); return seconds to wait before using it."""
        self._refill()
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    @property
    def full(self) -> bool:
        self._refill()
        return self._tokens >= self.capacity


@dataclass
class RateLimiter:
    """A global bucket plus one bucket per key (chat)."""

    global_rate: float
    per_key_rate: float
    per_key_burst: float = 3.0
    _global: TokenBucket = field(init=False)
    _per_key: dict[str, TokenBucket] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._global = TokenBucket(self.global_rate, max(1.0, self.global_rate))

    async def acquire(self, key: str) -> None:
        bucket = self._per_key.get(key)
        if bucket is None:
            bucket = self._per_key[key] = TokenBucket(self.per_key_rate, self.per_key_burst)
        wait = max(bucket.reserve(), self._global.reserve())
        if wait > 0:
            await asyncio.sleep(wait)  # pacing a send, not a timer: nothing to persist
        self._forget_idle()

    def _forget_idle(self) -> None:
        if len(self._per_key) > 1000:
            for key in [k for k, b in self._per_key.items() if b.full]:
                del self._per_key[key]

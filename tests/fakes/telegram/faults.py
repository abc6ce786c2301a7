"""Fault injection: failing, timing out and rate limiting ("429 storm") the bot's calls."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.fakes.telegram.core import FakeTelegramCore
from tests.fakes.telegram.errors import TelegramAPIError, too_many
from tests.fakes.telegram.params import Params

#: Methods that count as "sending to a chat" for the 429-storm rate limiter.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendVoice",
        "sendVideoNote",
        "sendVideo",
        "sendDocument",
        "sendAudio",
        "sendPhoto",
        "sendAnimation",
        "copyMessage",
        "forwardMessage",
    }
)


@dataclass
class Fault:
    remaining: int
    status: int | str
    retry_after: int | None
    methods: frozenset[str] | None
    description: str | None
    hold: float
    apply: bool


@dataclass
class RateLimit:
    per_chat_interval: float | None
    burst: int
    global_per_second: float | None
    retry_after: int | None
    probability: float | None
    rng: random.Random
    methods: frozenset[str]
    chat_tokens: dict[int | str, tuple[float, float]] = field(default_factory=dict)
    global_sent: list[float] = field(default_factory=list)


class FaultsMixin(FakeTelegramCore):
    """Scripted failures and rate limits, consulted by the dispatcher before each method runs."""

    def fail_next(
        self,
        n: int = 1,
        status: int | str = 429,
        retry_after: int | None = 1,
        methods: Iterable[str] | None = None,
        *,
        description: str | None = None,
        hold: float | None = None,
        apply: bool = False,
    ) -> None:
        """Fail the next ``n`` matching calls.

        ``status``: 429 (with ``parameters.retry_after``), any 4xx/5xx, or ``"timeout"`` which
        holds the request ``hold`` seconds (default ``default_hold``; released when the client
        disconnects) and then answers normally.  With ``apply=True`` a timed-out call takes effect
        before the hold (response lost: the classic duplicate-send scenario).
        """
        self._faults.append(
            Fault(
                remaining=n,
                status=status,
                retry_after=retry_after if status == 429 else None,
                methods=frozenset(methods) if methods is not None else None,
                description=description,
                hold=self.default_hold if hold is None else hold,
                apply=apply,
            )
        )

    def timeout_next(
        self,
        n: int = 1,
        methods: Iterable[str] | None = None,
        hold: float | None = None,
        apply: bool = False,
    ) -> None:
        self.fail_next(n, "timeout", None, methods, hold=hold, apply=apply)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._rate_limit = None

    def rate_limit(
        self,
        per_chat_interval: float | None = 1.0,
        *,
        burst: int = 1,
        global_per_second: float | None = None,
        retry_after: int | None = None,
        probability: float | None = None,
        seed: int = 0,
        methods: Iterable[str] = SEND_METHODS,
    ) -> None:
        """Enable "429 storm" mode (deterministic for a given clock / seed).

        * per chat: token bucket with ``burst`` tokens refilled at ``1/per_chat_interval``; a
          send without a token gets 429 with ``retry_after`` (default: time until a token, ceil).
        * ``global_per_second``: more accepted sends than this in the last second -> 429.
        * ``probability``: additionally fail each send with this probability (seeded RNG).
        Rejected sends do not consume tokens.  ``rate_limit(None)`` with no other limit = off.
        """
        self._rate_limit = RateLimit(
            per_chat_interval=per_chat_interval,
            burst=max(1, burst),
            global_per_second=global_per_second,
            retry_after=retry_after,
            probability=probability,
            rng=random.Random(seed),
            methods=frozenset(methods),
        )

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.methods is None or method in fault.methods:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _check_rate_limit(self, method: str, params: Params) -> None:
        rl = self._rate_limit
        if rl is None or method not in rl.methods:
            return
        now = self.clock()
        try:
            chat_key: int | str | None = params.chat_id()
        except TelegramAPIError:
            chat_key = None
        if rl.probability is not None and rl.rng.random() < rl.probability:
            raise too_many(rl.retry_after or 1)
        if rl.global_per_second is not None:
            rl.global_sent = [t for t in rl.global_sent if now - t < 1.0]
            if len(rl.global_sent) >= rl.global_per_second:
                wait = 1.0 - (now - rl.global_sent[0])
                raise too_many(rl.retry_after or max(1, math.ceil(wait)))
        if rl.per_chat_interval and chat_key is not None:
            rate = 1.0 / rl.per_chat_interval
            tokens, last = rl.chat_tokens.get(chat_key, (float(rl.burst), now))
            tokens = min(float(rl.burst), tokens + (now - last) * rate)
            if tokens < 1.0:
                rl.chat_tokens[chat_key] = (tokens, now)
                wait = (1.0 - tokens) / rate
                raise too_many(rl.retry_after or max(1, math.ceil(wait)))
            rl.chat_tokens[chat_key] = (tokens - 1.0, now)
        if rl.global_per_second is not None:
            rl.global_sent.append(now)

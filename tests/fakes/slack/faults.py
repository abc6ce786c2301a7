"""Fault injection: rate limits (429 + ``Retry-After``), ``ok: false`` errors and HTTP 5xx."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.fakes.slack.core import FakeSlackCore


@dataclass
class RateRule:
    remaining: int
    method: str | None
    retry_after: int


@dataclass
class ErrorRule:
    remaining: int
    method: str | None
    error: str | None  # None -> HTTP 5xx
    status: int


class FaultsMixin(FakeSlackCore):
    """Queues rules that the Web API dispatcher consumes before calling a method handler."""

    def fail_next(self, n: int = 1, method: str | None = None, retry_after: int = 1) -> None:
        """Answer the next ``n`` calls (of ``method``, or any) with 429 + ``Retry-After``."""
        self._rate_rules.append(RateRule(n, method, retry_after))

    def error_next(self, method: str | None, error: str, n: int = 1) -> None:
        """Answer the next ``n`` calls of ``method`` with ``200 {"ok": false, "error": error}``."""
        self._error_rules.append(ErrorRule(n, method, error, 200))

    def lose_answer_next(self, method: str, n: int = 1) -> None:
        """Do the next ``n`` calls of ``method`` but drop the connection instead of
        answering, as when it breaks after Slack accepted the call (the client cannot tell
        whether it happened)."""
        self._lost_answers.append(ErrorRule(n, method, None, 502))

    def server_error_next(self, n: int = 1, method: str | None = None, status: int = 500) -> None:
        """Answer the next ``n`` calls with an HTTP 5xx."""
        self._error_rules.append(ErrorRule(n, method, None, status))

    def _take_rule(self, rules: list[Any], method: str) -> Any:
        for rule in rules:
            if rule.remaining > 0 and (rule.method is None or rule.method == method):
                rule.remaining -= 1
                if rule.remaining == 0:
                    rules.remove(rule)
                return rule
        return None

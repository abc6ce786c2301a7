"""Telegram-shaped API errors raised by the fake's method handlers."""

from __future__ import annotations

from typing import Any


class TelegramAPIError(Exception):
    """Raised inside method handlers; rendered as a Telegram-shaped error response."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> TelegramAPIError:
    return TelegramAPIError(400, f"Bad Request: {description}")


def too_many(retry_after: int) -> TelegramAPIError:
    return TelegramAPIError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def conflict_webhook() -> TelegramAPIError:
    return TelegramAPIError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
        "delete the webhook first",
    )


def not_modified() -> TelegramAPIError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")

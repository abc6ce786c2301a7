"""Our own delivery/download errors; adapters map SDK failures onto these (STYLE rule 10)."""

from __future__ import annotations


class AdapterError(Exception):
    """Base of every adapter failure."""


class DeliveryFailed(AdapterError):
    """A send that may succeed later (429, 5xx, timeout). `retry_after` in seconds if known."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, throttled: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        # A rate limit (not a fault): retried, slower, however often it comes; never failed.
        self.throttled = throttled


class RecipientUnavailable(AdapterError):
    """A send that will never succeed (blocked the bot, chat gone, bad request)."""


class OutsideReplyWindow(AdapterError):
    """The platform refused a free-form message: the user's reply window is closed
    (WhatsApp error 131047); only a template can reach them until they write again."""


class MediaTooLarge(AdapterError):
    """The platform will not let the bot download this file (Telegram: over 20 MB)."""


class MediaUnavailable(AdapterError):
    """The file could not be fetched (expired link, 404, network)."""

"""Drives a bot's ``/slack/events`` endpoint the way Slack does (signed v0 requests).

Every request is signed with the fake's signing secret
(``X-Slack-Signature: v0=hex(hmac_sha256(secret, f"v0:{ts}:{raw_body}"))``). Each send method
takes ``bad_signature=True`` / ``stale=True`` (timestamp 10 minutes old) for negative tests
and returns a :class:`DriverResponse` with the ack status, body and elapsed time.

Assembled from ``driver_transport`` (session, signing), ``driver_events`` (Events API) and
``driver_interactions`` (clicks, modal submissions, slash commands).
"""

from __future__ import annotations

from tests.fakes.slack.driver_events import EventsMixin
from tests.fakes.slack.driver_interactions import InteractionsMixin
from tests.fakes.slack.driver_transport import STALE_AGE_S, DriverResponse, sign

__all__ = ["STALE_AGE_S", "DriverResponse", "SlackDriver", "sign"]


class SlackDriver(EventsMixin, InteractionsMixin):
    """Sends Slack-shaped, signed requests to the bot (``bot_events_url``)."""

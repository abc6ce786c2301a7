"""Events API deliveries of the Slack driver: url_verification, event envelopes and retries."""

from __future__ import annotations

import secrets

from tests.fakes.slack.driver_transport import DriverResponse, DriverTransport
from tests.fakes.slack.records import FakeFile, JsonDict


class EventsMixin(DriverTransport):
    """``url_verification`` and ``event_callback`` envelopes (``message``, ``file_shared``)."""

    # ------------------------------------------------------------------ url_verification

    async def url_verification(
        self, challenge: str | None = None, *, bad_signature: bool = False, stale: bool = False
    ) -> DriverResponse:
        payload = {
            "token": self.fake.verification_token,
            "challenge": challenge or secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return await self._send_json(payload, bad_signature=bad_signature, stale=stale)

    # ------------------------------------------------------------------ Events API

    async def event_callback(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Deliver an Events API envelope; resend with the same ``event_id`` + ``retry_num``."""
        envelope = {
            "token": self.fake.verification_token,
            "team_id": self.fake.team_id,
            "context_team_id": self.fake.team_id,
            "api_app_id": self.fake.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{self._next():010d}",
            "event_time": int(self._clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.fake.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(16)}",
        }
        return await self.resend_event(
            envelope,
            retry_num=retry_num,
            retry_reason=retry_reason,
            bad_signature=bad_signature,
            stale=stale,
        )

    async def resend_event(
        self,
        envelope: JsonDict,
        *,
        retry_num: int | None = 1,
        retry_reason: str = "http_timeout",
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """Send an event envelope (e.g. ``resp.payload`` from a previous delivery) again."""
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self._send_json(
            envelope, extra_headers=headers, bad_signature=bad_signature, stale=stale
        )

    async def message(
        self,
        user_id: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[FakeFile] | None = None,
        channel_type: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        """A human posts ``text`` (optionally with ``files`` from ``fake.add_file``)."""
        msg = self.fake.add_user_message(channel, user_id, text, thread_ts=thread_ts, files=files)
        event: JsonDict = {k: v for k, v in msg.items() if k != "channel"}
        event.update(
            {
                "type": "message",
                "channel": channel,
                "event_ts": msg["ts"],
                "channel_type": channel_type or ("im" if channel.startswith("D") else "channel"),
            }
        )
        return await self.event_callback(
            event, event_id=event_id, retry_num=retry_num, bad_signature=bad_signature, stale=stale
        )

    async def file_shared(
        self,
        user_id: str,
        channel: str,
        file: FakeFile,
        *,
        bad_signature: bool = False,
        stale: bool = False,
    ) -> DriverResponse:
        ts = f"{int(self._clock())}.{self._next():06d}"
        event = {
            "type": "file_shared",
            "channel_id": channel,
            "file_id": file.id,
            "user_id": user_id,
            "file": {"id": file.id},
            "event_ts": ts,
        }
        return await self.event_callback(event, bad_signature=bad_signature, stale=stale)

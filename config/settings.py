"""The one Settings object: environment variables (and `.env`), read once in `main()`.

Names are the ones INTERFACE.md fixes; a platform is on when its credentials are set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/interview-bot.db"
WHATSAPP_TEMPLATE_PURPOSES = ("reminder", "deadline", "decision")
TEMPLATE_PART = re.compile(r"[A-Za-z0-9_]{1,512}")


class SettingInvalid(ValueError):
    """A setting has a value the service cannot use (the CLI prints it as one line)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_DATABASE_URL
    media_dir: Path = Path("./data/media")  # with MEDIA_URL: this machine's cache of it
    media_url: str | None = None  # s3://bucket/prefix: media shared by several machines
    media_s3_endpoint_url: str | None = None  # else AWS_ENDPOINT_URL / the AWS default
    media_cache_hours: float = 24.0  # with MEDIA_URL: cached copies older than this go
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    public_url: str | None = None
    log_level: str = "INFO"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    telegram_bot_username: str | None = None  # learnt from getMe when unset
    telegram_review_chat: int | None = None  # a group's chat id (negative) reviews there

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_review_channel: str | None = None

    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_number: str | None = None
    # Approved message templates (`name:language`, e.g. `interview_reminder:en`) for what
    # must reach a candidate outside WhatsApp's 24-hour window; unset: the message waits.
    whatsapp_template_reminder: str | None = None
    whatsapp_template_deadline: str | None = None
    whatsapp_template_decision: str | None = None

    recruiters: str = ""  # comma list of platform:user_id

    # The web candidate page (/i/<token>) is always on. WEB_SECRET signs its CSRF tokens
    # (unset: a random key kept in MEDIA_DIR/.web-key; set it when several machines serve
    # pages). WEB_DEMO=false stops the first-run demo campaign when no platform is set.
    web_secret: SecretStr | None = None
    web_demo: bool = True

    whisper_model: str | None = None  # None: the bundled tiny.en
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_beam_size: int = 5
    transcribe_workers: int = Field(default_factory=lambda: os.cpu_count() or 1)
    # The PostgreSQL task queue (procrastinate): how often a worker polls for due jobs (a
    # timer's worst lateness) and heartbeats (a killed worker's jobs are retried after 3).
    queue_poll_seconds: float = 1.0
    queue_heartbeat_seconds: float = 10.0
    # How often one process re-queues timers and transcriptions whose job was lost between
    # a commit and the queue (a process killed in that window), 1 to 60 seconds.
    queue_repair_seconds: int = Field(default=60, ge=1, le=60)

    decision_webhook_url: str | None = None
    decision_webhook_secret: SecretStr | None = None
    ats_webhook_secret: SecretStr | None = None  # turns on POST /api/invites (recruiting/ats)

    # Delivery limits (Telegram: ~1 msg/s per chat, ~30/s overall).
    telegram_global_rate: float = 25.0
    telegram_chat_rate: float = 1.0
    delivery_max_attempts: int = 8
    # PostgreSQL: a replica claims an outbound item for this long before sending it; if it
    # dies, another replica sends it once the claim runs out. Keep it above the longest
    # delivery (a large media download or upload), or a slow one may be sent twice.
    outbox_lease_seconds: float = Field(default=300.0, gt=0)
    dead_letter_after_failures: int = 3  # an inbound event failing this often is set aside

    @field_validator("media_url")
    @classmethod
    def _s3_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and not (value.startswith("s3://") and len(value) > 5):
            raise ValueError(f"MEDIA_URL must look like s3://bucket/prefix, not {value!r}")
        return value

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def telegram_webhook_mode(self) -> bool:
        return bool(self.public_url and self.telegram_webhook_secret)

    @property
    def telegram_review_place(self) -> str | None:
        """The default review place in a Telegram group: `telegram:<chat id>`."""
        chat = self.telegram_review_chat
        return f"telegram:{chat}" if chat is not None else None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    @property
    def whatsapp_enabled(self) -> bool:
        return self.whatsapp_token is not None and self.whatsapp_phone_number_id is not None

    @property
    def whatsapp_templates(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """purpose -> (template name, its language codes; the first is the fallback).
        `name:en` or `name:en,es` (approved in several languages: the candidate's picks).
        SettingInvalid names a malformed one."""
        templates: dict[str, tuple[str, tuple[str, ...]]] = {}
        for purpose in WHATSAPP_TEMPLATE_PURPOSES:
            value = getattr(self, f"whatsapp_template_{purpose}")
            if not value:
                continue
            name, _, codes = value.strip().partition(":")
            languages = tuple(codes.split(","))
            if not TEMPLATE_PART.fullmatch(name) \
                    or not all(TEMPLATE_PART.fullmatch(code) for code in languages):
                raise SettingInvalid(f"WHATSAPP_TEMPLATE_{purpose.upper()} must be "
                                     f"name:language or name:language,language (e.g. "
                                     f"interview_{purpose}:en,es), not {value!r}")
            templates[purpose] = (name, languages)
        return templates

    @property
    def candidate_platforms_enabled(self) -> bool:
        """Whether a chat platform reaches candidates (else the web page is the way in)."""
        return self.telegram_enabled or self.whatsapp_enabled

    @property
    def web_base_url(self) -> str:
        """Where candidates' browsers reach this service: PUBLIC_URL, else the local server."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "::", "") else self.http_host
        return f"http://{host}:{self.http_port}"

    @property
    def recruiter_ids(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.recruiters.split(",") if r.strip())

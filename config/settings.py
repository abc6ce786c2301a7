"""The one Settings object: environment variables (and `.env`), read once in `main()`.

Names are the ones INTERFACE.md fixes; a platform is on when its credentials are set.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/interview-bot.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_DATABASE_URL
    media_dir: Path = Path("./data/media")
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

    decision_webhook_url: str | None = None
    decision_webhook_secret: SecretStr | None = None

    # Delivery limits (Telegram: ~1 msg/s per chat, ~30/s overall).
    telegram_global_rate: float = 25.0
    telegram_chat_rate: float = 1.0
    delivery_max_attempts: int = 8
    dead_letter_after_failures: int = 3  # an inbound event failing this often is set aside

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

"""WhatsApp's registration (Cloud API channel and webhook), imported by
`bot/cli/platforms.py` only when WhatsApp is on."""

from __future__ import annotations

from adapters.ratelimit import RateLimiter
from adapters.whatsapp.inbound import DeliveryStatus
from adapters.whatsapp.transport import WhatsAppChannel
from adapters.whatsapp.webhook import WhatsAppWebhook
from bot.cli.app import Service
from bot.runtime.statuses import DeliveryReports
from config.settings import Settings
from conversations.events import Platform

# WhatsApp Cloud API: 80 messages/s per business number by default; per candidate a short
# burst, then about one a second; the pair rate limit (error 131056) slows that candidate's
# lane down further (bot/runtime/delivery.py), without losing or reordering anything.
WHATSAPP_GLOBAL_RATE = 80.0
WHATSAPP_CHAT_RATE = 1.0
WHATSAPP_CHAT_BURST = 5.0


def add_whatsapp(service: Service, settings: Settings) -> WhatsAppChannel:
    """WhatsApp candidates: the Cloud API channel and its webhook at `/whatsapp/webhook`
    (GET verification, signed POSTs). Needs the app secret and verify token as well."""
    token, secret, verify = (settings.whatsapp_token, settings.whatsapp_app_secret,
                             settings.whatsapp_verify_token)
    if token is None or settings.whatsapp_phone_number_id is None:
        raise ValueError("add_whatsapp needs WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID")
    if secret is None or verify is None:
        raise ValueError("WhatsApp needs WHATSAPP_APP_SECRET (webhook signatures) and "
                         "WHATSAPP_VERIFY_TOKEN (webhook verification) as well")
    statuses = service.metrics.delivery_statuses
    reports = DeliveryReports(db=service.db, clock=service.clock,
                              wake_outbox=service.dispatcher.wake,
                              max_attempts=settings.delivery_max_attempts,
                              alert=service.dispatcher.alert)
    service.dispatcher.after_sent = reports.replay

    async def report(status: DeliveryStatus) -> None:
        statuses.labels(Platform.WHATSAPP, status.status or "unknown").inc()
        await reports.record(status.message_id, status.status, status.errors)

    channel = WhatsAppChannel(
        token=token.get_secret_value(), phone_number_id=settings.whatsapp_phone_number_id,
        api_url=settings.whatsapp_api_url, app_secret=secret.get_secret_value(),
        limiter=RateLimiter(WHATSAPP_GLOBAL_RATE, WHATSAPP_CHAT_RATE, WHATSAPP_CHAT_BURST),
        on_status=report, templates=settings.whatsapp_templates,
    )
    service.add_channel(channel)
    webhook = WhatsAppWebhook(channel, verify.get_secret_value())
    service.routes["/whatsapp/webhook"] = webhook.handle
    return channel

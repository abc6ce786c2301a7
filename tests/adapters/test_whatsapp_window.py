"""The WhatsApp channel and the fake Cloud API around the 24-hour window: templates, the
error codes that say "outside the window" or "slow down", and the fake keeping the rule."""

from __future__ import annotations

import pytest

from adapters.errors import DeliveryFailed, OutsideReplyWindow, RecipientUnavailable
from conversations.messages import RenderedMessage
from tests.adapters.test_whatsapp_channel import ANN, TO, Bot, bot, fake
from tests.fakes.whatsapp import FakeWhatsApp

__all__ = ["bot", "fake"]  # the fixtures


async def test_a_template_goes_out_with_its_body_parameters(fake: FakeWhatsApp, bot: Bot) -> None:
    fake.templates["interview_reminder"] = ("en", 2)
    assert bot.channel.has_template("reminder") and not bot.channel.has_template("thanks")
    sent = await bot.channel.send_template(TO, "reminder", ["2026-12-07 09:00 UTC", "5 h"])
    [message] = fake.sent
    assert message.id == sent.message_id and message.template == "interview_reminder"
    assert message.payload["template"]["language"] == {"code": "en"}
    assert message.text == "template:interview_reminder 2026-12-07 09:00 UTC | 5 h"


async def test_the_candidates_language_picks_the_template_language(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    """WHATSAPP_TEMPLATE_DEADLINE=interview_closed:en,es: Spanish for a Spanish kit, the same
    for a regional variant of it, the first listed for a language not approved."""
    fake.templates["interview_closed"] = ("en,es", 1)
    for language in ("es", "es_MX", "de", None):
        await bot.channel.send_template(TO, "deadline", ["2026-12-07 09:00 UTC"], language)
    codes = [m.payload["template"]["language"]["code"] for m in fake.sent]
    assert codes == ["es", "es", "en", "en"] and fake.refused == []


async def test_the_fake_refuses_unknown_templates_and_wrong_parameter_counts(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    with pytest.raises(RecipientUnavailable):  # not approved (132001)
        await bot.channel.send_template(TO, "decision", [])
    fake.templates["interview_news"] = ("en", 0)
    with pytest.raises(RecipientUnavailable):  # 132000: one parameter too many
        await bot.channel.send_template(TO, "decision", ["x"])
    assert [r.code for _, r in fake.refused] == [132001, 132000] and fake.sent == []


@pytest.mark.parametrize(("code", "error"), [
    (131047, OutsideReplyWindow), (131056, DeliveryFailed), (130429, DeliveryFailed),
    (80007, DeliveryFailed), (131026, RecipientUnavailable),
])
async def test_error_codes_map_to_what_delivery_does_about_them(
    fake: FakeWhatsApp, bot: Bot, code: int, error: type[Exception]
) -> None:
    fake.fail_next_sends(400, code=code, retry_after=3.0 if code == 130429 else None)
    with pytest.raises(error) as raised:
        await bot.channel.send(TO, RenderedMessage("Hello"))
    if isinstance(raised.value, DeliveryFailed):
        assert raised.value.throttled  # a rate limit: waited out, never given up
        assert raised.value.retry_after == (3.0 if code == 130429 else None)


async def test_the_fake_keeps_the_window_from_the_users_last_message(
    fake: FakeWhatsApp, bot: Bot
) -> None:
    fake.window.enforced = True
    await bot.channel.send(TO, RenderedMessage("Nobody wrote yet"))
    await fake.wait_until(lambda: bot.statuses or None, what="the failed status")
    assert [(s.status, s.errors[0][0]) for s in bot.statuses] == [("failed", 131047)]
    assert fake.sent == [] and [m.text for m in fake.outside_window] == ["Nobody wrote yet"]
    fake.window.closes_in(30)  # what Ann writes now is stamped almost a day ago
    await fake.user(ANN, "Ann").send_text("Hello")
    await bot.channel.send(TO, RenderedMessage("Within the window"))
    fake.window.offset += 31  # 31 s later, her window has closed
    await bot.channel.send(TO, RenderedMessage("Too late"))
    assert [m.text for m in fake.sent] == ["Within the window"]
    assert [m.text for m in fake.outside_window] == ["Nobody wrote yet", "Too late"]

"""Who is told when a candidate cannot be reached: RECRUITERS on a chat platform that is on,
in their private chat with the bot (Telegram: the user's id; Slack: a DM to the user id)."""

from __future__ import annotations

from bot.recruiting.alerts import RecruiterAlerts, undeliverable_text
from conversations.events import ConversationRef
from conversations.state import InterviewState

RECRUITERS = frozenset({"telegram:42", "slack:U0RITA", "whatsapp:447700900123", "slack:"})


def test_only_recruiters_on_a_running_chat_platform_are_told() -> None:
    both = RecruiterAlerts(RECRUITERS, platforms_on=lambda: {"slack", "telegram", "whatsapp"})
    assert both.recruiters() == [ConversationRef("slack", "U0RITA", "U0RITA"),
                                 ConversationRef("telegram", "42", "42")]
    telegram_only = RecruiterAlerts(RECRUITERS, platforms_on=lambda: {"telegram", "web"})
    assert telegram_only.recruiters() == [ConversationRef("telegram", "42", "42")]


def test_the_note_names_the_candidate_the_campaign_and_what_to_do() -> None:
    state = InterviewState(interview_id="abc123", campaign_id="c1", kit_version_id="v1",
                           invite_token="t", candidate_name="Ada Lovelace",
                           candidate=ConversationRef("whatsapp", "447700900123", "447700900123"))
    text = undeliverable_text(state, "Backend (backend)", "131026 Message undeliverable",
                              "/interview ")
    assert text.startswith("Ada Lovelace (campaign Backend (backend)) cannot be reached on "
                           "WhatsApp")
    assert "contact them another way" in text and "/interview extend abc123 2d" in text
    assert "447700900123" not in text

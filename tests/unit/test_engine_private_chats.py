"""Candidate interviews only in private chats (issue 16, item 5): an invite opened in a group
is refused and stays unused; a button is answered only for the interview's owner."""

from __future__ import annotations

from dataclasses import replace

from conversations.buttons import Action
from conversations.effects import BindInvite, Notify, Send
from conversations.engine import decide
from conversations.events import ButtonPressed, CommandReceived, ConversationRef, Started
from conversations.state import Phase
from tests.unit.engine_script import KIT, ME, T0, make_state, press, render_all, text_ids

GROUP = ConversationRef(platform="telegram", chat_id="-100500", user_id="100")
MEMBER = ConversationRef(platform="telegram", chat_id="-100500", user_id="300")


def test_an_invite_opened_in_a_group_is_refused_and_stays_unused() -> None:
    invited = make_state(Phase.INVITED, candidate=None, opened_at=None)
    event = Started(invite_token="tok", event_id="g1", occurred_at=T0, conversation=GROUP,
                    private=False)
    decision = decide(invited, event, T0, KIT)
    assert text_ids(decision) == ["invite.private_only"]
    assert "private chat with me" in render_all(decision)[0].text
    assert [e.to for e in decision.effects if isinstance(e, Send)] == [GROUP]
    assert not any(isinstance(e, BindInvite) for e in decision.effects)
    assert decision.state == invited


def test_an_unknown_invite_in_a_group_gets_the_same_answer() -> None:
    event = Started(invite_token="nope", event_id="g2", occurred_at=T0, conversation=GROUP,
                    private=False)
    assert text_ids(decide(None, event, T0, KIT)) == ["invite.private_only"]


def test_a_button_pressed_by_someone_else_changes_nothing() -> None:
    in_group = make_state(Phase.CONSENT, candidate=GROUP)
    pressed = press(Action.CONSENT_YES)
    by_member = ButtonPressed(payload=pressed.payload, event_id="g3", occurred_at=T0,
                              conversation=MEMBER)
    decision = decide(in_group, by_member, T0, KIT)
    assert text_ids(decision) == ["button.not_yours"]
    assert [e.to for e in decision.effects if isinstance(e, Send)] == [MEMBER]
    assert [e.what for e in decision.effects if isinstance(e, Notify)] == ["button_by_other"]
    assert decision.state == in_group


def test_the_owner_still_presses_their_buttons() -> None:
    consent = make_state(Phase.CONSENT, candidate=ME)
    decision = decide(consent, replace(press(Action.CONSENT_YES)), T0, KIT)
    assert decision.state is not None and decision.state.phase is not Phase.CONSENT


def test_the_name_the_recruiter_invited_stays_the_candidates_name() -> None:
    """The recruiter's name for the candidate (from the roster, the ATS) is the one reviews,
    alerts and exports use: a platform's display name ("Ada", "🌸 mum", a handle) only fills
    in for an invite made without a name. Slack's click carries no display name at all."""
    invited = make_state(Phase.INVITED, candidate=None, opened_at=None,
                         candidate_name="Ada Lovelace")
    event = Started(invite_token="tok", event_id="s1", occurred_at=T0, conversation=ME)
    decision = decide(invited, event, T0, KIT)
    assert decision.state is not None and decision.state.candidate_name == "Ada Lovelace"
    named = replace(event, display_name="Ada")
    assert (decide(invited, named, T0, KIT).state or invited).candidate_name == "Ada Lovelace"
    unnamed = replace(invited, candidate_name=None)
    assert (decide(unnamed, named, T0, KIT).state or unnamed).candidate_name == "Ada"


def test_other_commands_in_a_group_are_left_alone() -> None:
    """A slash command in a group (a reviewer's `/help`, a member's `/status`) reaches the
    engine only so that a recruiter's command can be refused there; the engine says nothing
    in a group, where no interview runs."""
    for name in ("help", "status", "pause"):
        event = CommandReceived(event_id=f"g-{name}", occurred_at=T0, conversation=GROUP,
                                name=name, private=False)
        assert decide(None, event, T0, KIT).effects == ()

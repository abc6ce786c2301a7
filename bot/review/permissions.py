"""Who may act on a submission: recruiters decide and score; members of the review place
score; nobody scores or decides their own interview (candidate and reviewers can share a
workspace or a Telegram account base).

Recruiters are RECRUITERS, plus people the web board signed in with a recruiter link: the
board vouches for them in the `ReviewerRef` it makes (its place, the `BOARD_ROLE` handle);
no other channel acts from the board's place."""

from __future__ import annotations

from dataclasses import dataclass

from bot.review.places import ReviewPlaces
from conversations.events import ConversationRef
from conversations.review_board import BOARD_PLACE, BOARD_ROLE, RECRUITER
from conversations.review_port import ReviewerRef


@dataclass
class Gate:
    places: ReviewPlaces
    recruiters: frozenset[str]  # RECRUITERS: "<platform>:<user id>"

    def is_recruiter(self, who: ReviewerRef) -> bool:
        vouched = who.place == BOARD_PLACE and who.handles.get(BOARD_ROLE) == RECRUITER
        return who.actor in self.recruiters or vouched

    async def can_score(
        self, who: ReviewerRef, place: str, candidate: ConversationRef | None
    ) -> bool:
        """Raises AdapterError when the platform cannot tell (callers say "try again")."""
        if is_candidate(who, candidate):
            return False
        if self.is_recruiter(who):
            return True
        channel = self.places.channel_for(place)
        return channel.platform == who.platform and await channel.is_member(place, who.user_id)


def is_candidate(who: ReviewerRef, candidate: ConversationRef | None) -> bool:
    return (candidate is not None and candidate.platform == who.platform
            and candidate.user_id == who.user_id)

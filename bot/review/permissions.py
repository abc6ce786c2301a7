"""Who may act on a submission: recruiters decide and score; review-channel members score."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.slack.transport import SlackWeb


@dataclass
class Gate:
    """Who may do what: recruiters decide and score; review-channel members score."""

    slack: SlackWeb
    recruiters: frozenset[str]

    def is_recruiter(self, user: str) -> bool:
        return f"slack:{user}" in self.recruiters

    async def can_score(self, user: str, channel: str) -> bool:
        """Raises AdapterError when Slack cannot tell (callers say "try again")."""
        return self.is_recruiter(user) or user in await self.slack.members(channel)

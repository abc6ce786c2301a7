"""Where submissions are reviewed: every reviewer channel that is on, and which one owns a
review place (a kit's `review_channel`, else the first default place that is set)."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.errors import RecipientUnavailable
from config.kit import Kit
from conversations.review_port import ReviewChannel

NO_PLACE = ("no review place: set the kit's review_channel, SLACK_REVIEW_CHANNEL or "
            "TELEGRAM_REVIEW_CHAT")


@dataclass
class ReviewPlaces:
    channels: list[ReviewChannel] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)  # in order of preference

    def add(self, channel: ReviewChannel, default_place: str | None) -> None:
        self.channels.append(channel)
        if default_place:
            self.defaults.append(default_place)

    def place_for(self, kit: Kit) -> str:
        place = kit.review_channel or next(iter(self.defaults), None)
        if not place:
            raise RecipientUnavailable(NO_PLACE)
        return place

    def channel_for(self, place: str) -> ReviewChannel:
        for channel in self.channels:
            if channel.owns(place):
                return channel
        raise RecipientUnavailable(f"no reviewer channel is on for review place {place!r}")

    def channel_of(self, *places: str | None) -> ReviewChannel | None:
        """The channel of the first of `places` one owns (a click's own place, else its
        post's); None when none does (a malformed click names no place)."""
        for place in places:
            if place:
                for channel in self.channels:
                    if channel.owns(place):
                        return channel
        return None

    async def member_place(self, kit: Kit, platform: str, user_id: str) -> str | None:
        """The kit's review place when `user_id` (on `platform`) is a member of it, else
        None: someone invited there would see their own submission posted."""
        try:
            place = self.place_for(kit)
        except RecipientUnavailable:
            return None  # nowhere to post yet: nothing to see
        channel = self.channel_of(place)
        if channel is None or channel.platform != platform:
            return None
        return place if await channel.is_member(place, user_id) else None

"""Sign-in to the web reviewer board: one-time links and the sessions they open.

`mint_reviewer_link` is what `interview-bot reviewer-link NAME [--recruiter]` prints and what
the first run (issue 13 part A) calls for its demo reviewer. A link works once, for
`LINK_TTL`; opening it gives the browser a session for `SESSION_TTL`. Only SHA-256 hashes
of links and session cookies are stored. Who a link is for: a plain name or e-mail becomes
the board identity `web:<name>` (on the board's reviewer list from then on); a platform
identity as RECRUITERS writes it (`slack:U123`, `telegram:42`) signs that person in as
themselves, so their scores are one sheet wherever they score and RECRUITERS applies.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.runtime.clock import Clock, system_clock
from config.settings import Settings
from conversations.review_board import WEB_PLATFORM, BoardUser
from storage.db import Database

LINK_TTL = timedelta(days=3)
SESSION_TTL = timedelta(days=7)
SIGN_IN_PATH = "/review/signin/"
NAME_MAX = 190
PLATFORM_IDENTITY = re.compile(r"^(slack|telegram|whatsapp):[A-Za-z0-9_-]{1,64}$")


class BadReviewerName(ValueError):
    """The name cannot identify a reviewer (empty, too long, control characters)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for(name: str) -> str:
    """`web:<name>` for a name or e-mail; a platform identity as it is."""
    name = name.strip()
    if not name or len(name) > NAME_MAX or any(not ch.isprintable() for ch in name):
        raise BadReviewerName(
            f"a reviewer is a name or e-mail of 1 to {NAME_MAX} printable characters")
    if PLATFORM_IDENTITY.match(name):
        return name
    return f"{WEB_PLATFORM}:{name.removeprefix(WEB_PLATFORM + ':')}"


async def mint_reviewer_link(
    db: Database, settings: Settings, name: str, *, recruiter: bool = False,
    clock: Clock = system_clock,
) -> str:
    """A one-time sign-in link to the board for `name` (raises BadReviewerName)."""
    actor = actor_for(name)
    token = secrets.token_urlsafe(32)
    async with db.unit_of_work() as uow:
        await uow.board.add_link(token_hash(token), actor, recruiter, clock() + LINK_TTL)
        await uow.audit.log("cli", "reviewer_link_made", None,
                            {"actor": actor, "recruiter": recruiter}, clock())
        await uow.commit()
    return f"{settings.web_base_url}{SIGN_IN_PATH}{token}"


@dataclass
class BoardSignIn:
    db: Database
    recruiters: frozenset[str]  # RECRUITERS
    clock: Clock = system_clock

    async def sign_in(self, link_token: str) -> tuple[str, BoardUser] | None:
        if not link_token or len(link_token) > 200:
            return None
        session_token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        async with self.db.unit_of_work() as uow:
            found = await uow.board.consume_link(token_hash(link_token))
            if found is None:
                return None
            actor, recruiter = found
            await uow.board.add_session(token_hash(session_token), actor, recruiter, csrf,
                                        self.clock() + SESSION_TTL)
            await uow.audit.log(actor, "board_signed_in", None, {}, self.clock())
            await uow.commit()
        return session_token, self._user(actor, recruiter, csrf)

    async def user(self, session_token: str) -> BoardUser | None:
        if not session_token or len(session_token) > 200:
            return None
        async with self.db.unit_of_work(read_only=True) as uow:
            found = await uow.board.session(token_hash(session_token))
        return self._user(found.actor, found.recruiter, found.csrf) if found else None

    async def sign_out(self, session_token: str) -> None:
        async with self.db.unit_of_work() as uow:
            await uow.board.end_session(token_hash(session_token))
            await uow.commit()

    async def is_reviewer(self, actor: str) -> bool:
        async with self.db.unit_of_work(read_only=True) as uow:
            return await uow.board.is_listed(actor)

    def _user(self, actor: str, recruiter: bool, csrf: str) -> BoardUser:
        return BoardUser(actor=actor, recruiter=recruiter or actor in self.recruiters,
                         csrf=csrf)

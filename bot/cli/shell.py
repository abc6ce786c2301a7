"""`interview-bot shell SLUG`: a real interview in the terminal on the real engine and storage.

The same Service as `run` (runtime, outbox, timers that really tick), with the terminal as
the only channel. The person's open interview of the campaign is resumed (`--new` withdraws
it and starts over); each interview is its own conversation, so nothing typed here can
reach another one. The shell fires its interview's timers itself, from memory, while it
runs (see `TimerScope`); timers that fell due while it was closed fire once on resume.
It ends when the interview is over and every message has been shown, or on Ctrl-D.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.shell.channel import PLATFORM, Notice, ShellChannel
from bot.cli.app import Service
from bot.cli.shell_media import recording_of
from bot.runtime.effects import AfterCommit
from config.settings import Settings
from conversations.buttons import Action, ButtonPayload
from conversations.events import ButtonPressed, CommandReceived, ConversationRef, Started
from conversations.state import InterviewState
from storage.records import Campaign, CampaignStatus

log = logging.getLogger(__name__)
TRANSCRIPTS_WAIT_S = 300.0

INTRO = """\
Interview shell: "{title}", as {name}.
  Type your answer and press Enter. Choices are numbered: type 1, 2 … to pick one.
  Send a recording or a file as @ and its path, e.g. @~/answer.ogg, and add --as voice,
  --as video_note, --as video or --as document to say what it is; otherwise the shell
  looks at the file (a square video of up to 60 s is a video note).
  /status, /help, /pause and /withdraw work as in the app. Ctrl-D leaves; run the same
  command again to carry on where you left off.
"""


@dataclass
class ShellSession:
    slug: str
    name: str
    new: bool

    @property
    def person(self) -> str:
        """Who is at the terminal: their name (the shell has no account to go by), so
        `--name Ada` always finds Ada's interview."""
        return " ".join(self.name.split()).casefold()

    def again(self) -> str:
        return f"interview-bot shell {shlex.quote(self.slug)} --name {shlex.quote(self.name)}"


@dataclass
class _Commits:
    """Wakes the conversation loop after every commit (a timer may have ended it)."""

    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def on_commit(self, _after: AfterCommit) -> None:
        self.changed.set()


async def run_shell(settings: Settings, session: ShellSession, log_note: str) -> int:
    service = await Service.create(settings)
    channel = ShellChannel(probe=recording_of)
    service.add_channel(channel)
    commits = _Commits()
    service.listeners.append(commits)
    try:
        campaign = await _live_campaign(service, session.slug)
        old, state = await _open_interview(service, campaign, session)
        # Before the timers start: they are this interview's only, kept in memory.
        service.use_terminal_timers(state.interview_id)
        channel.attach(ConversationRef(PLATFORM, state.interview_id, session.person))
        channel.write(INTRO.format(title=campaign.title, name=session.name) + log_note)
        await service.start(serve_http=False)
        if old is not None and session.new:
            await _withdraw(service, old)
        await service.handle(_started(channel.conversation, session.name, state))
        finished = await _converse(service, channel, state.interview_id, commits.changed)
        await service.dispatcher.drain()
        if finished:
            await _wait_for_transcripts(service, channel, state.interview_id, commits.changed)
            channel.write(f"(The interview is over. What reviewers see: "
                          f"interview-bot show {state.interview_id})")
        else:
            channel.write(f"\nBye for now. Your answers so far are saved; to carry on, run:\n"
                          f"  {session.again()}")
        return 0
    finally:
        await service.stop()


async def _live_campaign(service: Service, slug: str) -> Campaign:
    async with service.db.unit_of_work(read_only=True) as uow:
        campaign = await uow.campaigns.by_slug(slug)
    if campaign is not None and campaign.status == CampaignStatus.LIVE:
        return campaign
    if campaign is None:
        why = f"no campaign {slug!r} (see: interview-bot campaign list)"
    else:
        why = (f"campaign {slug!r} is {campaign.status}, not live "
               f"(publish it: interview-bot campaign publish {slug})")
    raise ShellRefused(why)


class ShellRefused(Exception):
    """The shell cannot start; the message is one plain line for the person."""


async def _open_interview(
    service: Service, campaign: Campaign, session: ShellSession
) -> tuple[InterviewState | None, InterviewState]:
    """(the person's open interview, the one to run now): the same unless --new."""
    async with service.db.unit_of_work() as uow:
        old = await uow.interviews.open_for_person(campaign.id, PLATFORM, session.person)
        if old is not None and not session.new:
            return old, old
        state = await uow.interviews.create_invite(
            campaign.id, campaign.kit_version_id, session.name)
        await uow.commit()
    return old, state


def _started(conversation: ConversationRef, name: str, state: InterviewState) -> Started:
    """Opening the invite again is how a person comes back; the engine says where they were."""
    now = datetime.now(UTC)
    return Started(
        event_id=f"shell:start:{state.interview_id}:{now.timestamp()}", occurred_at=now,
        conversation=conversation, language="en", display_name=name,
        invite_token=state.invite_token,
    )


async def _withdraw(service: Service, old: InterviewState) -> None:
    """--new: the interview left open is withdrawn through the engine, as if the person had
    typed /withdraw and confirmed, so it is counted and its timers stop."""
    assert old.candidate is not None
    now = datetime.now(UTC)
    stamp = f"{old.interview_id}:{now.timestamp()}"
    await service.handle(CommandReceived(
        event_id=f"shell:withdraw:{stamp}", occurred_at=now, conversation=old.candidate,
        language="en", name="withdraw", args=""))
    await service.handle(ButtonPressed(
        event_id=f"shell:confirm:{stamp}", occurred_at=now, conversation=old.candidate,
        language="en", payload=ButtonPayload(Action.WITHDRAW_CONFIRM, old.interview_id).pack()))


async def _converse(
    service: Service, channel: ShellChannel, interview_id: str, changed: asyncio.Event
) -> bool:
    """Lines in, events out, until the interview is over (True) or input ends (False)."""
    line_task: asyncio.Task[str | None] | None = None
    try:
        while True:
            changed.clear()
            if await _finished(service, interview_id):
                return True
            line_task = line_task or asyncio.create_task(channel.lines.get())
            woken = asyncio.create_task(changed.wait())
            await asyncio.wait({line_task, woken}, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            if not line_task.done():
                continue
            line, line_task = line_task.result(), None
            if line is None:
                return False
            await _take(service, channel, line)
    finally:
        if line_task is not None:
            line_task.cancel()


async def _take(service: Service, channel: ShellChannel, line: str) -> None:
    # Show every pending message first, so a typed number means the choices on screen.
    await service.dispatcher.drain()
    event = channel.event_for(line)
    if event is None:
        channel.prompt()
    elif isinstance(event, Notice):
        channel.notice(event.text)
    else:
        await service.handle(event)


async def _finished(service: Service, interview_id: str) -> bool:
    async with service.db.unit_of_work(read_only=True) as uow:
        state = await uow.interviews.get(interview_id)
    return state is not None and state.is_final


async def _wait_for_transcripts(
    service: Service, channel: ShellChannel, interview_id: str, changed: asyncio.Event
) -> None:
    """Recordings are transcribed here, so `show` has them when the shell ends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TRANSCRIPTS_WAIT_S
    told = False
    while loop.time() < deadline:
        changed.clear()
        async with service.db.unit_of_work(read_only=True) as uow:
            if await uow.transcripts.all_done(interview_id):
                return
        if not told:
            channel.write("(Transcribing your recordings for the reviewers…)")
            told = True
        try:
            await asyncio.wait_for(changed.wait(), deadline - loop.time())
        except TimeoutError:
            break
    channel.write("(Some transcripts are still being made; `interview-bot run` finishes them.)")

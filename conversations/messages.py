"""Outbound messages in neutral form: a catalog key plus parameters, and buttons.

The engine never builds sentences: it names a catalog entry (`text_id`) and the values
to fill in. `bot/` renders the text in the candidate's language from the gettext catalog
(see `conversations/texts.py`) and each adapter renders buttons within its platform's limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ParamValue = str | int | float


@dataclass(frozen=True, slots=True)
class Button:
    label_id: str  # catalog key of the label
    payload: str  # packed ButtonPayload, <= 64 bytes
    label_params: tuple[tuple[str, ParamValue], ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    text_id: str
    params: tuple[tuple[str, ParamValue], ...] = ()
    buttons: tuple[Button, ...] = ()
    # Free text a person wrote (kit question, intro, consent); shown verbatim, never translated.
    verbatim: str | None = None
    # Marks the one status message the runtime edits in place (countdown / status).
    status_slot: str | None = None

    @property
    def param_dict(self) -> dict[str, ParamValue]:
        return dict(self.params)


def msg(
    text_id: str,
    *,
    buttons: tuple[Button, ...] = (),
    verbatim: str | None = None,
    status_slot: str | None = None,
    **params: ParamValue,
) -> Message:
    """Shorthand used by the engine: `msg("answer.too_long", max_seconds=120)`."""
    return Message(
        text_id=text_id,
        params=tuple(sorted(params.items())),
        buttons=buttons,
        verbatim=verbatim,
        status_slot=status_slot,
    )


SLOT_REF_PREFIX = "slot:"


def slot_ref(slot: str) -> str:
    """An `Edit` target naming a status slot instead of a platform message id: the runtime
    resolves it to the last message sent in that slot (the engine never sees platform ids)."""
    return f"{SLOT_REF_PREFIX}{slot}"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a recruiter's export, links CSV or status chart)."""

    file_name: str
    mime: str
    data: bytes


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A message after catalog lookup: what adapters actually send."""

    text: str
    buttons: tuple[tuple[str, str], ...] = field(default=())  # (label, payload)
    status_slot: str | None = None
    # Buttons the platform cannot show, listed in the text as numbered replies (`fitting.py`).
    choices: tuple[tuple[str, str], ...] = field(default=())
    attachment: Attachment | None = None  # the text is then its caption

"""A recruiter command's answer: text, and sometimes a file (an export, a links CSV, a chart).
Where no file can go back (a Slack slash command's reply), `without_file` is said instead."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.messages import Attachment


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    attachment: Attachment | None = None
    without_file: str = ""

    def as_text(self) -> str:
        if self.attachment is not None and self.without_file:
            return self.without_file
        return self.text

"""Records the fake Slack keeps (calls, files) and the error a Web API handler raises."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]
# A Web API method handler: ``(params, token) -> response body``.
ApiHandler = Callable[[JsonDict, str], Awaitable[JsonDict]]


@dataclass
class Call:
    """One request the fake received (Web API method or a pseudo method, see ``FakeSlack``)."""

    method: str
    params: JsonDict
    token: str | None
    status: int
    response: JsonDict
    at: float


@dataclass
class FakeFile:
    id: str
    name: str
    title: str
    length: int
    user: str
    created: int
    content: bytes | None = None
    mimetype: str = "application/octet-stream"
    channels: list[str] = field(default_factory=list)
    thread_ts: str | None = None
    initial_comment: str | None = None
    url_private: str = ""
    url_private_download: str = ""
    subtype: str | None = None  # "slack_audio" / "slack_video": a clip recorded in Slack
    duration_ms: int | None = None

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    def to_api(self) -> JsonDict:
        filetype = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"
        extra: JsonDict = {"subtype": self.subtype} if self.subtype else {}
        if self.duration_ms is not None:
            extra["duration_ms"] = self.duration_ms
        return {
            **extra,
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": self.user,
            "size": len(self.content) if self.content is not None else self.length,
            "mode": "hosted",
            "is_external": False,
            "is_public": bool(self.channels),
            "url_private": self.url_private,
            "url_private_download": self.url_private_download,
            "permalink": f"https://fake.slack.com/files/{self.user}/{self.id}/{self.name}",
            "channels": list(self.channels),
            "groups": [],
            "ims": [],
        }


class SlackApiFailure(Exception):
    """Raised inside a method handler to answer ``200 {"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def require(params: JsonDict, *names: str) -> None:
    for name in names:
        if params.get(name) in (None, ""):
            raise SlackApiFailure("invalid_arguments", needed=name)

"""Campaign slugs: part of links and commands, so lowercase letters, digits, single dashes."""

from __future__ import annotations

import re

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def is_slug(text: str) -> bool:
    return len(text) <= SLUG_MAX and SLUG_RE.match(text) is not None


def suggest_slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:SLUG_MAX].strip("-") or "campaign"

"""Text from platforms made safe for every supported database, at the adapter boundary.

PostgreSQL refuses U+0000 in `text`/`varchar`, and no driver can encode a lone UTF-16
surrogate (JSON allows `"\\ud800"`, Python decodes it, UTF-8 cannot carry it). One such
character in a first name or an answer would fail the whole transaction on every retry, so
every string is cleaned before it becomes an event: NUL removed, lone surrogates replaced by
U+FFFD. Ids are checked to fit the signed 64-bit integers the platforms promise.
"""

from __future__ import annotations

import re
from typing import Any

_NUL = "\x00"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def safe_text(text: str) -> str:
    """`text` without NUL and with every lone surrogate replaced (a no-op for clean text)."""
    if _NUL in text:
        text = text.replace(_NUL, "")
    if _SURROGATE.search(text):
        # Valid pairs never reach here as surrogates: Python joins them when decoding JSON.
        text = _SURROGATE.sub(REPLACEMENT, text)
    return text


def safe_json(value: Any) -> Any:
    """Every string (keys too) of a decoded JSON value made safe, recursively."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(str(k)): safe_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe_json(v) for v in value]
    return value


def is_int64(value: object) -> bool:
    """An integer (not a bool) that fits a signed 64-bit column."""
    return isinstance(value, int) and not isinstance(value, bool) and (
        INT64_MIN <= value <= INT64_MAX
    )

"""Lossless JSON codec for InterviewState, driven by the dataclass type hints.

The engine's state grows while the project grows, so nothing here lists its fields: every
field of `InterviewState` (and of the nested frozen dataclasses: AnswerPart, KeptAnswer,
ConversationRef) is written and read back according to its annotation. Supported annotations:
str, int, float, bool, None, StrEnum subclasses, aware datetimes (ISO 8601, UTC), frozen
dataclasses, `tuple[X, ...]`, `frozenset[str]`, `dict[str, X]` and unions with None.
A missing key decodes to the field default, so a field added later with a default reads old
rows fine. An unsupported annotation fails loudly on first use (and in the contract tests).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any, Union

from conversations.state import InterviewState

FORMAT_VERSION = 1
_VERSION_KEY = "v"


def state_to_json(state: InterviewState) -> str:
    return json.dumps(state_to_dict(state), ensure_ascii=False, sort_keys=True)


def state_from_json(raw: str) -> InterviewState:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("interview state JSON must be an object")
    return state_from_dict(data)


def state_to_dict(state: InterviewState) -> dict[str, Any]:
    out = _encode_dataclass(state)
    out[_VERSION_KEY] = FORMAT_VERSION
    return out


def state_from_dict(data: dict[str, Any]) -> InterviewState:
    version = data.get(_VERSION_KEY, FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ValueError(f"unknown interview state format version {version!r}")
    state = _decode_dataclass(InterviewState, data)
    assert isinstance(state, InterviewState)
    return state


# -- encoding: by the runtime type of each value ------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime in interview state: {value!r}")
        return value.astimezone(UTC).isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode_dataclass(value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_encode(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__} in interview state")


def _encode_dataclass(obj: Any) -> dict[str, Any]:
    return {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


# -- decoding: by the annotation of each field --------------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_dataclass(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"expected an object for {cls.__name__}, got {data!r}")
    hints = _hints(cls)
    kwargs = {
        f.name: _decode(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    return cls(**kwargs)


def _decode(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        if len(args) != 1:
            raise TypeError(f"unsupported union in interview state: {tp}")
        return _decode(args[0], value)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_decode(item, v) for v in value)
    if origin is frozenset:
        return frozenset(_decode(typing.get_args(tp)[0], v) for v in value)
    if origin is dict:
        val_tp = typing.get_args(tp)[1]
        return {k: _decode(val_tp, v) for k, v in value.items()}
    if tp is Any:
        return value
    if isinstance(tp, type):
        return _decode_plain(tp, value)
    raise TypeError(f"unsupported annotation in interview state: {tp}")


def _decode_plain(tp: type, value: Any) -> Any:
    if value is None:
        return None
    if issubclass(tp, Enum):
        return tp(value)
    if tp is datetime:
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, value)
    if tp is float:
        return float(value)
    if tp in (bool, int, str):
        if not isinstance(value, tp):
            raise ValueError(f"expected {tp.__name__}, got {value!r}")
        return value
    raise TypeError(f"unsupported type in interview state: {tp.__name__}")

"""Checks an answer part against its question; a refusal is a message naming what is accepted.

Limits:
- media over the bot download limit (20 MB) is refused before download;
- media shorter than `MIN_MEDIA_SECONDS` is refused as too short;
- the total duration of an attempt may exceed `answer_seconds` by a grace (10 %, at least 5 s)
  because platforms round durations;
- text parts are checked against `min_words` / `max_words`.
"""

from __future__ import annotations

from collections.abc import Sequence

from config.kit import AnswerFormat, Question
from conversations.effects import AnswerPart
from conversations.events import MediaKind, MediaReceived
from conversations.formatting import human_duration, word_count
from conversations.messages import Message, msg
from conversations.prompts import formats_param

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MIN_MEDIA_SECONDS = 1.0
GRACE_RATIO = 0.10
GRACE_MIN_SECONDS = 5.0

FORMAT_OF_KIND: dict[MediaKind, AnswerFormat] = {
    MediaKind.VIDEO_NOTE: AnswerFormat.VIDEO_NOTE,
    MediaKind.VOICE: AnswerFormat.VOICE,
    MediaKind.VIDEO: AnswerFormat.VIDEO,
    MediaKind.AUDIO: AnswerFormat.VOICE,
    MediaKind.DOCUMENT: AnswerFormat.DOCUMENT,
}


def allowed_seconds(question: Question) -> float:
    grace = max(GRACE_MIN_SECONDS, question.answer_seconds * GRACE_RATIO)
    return question.answer_seconds + grace


def recorded_seconds(parts: Sequence[AnswerPart]) -> float:
    return sum(p.duration_s or 0.0 for p in parts)


def format_refusal(question: Question) -> Message:
    return msg("answer.format_refused", formats=formats_param(question))


def check_media(
    question: Question, parts: Sequence[AnswerPart], event: MediaReceived
) -> Message | None:
    """None when the media part is acceptable, else the refusal to send."""
    if FORMAT_OF_KIND[event.kind] not in question.formats:
        return format_refusal(question)
    if event.size_bytes is not None and event.size_bytes > MAX_DOWNLOAD_BYTES:
        return msg("answer.too_large", max_mb=MAX_DOWNLOAD_BYTES // (1024 * 1024))
    duration = event.duration_s
    if duration is None:
        return None
    if duration < MIN_MEDIA_SECONDS:
        return msg("answer.too_short", min_seconds=human_duration(MIN_MEDIA_SECONDS))
    total = recorded_seconds(parts) + duration
    if total > allowed_seconds(question):
        return msg("answer.too_long", total=human_duration(total),
                   answer=human_duration(question.answer_seconds))
    return None


def check_text(question: Question, text: str) -> Message | None:
    if AnswerFormat.TEXT not in question.formats:
        return format_refusal(question)
    words = word_count(text)
    if words == 0 or (question.min_words is not None and words < question.min_words):
        return msg("answer.too_few_words", words=words, min_words=question.min_words or 1)
    if question.max_words is not None and words > question.max_words:
        return msg("answer.too_many_words", words=words, max_words=question.max_words)
    return None

"""Repositories: each returns domain values, never ORM rows."""

from storage.repositories.answers import AnswerRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.board import BoardRepository, BoardSession
from storage.repositories.campaigns import CampaignNotFound, CampaignRepository
from storage.repositories.dead_letters import DeadLetterRepository
from storage.repositories.events import ProcessedEventRepository
from storage.repositories.external_invites import ExternalInviteRepository
from storage.repositories.interviews import (
    InterviewNotFound,
    InterviewRepository,
    new_invite_token,
)
from storage.repositories.outbox import OutboxRepository
from storage.repositories.reviews import ReviewRepository
from storage.repositories.timers import TimerRepository
from storage.repositories.transcripts import TranscriptRepository
from storage.repositories.windows import ReplyWindowRepository

__all__ = [
    "AnswerRepository",
    "AuditRepository",
    "BoardRepository",
    "BoardSession",
    "CampaignNotFound",
    "CampaignRepository",
    "DeadLetterRepository",
    "ExternalInviteRepository",
    "InterviewNotFound",
    "InterviewRepository",
    "OutboxRepository",
    "ProcessedEventRepository",
    "ReplyWindowRepository",
    "ReviewRepository",
    "TimerRepository",
    "TranscriptRepository",
    "new_invite_token",
]

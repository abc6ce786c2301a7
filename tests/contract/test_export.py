"""`export`: what the database holds comes out whole, as CSV (a row per candidate and
question) and JSON Lines (a line per candidate); a candidate's text never runs as a
spreadsheet formula. On every storage backend."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from bot.recruiting.export import CSV_COLUMNS, ExportFormat, campaign_records, render
from conversations.effects import AnswerPart, SaveAnswer
from conversations.state import Phase
from storage.db import Database
from tests.contract.conftest import T0, FakeClock
from tests.contract.helpers import make_campaign

VOICE = AnswerPart("ann-1", "voice", 42.0, 1000, "audio/ogg", "tg-file-1", stored=True)
FORMULA = AnswerPart("ann-2", "text", None, text="=HYPERLINK(\"x\")", stored=True)
DIMENSIONS = ("clarity", "depth", "communication", "relevance")


async def seed(db: Database, clock: FakeClock) -> str:
    campaign = await make_campaign(db, "export")
    async with db.unit_of_work() as uow:
        ann = await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Ann")
        clock.advance(1)
        await uow.interviews.create_invite(campaign.id, campaign.kit_version_id, "Bo")
        await uow.interviews.save(replace(ann, phase=Phase.SUBMITTED, opened_at=T0,
                                          submitted_at=T0, flags=frozenset({"late"})))
        iid = ann.interview_id
        await uow.answers.save_attempt(SaveAnswer(iid, "q1", 0, (VOICE,), kept=True,
                                                  late=False, practice=False))
        await uow.answers.save_attempt(SaveAnswer(iid, "q2", 0, (FORMULA,), kept=True,
                                                  late=True, practice=False))
        await uow.transcripts.enqueue("ann-1", iid)
        await uow.transcripts.save_result("ann-1", "I built a queue", [], "en", "tiny", 42, 1)
        for who, value in (("U1", 4), ("U2", 2)):
            await uow.reviews.upsert_scores(iid, who, {(q, d): value for q in ("q1", "q2")
                                                       for d in DIMENSIONS})
        await uow.reviews.save_decision(iid, "advance", "U1", "strong answers")
        await uow.commit()
    return campaign.slug


async def test_export_as_json_lines_and_csv(db: Database, clock: FakeClock) -> None:
    slug = await seed(db, clock)
    async with db.unit_of_work(read_only=True) as uow:
        campaign = await uow.campaigns.by_slug(slug)
        assert campaign is not None
        records = await campaign_records(uow, campaign)

    ann, bo = [json.loads(line) for line in render(records, ExportFormat.JSONL).splitlines()]
    assert (ann["candidate"], ann["status"], ann["flags"]) == ("Ann", "submitted", ["late"])
    q1, q2 = ann["answers"]
    assert (q1["kinds"], q1["duration_s"], q1["transcript"]) == (["voice"], 42.0,
                                                                 "I built a queue")
    assert (q2["text"], q2["late"], q2["mean"]) == ("=HYPERLINK(\"x\")", True, 3.0)
    assert ann["scores"]["U2"]["q1/depth"] == 2 and ann["overall_mean"] == 3.0
    assert (ann["decision"], ann["decided_by"], ann["decision_reason"]) == (
        "advance", "U1", "strong answers")
    assert (bo["status"], bo["scores"], bo["decision"], bo["answers"][0]["kinds"]) == (
        "invited", {}, None, [])

    rows = list(csv.DictReader(io.StringIO(render(records, ExportFormat.CSV))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["candidate"], r["question_id"]) for r in rows] == [
        ("Ann", "q1"), ("Ann", "q2"), ("Bo", "q1"), ("Bo", "q2")]
    assert rows[0]["transcript"] == "I built a queue" and rows[0]["reviewers"] == "2"
    assert rows[1]["answer_text"] == "'=HYPERLINK(\"x\")"  # text, never a formula
    assert rows[1]["late"] == "true" and rows[2]["answer_kind"] == ""

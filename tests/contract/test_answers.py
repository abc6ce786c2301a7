from __future__ import annotations

from conversations.effects import AnswerPart, SaveAnswer
from storage.db import Database
from storage.records import TranscriptStatus
from tests.contract.conftest import FakeClock
from tests.contract.helpers import make_interview

VOICE = AnswerPart("p1", "voice", 10.0, 1000, "audio/ogg", "tg-file-1")
TEXT = AnswerPart("p2", "text", None, text="and also this", stored=True)


def attempt(iid: str, q: str = "q1", n: int = 0, parts: tuple[AnswerPart, ...] = (VOICE,),
            kept: bool = False, practice: bool = False) -> SaveAnswer:
    return SaveAnswer(iid, q, n, parts, kept=kept, late=False, practice=practice)


class TestAnswerRepository:
    async def test_save_attempt_upserts(self, db: Database) -> None:
        iid = (await make_interview(db)).interview_id
        async with db.unit_of_work() as uow:
            await uow.answers.save_attempt(attempt(iid))
            await uow.answers.save_attempt(attempt(iid, parts=(VOICE, TEXT), kept=True))
            await uow.answers.save_attempt(
                attempt(iid, n=1, parts=(AnswerPart("p3", "voice", 2.0),))
            )
            await uow.answers.save_attempt(attempt(iid, q="practice", practice=True,
                                                   parts=(AnswerPart("p9", "voice", 3.0),)))
            await uow.commit()
        async with db.unit_of_work() as uow:
            records = await uow.answers.for_interview(iid)
            with_practice = await uow.answers.for_interview(iid, include_practice=True)
        assert [(r.question_id, r.attempt_no, r.kept) for r in records] == [
            ("q1", 0, True), ("q1", 1, False)
        ]
        assert [p.part_id for p in records[0].parts] == ["p1", "p2"]
        assert [p.seq for p in records[0].parts] == [0, 1]
        assert records[0].parts[1].text == "and also this"
        assert len(with_practice) == 3 and with_practice[2].practice

    async def test_mark_part_stored_before_and_after_save(self, db: Database) -> None:
        iid = (await make_interview(db)).interview_id
        h = "a" * 64
        async with db.unit_of_work() as uow:
            await uow.answers.mark_part_stored("early", h, "/m/aa/x", 77, 4.5, "video/mp4",
                                               interview_id=iid)
            await uow.answers.save_attempt(
                attempt(iid, parts=(AnswerPart("early", "video_note", None), VOICE))
            )
            await uow.answers.mark_part_stored("p1", "b" * 64, "/m/bb/y", 1001, 10.5, None)
            await uow.commit()
        async with db.unit_of_work() as uow:
            early = await uow.answers.part("early")
            p1 = await uow.answers.part("p1")
            assert await uow.answers.part("nope") is None
        assert early is not None and (early.content_hash, early.path) == (h, "/m/aa/x")
        assert (early.kind, early.size_bytes, early.duration_s) == ("video_note", 77, 4.5)
        assert p1 is not None and p1.size_bytes == 1001 and p1.mime == "audio/ogg"
        assert p1.duration_s == 10.5

    async def test_erase_answers(self, db: Database) -> None:
        iid = (await make_interview(db, "a")).interview_id
        other = (await make_interview(db, "b")).interview_id
        shared = "c" * 64
        async with db.unit_of_work() as uow:
            await uow.answers.save_attempt(attempt(iid, parts=(VOICE, TEXT), kept=True))
            await uow.answers.mark_part_stored("p1", shared, "/m/cc/shared", 1, 1.0, None)
            await uow.answers.mark_part_stored("orphan", "d" * 64, "/m/dd/o", 1, 1.0, None,
                                               interview_id=iid)
            await uow.transcripts.enqueue("p1", iid)
            await uow.answers.save_attempt(
                attempt(other, parts=(AnswerPart("o1", "voice", 1.0),), kept=True)
            )
            await uow.answers.mark_part_stored("o1", shared, "/m/cc/shared", 1, 1.0, None)
            await uow.commit()
        async with db.unit_of_work() as uow:
            paths = await uow.interviews.erase_answers(iid)
            await uow.commit()
        assert paths == ["/m/dd/o"]  # the shared blob is still used by the other interview
        async with db.unit_of_work() as uow:
            assert await uow.answers.for_interview(iid, include_practice=True) == []
            assert await uow.transcripts.for_interview(iid) == {}
            assert await uow.answers.part("orphan") is None
            assert len(await uow.answers.for_interview(other)) == 1
            assert await uow.interviews.get(iid) is not None


class TestTranscriptRepository:
    async def test_queue_claim_and_results(self, db: Database, clock: FakeClock) -> None:
        iid = (await make_interview(db)).interview_id
        async with db.unit_of_work() as uow:
            for pid in ("t1", "t2", "t3"):
                assert await uow.transcripts.enqueue(pid, iid) is True
                clock.advance(1)
            assert await uow.transcripts.enqueue("t1", iid) is False
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.transcripts.claim_pending(2) == ["t1", "t2"]
            assert await uow.transcripts.claim_pending(5) == ["t3"]
            assert await uow.transcripts.claim_pending(5) == []
            assert await uow.transcripts.pending_ids() == ["t1", "t2", "t3"]
            await uow.transcripts.save_result(
                "t1", "hello world", [(0.0, 1.5, "hello"), (1.5, 2.0, "world")], "en",
                "tiny.en", 2.0, 0.4,
            )
            await uow.transcripts.save_failure("t2", "decode error")
            await uow.commit()
        async with db.unit_of_work() as uow:
            t1 = await uow.transcripts.get("t1")
            t2 = await uow.transcripts.get("t2")
            assert await uow.transcripts.get("zz") is None
            assert await uow.transcripts.pending_ids() == ["t3"]
            assert await uow.transcripts.release_claims() == 1
            assert await uow.transcripts.claim_pending(5) == ["t3"]
            all_for = await uow.transcripts.for_interview(iid)
        assert t1 is not None and t1.status is TranscriptStatus.DONE
        assert t1.segments == [(0.0, 1.5, "hello"), (1.5, 2.0, "world")]
        assert (t1.text, t1.language, t1.model, t1.audio_seconds) == (
            "hello world", "en", "tiny.en", 2.0
        )
        assert t2 is not None and t2.status is TranscriptStatus.FAILED
        assert t2.failure_reason == "decode error"
        assert list(all_for) == ["t1", "t2", "t3"]

    async def test_all_done_counts_kept_non_practice_parts(self, db: Database) -> None:
        iid = (await make_interview(db)).interview_id
        async with db.unit_of_work() as uow:
            await uow.answers.save_attempt(attempt(iid, kept=True))  # p1 kept
            await uow.answers.save_attempt(
                attempt(iid, n=1, parts=(AnswerPart("r1", "voice", 1.0),))  # not kept
            )
            await uow.answers.save_attempt(attempt(
                iid, q="practice", practice=True, kept=True,
                parts=(AnswerPart("pr", "voice", 1.0),),
            ))
            for pid in ("p1", "r1", "pr"):
                await uow.transcripts.enqueue(pid, iid)
            await uow.commit()
        async with db.unit_of_work() as uow:
            assert await uow.transcripts.all_done(iid) is False
            await uow.transcripts.save_result("p1", "x", [], "en", "m", 1.0, 0.1)
            assert await uow.transcripts.all_done(iid) is True

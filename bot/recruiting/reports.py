"""`status SLUG` (the funnel, review progress and agreement) and `shortlist SLUG [N]`, as
plain text readable on every platform. The rules are in `conversations/funnel.py`; this
module loads the campaign and writes the text."""

from __future__ import annotations

from dataclasses import dataclass

from bot.recruiting.agreement import agreement
from config.kit import Kit
from conversations.formatting import human_duration
from conversations.funnel import Funnel, Ranked, Reviewed, funnel, shortlist
from conversations.review_views import DECISION_DONE
from conversations.state import InterviewState
from storage.db import UnitOfWork

SHORTLIST_DEFAULT = 10


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    kit: Kit
    states: list[InterviewState]
    reviews: dict[str, Reviewed]


async def load_facts(uow: UnitOfWork, campaign_id: str, kit_version_id: str) -> CampaignFacts:
    states = await uow.interviews.list_for_campaign(campaign_id)
    reviews: dict[str, Reviewed] = {}
    for st in states:
        sheets = await uow.reviews.scores_for(st.interview_id)
        decided = await uow.reviews.decision_for(st.interview_id)
        if sheets or decided:
            reviews[st.interview_id] = Reviewed(
                sheets=sheets, decision=decided.decision if decided else None,
                decided_at=decided.decided_at if decided else None)
    return CampaignFacts(await uow.campaigns.kit(kit_version_id), states, reviews)


def funnel_of(facts: CampaignFacts) -> Funnel:
    return funnel(facts.kit, facts.states, facts.reviews)


def status_text(title: str, facts: CampaignFacts) -> str:
    f = funnel_of(facts)
    overall, per_dimension = agreement([r.sheets for r in facts.reviews.values()],
                                       [d.id for d in facts.kit.rubric])
    names = {d.id: d.name for d in facts.kit.rubric}
    lines = [f"{title}: {f.invited} invited, {f.opened} opened, {f.consented} consented",
             *_question_lines(f), _outcome_line(f), _timing_line(f),
             "Agreement (Krippendorff's alpha, ordinal): " + _alpha(overall) + (
                 " · " + ", ".join(f"{names[d]} {_alpha(a)}" for d, a in per_dimension.items())
                 if overall is not None else ""),
             _load_line(f)]
    return "\n".join(lines)


def _question_lines(f: Funnel) -> list[str]:
    lines = []
    for step in f.questions:
        lost = f"; {step.reached - step.answered} stopped here" if step.reached > step.answered \
            else ""
        lines.append(f"• Q{step.number}: {step.reached} reached, {step.answered} answered{lost}")
    return lines


def _outcome_line(f: Funnel) -> str:
    rate = f" ({f.completion_rate:.0%} of those who consented)" \
        if f.completion_rate is not None else ""
    return (f"{f.submitted} submitted{rate}, {f.expired} expired, {f.withdrawn} withdrawn; "
            f"{f.reviewed} fully reviewed, {f.decided} decided")


def _timing_line(f: Funnel) -> str:
    complete = human_duration(f.median_complete.total_seconds()) if f.median_complete else "—"
    decision = human_duration(f.median_to_decision.total_seconds()) \
        if f.median_to_decision else "—"
    return f"Median time to complete: {complete} · from opening to decision: {decision}"


def _load_line(f: Funnel) -> str:
    if not f.reviewer_load:
        return "Reviewer load: nobody has scored yet"
    return "Reviewer load: " + ", ".join(
        f"{who} {n}" for who, n in sorted(f.reviewer_load.items(), key=lambda i: -i[1]))


def _alpha(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "not enough overlapping scores yet"


def shortlist_text(title: str, facts: CampaignFacts, top: int) -> str:
    ranked = shortlist(facts.kit, facts.states, facts.reviews)
    if not ranked:
        return f"{title}: no submissions yet."
    scored = [r for r in ranked if r.overall is not None]
    lines = [f"{title}: top {min(top, len(scored))} of {len(scored)} scored "
             "(ranked by the reviewers' mean; nothing is decided by this list)"]
    for place, r in enumerate(scored[:top], start=1):
        lines.append(f"{place}. {_ranked_line(r, scored)}")
    unscored = [r for r in ranked if r.overall is None]
    if unscored:
        lines.append(f"Not fully scored yet ({len(unscored)}): "
                     + ", ".join(f"{r.candidate} ({r.interview_id})" for r in unscored))
    return "\n".join(lines)


def _ranked_line(r: Ranked, scored: list[Ranked]) -> str:
    assert r.overall is not None
    tie = sum(1 for o in scored if o.overall and round(o.overall.mean, 2)
              == round(r.overall.mean, 2)) > 1
    notes = [f"range {r.overall.low}–{r.overall.high}"]
    if r.partial:
        notes.append("partial")
    if tie:
        notes.append("tied")
    if r.decision:
        notes.append(DECISION_DONE.get(r.decision, r.decision).lower())
    return f"{r.candidate}: {r.overall.mean:.2f} ({', '.join(notes)}) · {r.interview_id}"

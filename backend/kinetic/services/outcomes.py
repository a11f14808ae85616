"""Questionnaire scores over time: each response with its change from the
baseline, and the patient's schedules with their scores."""

from kinetic.extensions import db
from kinetic.models import QuestionnaireResponse, QuestionnaireSchedule, User
from kinetic.services import questionnaires
from kinetic.services.clock import today_in


def scored(schedule_: QuestionnaireSchedule) -> list[dict]:
    """Each response with its change from the baseline: the first answer to the
    items as they are now. Answers to earlier goals have no change."""
    content = schedule_.questionnaire.content
    rows = questionnaires.responses_in(schedule_)
    asked = [
        {"code": i["code"], "text": i["text"]}
        for i in questionnaires.items_of(content, schedule_.goals)
    ]
    since = [r for r in rows if r.items == asked]
    baseline = since[0] if since else None
    out = []
    for row in rows:
        current = baseline is not None and row in since
        difference, meaningful = questionnaires.change(
            content, baseline.score if current else None, row.score
        )
        out.append(
            {
                "id": row.id,
                "questionnaire": schedule_.questionnaire.slug,
                "date": row.local_date,
                "answered_at": row.answered_at,
                "score": row.score,
                "band": row.band,
                "answers": row.answers,
                "items": row.items,
                "baseline": row is baseline,
                "change_from_baseline": difference,
                "meaningful": meaningful,
            }
        )
    return out


def outcome(response: QuestionnaireResponse) -> dict:
    schedule_ = db.session.get(QuestionnaireSchedule, response.schedule_id)
    return next(r for r in scored(schedule_) if r["id"] == response.id)


def responses_of(patient: User, slug: str | None = None) -> list[dict]:
    wanted = questionnaires.known(slug).id if slug else None
    rows = [
        row
        for s in questionnaires.schedules_of(patient)
        if wanted is None or s.questionnaire_id == wanted
        for row in scored(s)
    ]
    return sorted(rows, key=lambda r: (r["answered_at"], r["id"]))


def summary(content: dict) -> dict:
    return {
        **{k: content[k] for k in ("slug", *questionnaires.SUMMARY_KEYS)},
        "per_patient_items": "goals" in content,
        "minimal_important_change": content["minimal_important_change"],
        "bands": content["bands"],
        "source": content["source"],
        "licence": content["licence"],
    }


def schedules_with_scores(patient: User) -> list[dict]:
    today = today_in(patient.timezone)
    out = []
    for s in questionnaires.schedules_of(patient):
        responses = scored(s)
        baseline = next((r for r in responses if r["baseline"]), None)
        out.append(
            {
                **summary(s.questionnaire.content),
                "id": s.id,
                "questionnaire": s.questionnaire.slug,
                "every_days": s.every_days,
                "start_date": s.start_date,
                "next_due": s.next_due,
                "due": s.next_due <= today,
                "goals": s.goals,
                "baseline": baseline,
                "latest": responses[-1] if responses else None,
                "responses": responses,
            }
        )
    return out

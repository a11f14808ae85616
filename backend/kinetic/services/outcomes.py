"""Questionnaire scores over time: each response with its change from the
baseline, and the patient's schedules with their scores."""

from kinetic.extensions import db
from kinetic.models import QuestionnaireResponse, QuestionnaireSchedule, User
from kinetic.services import questionnaires
from kinetic.services.clock import today_in


def _asked(schedule_: QuestionnaireSchedule) -> list[dict]:
    """The items as they are now, in the form a response keeps them."""
    items = questionnaires.items_of(schedule_.questionnaire.content, schedule_.goals)
    return [{"code": i["code"], "text": i["text"]} for i in items]


def _scored(schedule_, row, baseline, difference, meaningful) -> dict:
    return {
        "id": row.id,
        "questionnaire": schedule_.questionnaire.slug,
        "date": row.local_date,
        "answered_at": row.answered_at,
        "score": row.score,
        "band": row.band,
        "answers": row.answers,
        "items": row.items,
        "baseline": baseline is not None and row.id == baseline.id,
        "change_from_baseline": difference,
        "meaningful": meaningful,
    }


def scored(schedule_: QuestionnaireSchedule) -> list[dict]:
    """Each response with its change from the baseline: the first answer to the
    items as they are now, worked out from the scores before rounding. Answers to
    earlier goals have no change."""
    content = schedule_.questionnaire.content
    rows = questionnaires.responses_in(schedule_)
    asked = _asked(schedule_)
    since = [r for r in rows if r.items == asked]
    baseline = since[0] if since else None
    out = []
    base = questionnaires.exact_score_of(content, baseline.answers) if since else None
    for row in rows:
        current = baseline is not None and row in since
        difference, meaningful = questionnaires.change(
            content,
            base if current else None,
            questionnaires.exact_score_of(content, row.answers),
        )
        out.append(_scored(schedule_, row, baseline, difference, meaningful))
    return out


def outcome(response: QuestionnaireResponse) -> dict:
    """One response as `scored` shows it, reading only as far as the baseline
    (scoring the whole history was 37% of an answer, and grew with it)."""
    schedule_ = db.session.get(QuestionnaireSchedule, response.schedule_id)
    asked = _asked(schedule_)
    current = response.items == asked
    baseline = questionnaires.first_answer_to(schedule_, asked) if current else None
    content = schedule_.questionnaire.content
    difference, meaningful = questionnaires.change(
        content,
        None
        if baseline is None
        else questionnaires.exact_score_of(content, baseline.answers),
        questionnaires.exact_score_of(content, response.answers),
    )
    return _scored(schedule_, response, baseline, difference, meaningful)


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

"""Outcome measures: scoring answers by the rules in each instrument's file,
scheduling instruments for patients, and the scores over time with the change
from the baseline."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kinetic.extensions import db
from kinetic.models import (
    Questionnaire,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    User,
)
from kinetic.services import client_ids
from kinetic.services.clock import now, today_in


class QuestionnaireError(Exception):
    """Input that names fields, answered with 422 and these messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def instruments() -> list[Questionnaire]:
    return list(db.session.scalars(select(Questionnaire).order_by(Questionnaire.slug)))


def instrument(slug: str) -> Questionnaire | None:
    return db.session.scalar(select(Questionnaire).where(Questionnaire.slug == slug))


def known(slug: str) -> Questionnaire:
    found = instrument(slug)
    if found is None:
        raise QuestionnaireError({"questionnaire": [f"No questionnaire {slug!r}."]})
    return found


# -- scoring ---------------------------------------------------------------------------


def items_of(content: dict, goals: list[dict] | None) -> list[dict[str, Any]]:
    """The items as asked: the file's own, or the therapist's goals on the file's
    range."""
    if "items" in content:
        return content["items"]
    spec = content["goals"]
    scale = {k: spec[k] for k in ("min", "max", "anchors")}
    return [{**goal, **scale} for goal in goals or []]


def _answer_problem(item: dict, value: Any) -> str | None:
    if value is None:
        return "Answer this question."
    if isinstance(value, bool) or not isinstance(value, int):
        return "Must be a whole number."
    if "options" in item:
        allowed = [o["value"] for o in item["options"]]
        if value not in allowed:
            return f"Must be one of {', '.join(map(str, allowed))}."
    elif not item["min"] <= value <= item["max"]:
        return f"Must be between {item['min']} and {item['max']}."
    return None


def check_answers(items: list[dict], answers: dict[str, Any]) -> list[int]:
    """The answers in item order; every missing, unknown or out-of-range answer is
    named as `answers.<item>`."""
    errors = {}
    for item in items:
        problem = _answer_problem(item, answers.get(item["code"]))
        if problem:
            errors[f"answers.{item['code']}"] = [problem]
    codes = {item["code"] for item in items}
    for code in sorted(set(answers) - codes):
        errors[f"answers.{code}"] = ["Not a question of this questionnaire."]
    if errors:
        raise QuestionnaireError(errors)
    return [answers[item["code"]] for item in items]


def exact_score(content: dict, values: list[int]) -> float:
    """The score before rounding: what every change is worked out from."""
    total = float(sum(values))
    return total / len(values) if content["scoring"]["method"] == "mean" else total


def score(content: dict, values: list[int]) -> float:
    """The score as shown and stored, rounded once to the file's decimals."""
    return round(exact_score(content, values), content["scoring"]["decimals"])


def exact_score_of(content: dict, answers: dict[str, int]) -> float:
    """A stored response's score before rounding, from its answers."""
    return exact_score(content, list(answers.values()))


def band(content: dict, value: float) -> str | None:
    label = None
    for band_ in content["bands"]["ranges"]:
        if band_["min"] <= value:
            label = band_["label"]
    return label


def change(content: dict, baseline: float | None, value: float) -> tuple:
    """(change from the baseline, whether it passed the minimal important change
    the better way), from the scores before rounding (`exact_score`): PEG-3 from
    5.33 to 3.67 is a change of -1.7, where the rounded scores 5.3 and 3.7 would
    make it -1.6. The change is rounded once, for display; whether it passed is
    judged on the exact change. An instrument that rates change itself (PGIC) is
    read as it stands and has no baseline."""
    mic = content["minimal_important_change"]
    lower = content["better"] == "lower"
    if mic["type"] == "rating":
        return None, value <= mic["value"] if lower else value >= mic["value"]
    if baseline is None:
        return None, None
    exact = value - baseline
    better_by = -exact if lower else exact
    difference = round(exact, content["scoring"]["decimals"] or 1) + 0.0  # not -0.0
    return difference, better_by >= mic["value"] - 1e-9


# -- scheduling ------------------------------------------------------------------------


def next_due_after(schedule: QuestionnaireSchedule, day: date) -> date:
    """The first scheduled day after `day`: start_date + k × every_days."""
    if day < schedule.start_date:
        return schedule.start_date
    periods = (day - schedule.start_date).days // schedule.every_days + 1
    return schedule.start_date + timedelta(days=periods * schedule.every_days)


def _goals(content: dict, goals: list[str] | None) -> list[dict] | None:
    spec = content.get("goals")
    if spec is None:
        if goals:
            raise QuestionnaireError({"goals": ["This questionnaire has fixed items."]})
        return None
    goals = [g.strip() for g in goals or [] if g.strip()]
    if not spec["min_items"] <= len(goals) <= spec["max_items"]:
        raise QuestionnaireError(
            {"goals": [f"Write {spec['min_items']} to {spec['max_items']} goals."]}
        )
    return [{"code": f"goal_{n}", "text": text} for n, text in enumerate(goals, 1)]


def schedule_of(patient: User, questionnaire: Questionnaire):
    return db.session.scalar(
        select(QuestionnaireSchedule).where(
            QuestionnaireSchedule.patient_id == patient.id,
            QuestionnaireSchedule.questionnaire_id == questionnaire.id,
        )
    )


def schedule(patient: User, therapist: User, data: dict) -> tuple:
    """Schedules an instrument, or changes the patient's schedule of it; returns
    (schedule, created). New goals start a new baseline."""
    questionnaire = known(data["questionnaire"])
    goals = _goals(questionnaire.content, data.get("goals"))
    start = data.get("start_date") or today_in(patient.timezone)
    fields = {
        "therapist_id": therapist.id,
        "every_days": data["every_days"],
        "start_date": start,
        "goals": goals,
        "updated_at": now(),
    }
    row = schedule_of(patient, questionnaire)
    if row is None:
        row = QuestionnaireSchedule(
            patient_id=patient.id, questionnaire=questionnaire, next_due=start, **fields
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row, True
        except IntegrityError:
            # Scheduled by someone else at the same moment: change that one.
            row = schedule_of(patient, questionnaire)
    for key, value in fields.items():
        setattr(row, key, value)
    last = responses_in(row)[-1:]
    row.next_due = next_due_after(row, last[0].local_date) if last else start
    db.session.flush()
    return row, False


def schedules_of(patient: User) -> list[QuestionnaireSchedule]:
    return list(
        db.session.scalars(
            select(QuestionnaireSchedule)
            .where(QuestionnaireSchedule.patient_id == patient.id)
            .order_by(QuestionnaireSchedule.id)
        )
    )


SUMMARY_KEYS = ("title", "name", "summary", "instructions", "better", "score_range")


def due(patient: User) -> list[dict]:
    """The instruments due on the patient's today, with the items to ask."""
    today = today_in(patient.timezone)
    return [
        {
            **{k: s.questionnaire.content[k] for k in SUMMARY_KEYS},
            "questionnaire": s.questionnaire.slug,
            "due_date": s.next_due,
            "items": items_of(s.questionnaire.content, s.goals),
        }
        for s in schedules_of(patient)
        if s.next_due <= today
    ]


# -- responses -------------------------------------------------------------------------


def responses_in(schedule_: QuestionnaireSchedule) -> list[QuestionnaireResponse]:
    return list(
        db.session.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.schedule_id == schedule_.id)
            .order_by(QuestionnaireResponse.answered_at, QuestionnaireResponse.id)
        )
    )


# Responses read at a time when looking for the baseline.
BASELINE_PAGE = 20


def first_answer_to(schedule_: QuestionnaireSchedule, asked: list[dict]):
    """The first response (id, score, answers) to the items as `asked`: the
    baseline. The rows are read in order, a page at a time, only until it is
    found; usually it is the first. (The ORM reads a whole result before the
    first row, so one statement over the history cost 40% of an answer once it
    held thousands.)"""
    query = (
        select(
            QuestionnaireResponse.id,
            QuestionnaireResponse.score,
            QuestionnaireResponse.answered_at,
            QuestionnaireResponse.items,
            QuestionnaireResponse.answers,
        )
        .where(QuestionnaireResponse.schedule_id == schedule_.id)
        .order_by(QuestionnaireResponse.answered_at, QuestionnaireResponse.id)
        .limit(BASELINE_PAGE)
    )
    after = query
    while True:
        rows = db.session.execute(after).all()
        found = next((row for row in rows if row.items == asked), None)
        if found is not None or len(rows) < BASELINE_PAGE:
            return found
        last = rows[-1]
        after = query.where(
            (QuestionnaireResponse.answered_at > last.answered_at)
            | (
                (QuestionnaireResponse.answered_at == last.answered_at)
                & (QuestionnaireResponse.id > last.id)
            )
        )


_FIRST_ROW = client_ids.first_row(
    QuestionnaireResponse, QuestionnaireResponse.patient_id
)


def _by_client_id(patient: User, client_id: str) -> QuestionnaireResponse | None:
    return _FIRST_ROW(patient.id, client_id)


def new_response(
    patient: User, schedule_: QuestionnaireSchedule, values: list[int], at: datetime
) -> QuestionnaireResponse:
    """A scored response to the schedule's items as they are now (not added)."""
    content = schedule_.questionnaire.content
    items = items_of(content, schedule_.goals)
    value = score(content, values)
    return QuestionnaireResponse(
        patient_id=patient.id,
        schedule_id=schedule_.id,
        questionnaire=schedule_.questionnaire,
        answered_at=at,
        local_date=at.astimezone(ZoneInfo(patient.timezone)).date(),
        answers=dict(zip([i["code"] for i in items], values, strict=True)),
        items=[{"code": i["code"], "text": i["text"]} for i in items],
        score=value,
        band=band(content, value),
        created_at=at,
    )


def record_response(patient: User, data: dict) -> tuple[QuestionnaireResponse, bool]:
    """Scores and stores an answer; the same client_id again returns the first
    response and stores nothing, even when two copies race."""
    client_id = str(data["client_id"])
    if first := _by_client_id(patient, client_id):
        return first, False
    questionnaire = known(data["questionnaire"])
    schedule_ = schedule_of(patient, questionnaire)
    if schedule_ is None:
        raise QuestionnaireError(
            {"questionnaire": ["Your therapist has not asked for this questionnaire."]}
        )
    items = items_of(questionnaire.content, schedule_.goals)
    values = check_answers(items, data["answers"])
    row = new_response(patient, schedule_, values, now())
    row.client_id = client_id
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        first = _by_client_id(patient, client_id)
        if first is None:
            raise
        return first, False
    schedule_.next_due = next_due_after(schedule_, row.local_date)
    db.session.flush()
    return row, True

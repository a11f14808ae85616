"""The report's sections on the care itself: how the plan was changed, how each
exercise went in the session player, and the questionnaire scores with their
change from the baseline."""

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Assignment, Prescription
from kinetic.services import feedback, outcomes, questionnaires
from kinetic.services.report_context import ReportContext, day, one_decimal, section


def _versions(ctx: ReportContext) -> list[Prescription]:
    return list(
        db.session.scalars(
            select(Prescription)
            .join(Assignment, Assignment.id == Prescription.assignment_id)
            .where(Assignment.patient_id == ctx.patient.id)
            .order_by(Prescription.changed_at, Prescription.id)
        )
    )


def _note(version: Prescription, before: Prescription | None) -> str:
    if before is not None and before.note == version.note:
        return f"As in v{before.version}" if version.note else "–"
    return version.note or "–"


def plan_changes_section(ctx: ReportContext) -> dict:
    """Each prescription version made in the period: who, when, what changed."""
    first, after = ctx.local_bounds()
    everything = _versions(ctx)
    previous = {(p.assignment_id, p.version): p for p in everything}
    found = [p for p in everything if first <= p.changed_at < after]
    rows = []
    for p in found:
        when = p.changed_at.astimezone(ctx.zone)
        rows.append(
            [
                p.assignment.program_title,
                f"v{p.version}",
                f"{day(when.date())} {when:%H:%M}",
                p.changed_by.name if p.changed_by else "A former therapist",
                "; ".join(p.changes),
                _note(p, previous.get((p.assignment_id, p.version - 1))),
            ]
        )
    columns = ["Plan", "Version", "When", "Who", "What changed", "Note"]
    blocks = [
        {
            "type": "table",
            "columns": columns,
            "rows": rows,
            "widths": [1.5, 1, 1.2, 1.2, 2.6, 2],
        }
        if rows
        else {"type": "text", "text": "No changes to the plan in this period."}
    ]
    data = {
        "versions": [
            {
                "assignment_id": p.assignment_id,
                "version": p.version,
                "changed_at": p.changed_at.isoformat(),
                "changed_by": p.changed_by.name if p.changed_by else None,
                "changes": p.changes,
                "note": p.note,
            }
            for p in found
        ]
    }
    return section("plan_changes", "Plan changes", blocks, data)


def _effort(row: dict) -> str:
    effort = row["effort"]
    return f"{effort['too_easy']} / {effort['right']} / {effort['too_hard']}"


def exercise_feedback_section(ctx: ReportContext) -> dict | None:
    """How each exercise went, from the session player; none when it was not used."""
    found = feedback.exercise_feedback_between(ctx.patient, ctx.start, ctx.end)
    told = [
        r
        for r in found
        if r["skipped"]
        or r["pain_reports"]
        or r["stopped_for_pain"]
        or any(r["effort"].values())
    ]
    if not told:
        return None
    rows = [
        [
            r["name"],
            str(r["sessions"]),
            str(r["skipped"]),
            one_decimal(r["mean_pain"]),
            _effort(r),
            str(r["stopped_for_pain"]),
        ]
        for r in found
    ]
    columns = ["Exercise", "Done", "Skipped", "Pain during", "Easy / right / hard"]
    blocks = [
        {"type": "table", "columns": [*columns, "Stopped"], "rows": rows},
        {
            "type": "text",
            "text": "Pain during is the mean of the patient's 0-10 scores after the "
            "exercise; Easy / right / hard counts how the effort felt; Stopped "
            "counts the times the patient stopped because it hurt.",
        },
    ]
    return section(
        "exercise_feedback", "How the exercises went", blocks, {"exercises": found}
    )


def _number(value: float, content: dict) -> str:
    return f"{value:.{content['scoring']['decimals']}f}"


def _row(title: str, r: dict, baseline: dict | None, content: dict) -> list[str]:
    if baseline is not None and r["baseline"]:
        change, important = "Baseline", "–"
    else:
        difference = r["change_from_baseline"]
        change = "–" if difference is None else f"{difference:+.1f}"
        important = {True: "Yes", False: "No", None: "–"}[r["meaningful"]]
    return [
        title,
        day(r["date"]),
        _number(r["score"], content),
        r["band"] or "–",
        f"{_number(baseline['score'], content)} ({day(baseline['date'])})"
        if baseline
        else "–",
        change,
        important,
    ]


def _threshold(content: dict) -> str:
    """The minimal important change in words, with where it comes from."""
    mic = content["minimal_important_change"]
    lower = content["better"] == "lower"
    if mic["type"] == "rating":
        options = content["items"][0].get("options", [])
        label = next((o["label"] for o in options if o["value"] == mic["value"]), None)
        answer = f"“{label}”" if label else str(mic["value"])
        text = f"{content['title']} rates change itself: {answer} or better counts."
    else:
        way = "fall" if lower else "rise"
        text = (
            f"{content['title']}: {'lower' if lower else 'higher'} is better; a "
            f"{way} of {mic['value']:g} or more from the baseline counts."
        )
    if mic.get("basis") == "starting_value":
        text += " (A starting value for the clinic to confirm.)"
    return text


RESPONSE_KEYS = ("score", "band", "change_from_baseline", "meaningful")


def _instrument(schedule, ctx: ReportContext) -> tuple[dict, list, str] | None:
    """One instrument's figures in the period, its table rows and its threshold."""
    content = schedule.questionnaire.content
    scored = outcomes.scored(schedule)
    shown = [r for r in scored if ctx.start <= r["date"] <= ctx.end]
    if not shown:
        return None
    # An instrument that rates change itself (PGIC) has no baseline to compare.
    rates_change = content["minimal_important_change"]["type"] == "rating"
    baseline = next((r for r in scored if r["baseline"] and not rates_change), None)
    figures = {
        "questionnaire": schedule.questionnaire.slug,
        "title": content["title"],
        "better": content["better"],
        "minimal_important_change": content["minimal_important_change"]["value"],
        "baseline": baseline
        and {"date": baseline["date"].isoformat(), "score": baseline["score"]},
        "responses": [
            {
                "date": r["date"].isoformat(),
                **{k: r[k] for k in RESPONSE_KEYS},
                "baseline": r is baseline,
            }
            for r in shown
        ],
    }
    rows = [_row(content["title"], r, baseline, content) for r in shown]
    return figures, rows, _threshold(content)


def questionnaires_section(ctx: ReportContext) -> dict:
    found = [_instrument(s, ctx) for s in questionnaires.schedules_of(ctx.patient)]
    found = [f for f in found if f]
    columns = ["Questionnaire", "Date", "Score", "Band", "Baseline", "Change"]
    blocks = [
        {
            "type": "table",
            "columns": [*columns, "Important change"],
            "rows": [row for _, rows, _ in found for row in rows],
            "widths": [1.4, 1.2, 0.7, 1.3, 1.5, 0.9, 1],
        },
        *({"type": "text", "text": threshold} for _, _, threshold in found),
    ]
    if not found:
        blocks = [
            {"type": "text", "text": "No questionnaires answered in this period."}
        ]
    data = {"questionnaires": [figures for figures, _, _ in found]}
    return section("questionnaires", "Questionnaires", blocks, data)

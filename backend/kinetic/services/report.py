"""A progress report on one patient over a period, for the therapist to print or
attach: a list of sections, each made by one function from the report's context.

A section is plain data: a title, `blocks` any renderer can draw (text, figures,
tables, an SVG chart) and `data` with the raw figures. The PWA page and the PDF
draw the same blocks, so a new section is one function added to SECTIONS."""

from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import REGIONS, Alert, Assignment, PainEntry, ScheduledSession, User
from kinetic.models.plans import COMPLETED_STATUSES, session_exercises
from kinetic.services import alerts as alert_words
from kinetic.services import report_care
from kinetic.services.chart import pain_chart_svg
from kinetic.services.clock import now, today_in
from kinetic.services.report_context import (
    ReportContext,
    day,
    one_decimal,
    percent,
    section,
)

REGION_LABELS = {"low_back": "Low back", "neck": "Neck", "headache": "Headache"}
SCALE = "0 (no pain) to 10 (worst imaginable)"
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PLAN_COLUMNS = ["Program", "Dates", "Days", "Per day", "Prescription", "Status"]
PAIN_COLUMNS = [
    "Region",
    "Entries",
    "Mean",
    "Range",
    "First 7 days shown",
    "Last 7 days shown",
]
VERDICT_WORDS = {
    "improving": "Improving",
    "unchanged": "No meaningful change",
    "worsening": "Worsening",
    "insufficient_data": "Not enough data yet",
}
MEANING = (
    "Pain: the last 7 days against the baseline (the 7 days before the plan, or "
    "its first 7 days); a change of at least 2 points and 30% is meaningful "
    "(IMMPACT); a questionnaire's change counts when it reaches its own minimal "
    "important change."
)
ALERT_KINDS = {
    "red_flag": "Red flag",
    "worsening": "Worsening pain",
    "no_improvement": "No improvement",
    "disengaged": "Missed sessions",
    "neck_flexion": "Back pain on neck flexion",
    "exercise_pain": "Pain during an exercise",
}


# -- the sections ----------------------------------------------------------------------


def progress_section(ctx: ReportContext) -> dict:
    """The clinical picture as of the report's day: the verdict with its reasons,
    and adherence over the report's period, as every other screen shows them."""
    found = ctx.picture
    ratio = found.adherence.ratio
    figures = [
        {"label": "Verdict", "value": VERDICT_WORDS[found.verdict]},
        {
            "label": "Adherence",
            "value": "–" if ratio is None else f"{round(ratio * 100)} %",
        },
    ]
    blocks = [{"type": "figures", "figures": figures}]
    if found.reasons:
        rows = [[r["text"]] for r in found.reasons]
        blocks.append({"type": "table", "columns": ["Why"], "rows": rows})
    blocks.append({"type": "text", "text": MEANING})
    data = found.as_dict()
    return section("progress", f"Progress as of {day(found.as_of)}", blocks, data)


def plan_section(ctx: ReportContext) -> dict:
    plans = db.session.scalars(
        select(Assignment)
        .where(
            Assignment.patient_id == ctx.patient.id,
            Assignment.start_date <= ctx.end,
            Assignment.end_date >= ctx.start,
        )
        .order_by(Assignment.start_date)
    ).all()
    rows = [
        [
            f"{a.program_title} (v{a.program_version_number})",
            f"{day(a.start_date)} to {day(a.end_date)}",
            ", ".join(DAY_NAMES[d] for d in a.days_of_week),
            str(a.sessions_per_day),
            f"v{a.prescription.version}" if a.prescription else "–",
            a.status,
        ]
        for a in plans
    ]
    blocks = [
        {
            "type": "table",
            "columns": PLAN_COLUMNS,
            "rows": rows,
            "widths": [2.2, 1.5, 1.3, 0.8, 1.3, 0.9],
        }
        if rows
        else {"type": "text", "text": "No program in this period."}
    ]
    data = {
        "assignments": [
            {
                "id": a.id,
                "program": a.program,
                "prescription_version": a.prescription and a.prescription.version,
            }
            for a in plans
        ]
    }
    return section("plan", "Plan", blocks, data)


def _due_sessions(ctx: ReportContext) -> list[ScheduledSession]:
    """Sessions the patient could have done: past days, and today's if done."""
    found = db.session.scalars(
        select(ScheduledSession).where(
            ScheduledSession.patient_id == ctx.patient.id,
            ScheduledSession.date.between(ctx.start, ctx.end),
            ScheduledSession.status != "cancelled",
        )
    ).all()
    return [
        s
        for s in found
        if s.date < ctx.today
        or (s.date == ctx.today and s.status in COMPLETED_STATUSES)
    ]


def _exercise_counts(sessions: list[ScheduledSession]) -> dict[str, list]:
    """Per exercise: [name, planned, done]. A session marked done without ticks
    counts every exercise in it as done."""
    counts: dict[str, list] = {}
    for session in sessions:
        planned = session_exercises(session)
        ticked = session.exercises_done
        if session.status == "done" and ticked is None:
            ticked = [e["slug"] for e in planned]
        for exercise in planned:
            row = counts.setdefault(exercise["slug"], [exercise["name"], 0, 0])
            row[1] += 1
            row[2] += exercise["slug"] in (ticked or [])
    return counts


def adherence_section(ctx: ReportContext) -> dict:
    sessions = _due_sessions(ctx)
    tally = ctx.picture.adherence
    counts = _exercise_counts(sessions)
    rows = [
        [name, str(finished), str(planned), percent(finished, planned)]
        for name, planned, finished in sorted(counts.values(), key=lambda r: r[0])
    ]
    ratio = tally.ratio
    figures = [
        {"label": "Sessions done", "value": f"{tally.done} of {tally.due}"},
        {"label": "Partly done", "value": str(tally.partly_done)},
        {"label": "Missed", "value": str(tally.missed)},
        {
            "label": "Adherence",
            "value": "–" if ratio is None else f"{round(ratio * 100)} %",
        },
    ]
    blocks = [{"type": "figures", "figures": figures}]
    if rows:
        blocks.append(
            {
                "type": "table",
                "columns": ["Exercise", "Done", "Planned", "Adherence"],
                "rows": rows,
            }
        )
    data = {
        "sessions_due": tally.due,
        "sessions_done": tally.done,
        "sessions_partly_done": tally.partly_done,
        "sessions_missed": tally.missed,
        "adherence": ratio,
        "exercises": {
            slug: {"planned": planned, "done": finished}
            for slug, (_, planned, finished) in counts.items()
        },
    }
    return section("adherence", "Adherence", blocks, data)


def _region_figures(entries: list[PainEntry], region: str, ctx: ReportContext):
    scores = [(e.local_date, getattr(e, region)) for e in entries]
    scores = [(d, s) for d, s in scores if s is not None]
    if not scores:
        return None

    def mean(values):
        return round(sum(values) / len(values), 1) if values else None

    first_week = [s for d, s in scores if d < ctx.start + timedelta(days=7)]
    last_week = [s for d, s in scores if d > ctx.end - timedelta(days=7)]
    values = [s for _, s in scores]
    return {
        "entries": len(values),
        "mean": mean(values),
        "lowest": min(values),
        "highest": max(values),
        "first_week_mean": mean(first_week),
        "last_week_mean": mean(last_week),
    }


def _daily_means(entries: list[PainEntry], ctx: ReportContext) -> dict:
    days = [
        ctx.start + timedelta(days=n) for n in range((ctx.end - ctx.start).days + 1)
    ]
    series = {}
    for region in REGIONS:
        by_day: dict[date, list[int]] = {}
        for entry in entries:
            if (score := getattr(entry, region)) is not None:
                by_day.setdefault(entry.local_date, []).append(score)
        series[region] = [
            sum(by_day[d]) / len(by_day[d]) if d in by_day else None for d in days
        ]
    return {"days": days, "series": series}


def pain_section(ctx: ReportContext) -> dict:
    entries = db.session.scalars(
        select(PainEntry)
        .where(
            PainEntry.patient_id == ctx.patient.id,
            PainEntry.local_date.between(ctx.start, ctx.end),
            PainEntry.is_diary,
        )
        .order_by(PainEntry.recorded_at)
    ).all()
    figures = {r: _region_figures(entries, r, ctx) for r in REGIONS}
    rows = [
        [
            REGION_LABELS[r],
            str(f["entries"]),
            one_decimal(f["mean"]),
            f"{f['lowest']}–{f['highest']}",
            one_decimal(f["first_week_mean"]),
            one_decimal(f["last_week_mean"]),
        ]
        for r, f in figures.items()
        if f
    ]
    if not rows:
        blocks = [{"type": "text", "text": "No pain scores in this period."}]
    else:
        daily = _daily_means(entries, ctx)
        blocks = [
            {
                "type": "table",
                "columns": PAIN_COLUMNS,
                "rows": rows,
            },
            {
                "type": "chart",
                "svg": pain_chart_svg(daily["days"], daily["series"]),
                "alt": f"Daily mean pain per region, {SCALE}",
            },
            {
                "type": "text",
                "text": f"Scores {SCALE}; dots are daily means.",
            },
        ]
    data = {"regions": {r: f for r, f in figures.items() if f}}
    return section("pain", "Pain by region", blocks, data)


def _handled(alert: Alert, names: dict[int, str], zone: ZoneInfo) -> str:
    if alert.status != "acknowledged":
        return "Open"
    who = names.get(alert.acknowledged_by_id, "a therapist")
    when = alert.acknowledged_at.astimezone(zone).date()
    return f"Acknowledged by {who}, {day(when)}"


def alerts_section(ctx: ReportContext) -> dict:
    first, after = ctx.local_bounds()
    found = db.session.scalars(
        select(Alert)
        .where(
            Alert.patient_id == ctx.patient.id,
            Alert.created_at >= first,
            Alert.created_at < after,
        )
        .order_by(Alert.created_at)
    ).all()
    ids = {a.acknowledged_by_id for a in found if a.acknowledged_by_id}
    names = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    )
    rows = [
        [
            day(ctx.local_day(a.created_at)),
            ALERT_KINDS.get(a.kind, a.kind),
            alert_words.summary(a.kind, a.detail),
            _handled(a, names, ctx.zone),
        ]
        for a in found
    ]
    blocks = [
        {
            "type": "table",
            "columns": ["Raised", "Alert", "What", "Handled"],
            "rows": rows,
        }
        if rows
        else {"type": "text", "text": "No alerts in this period."}
    ]
    data = {"alerts": [{"id": a.id, "kind": a.kind, "status": a.status} for a in found]}
    return section("alerts", "Alerts and how they were handled", blocks, data)


SECTIONS: list[Callable[[ReportContext], dict | None]] = [
    progress_section,
    plan_section,
    report_care.plan_changes_section,
    adherence_section,
    report_care.exercise_feedback_section,
    pain_section,
    report_care.questionnaires_section,
    alerts_section,
]


def build_report(patient: User, start: date, end: date) -> dict:
    ctx = ReportContext(patient, start, end, today_in(patient.timezone))
    therapist = (
        db.session.get(User, patient.therapist_id) if patient.therapist_id else None
    )
    made = [make(ctx) for make in SECTIONS]
    return {
        "patient": {"id": patient.id, "name": patient.name, "email": patient.email},
        "therapist": therapist.name if therapist else None,
        "from": start,
        "to": end,
        "timezone": patient.timezone,
        "generated_at": now(),
        "sections": [s for s in made if s],
    }

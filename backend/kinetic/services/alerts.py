"""Alerts as a therapist sees them: only on their own patients, in plain words."""

from sqlalchemy import case, select

from kinetic.extensions import db
from kinetic.models import Alert, User
from kinetic.services.clock import now
from kinetic.services.patients import on_care_team
from kinetic.services.safety import REGION_NAMES


def alerts_of(
    therapist: User, status: str | None = None, patient_id: int | None = None
) -> list[dict]:
    query = (
        select(Alert)
        .join(User, User.id == Alert.patient_id)
        .where(on_care_team(therapist.id))
        .order_by(
            case((Alert.status == "open", 0), else_=1),
            Alert.created_at.desc(),
            Alert.id.desc(),
        )
        .limit(500)
    )
    if status:
        query = query.where(Alert.status == status)
    if patient_id:
        query = query.where(Alert.patient_id == patient_id)
    return present(list(db.session.scalars(query)))


def alert_of(therapist: User, alert_id: int) -> Alert | None:
    return db.session.scalar(
        select(Alert)
        .join(User, User.id == Alert.patient_id)
        .where(Alert.id == alert_id, on_care_team(therapist.id))
    )


def acknowledge(alert: Alert, therapist: User) -> Alert:
    if alert.status != "acknowledged":
        alert.status = "acknowledged"
        alert.acknowledged_at = now()
        alert.acknowledged_by_id = therapist.id
        db.session.flush()
    return alert


def present(alerts: list[Alert]) -> list[dict]:
    people = {a.patient_id for a in alerts} | {
        a.acknowledged_by_id for a in alerts if a.acknowledged_by_id
    }
    names = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(people))).all()
    )
    return [
        {
            "id": a.id,
            "patient_id": a.patient_id,
            "patient_name": names.get(a.patient_id),
            "kind": a.kind,
            "detail": a.detail,
            "summary": summary(a.kind, a.detail) + _afterwards(a.detail),
            "created_at": a.created_at,
            "status": a.status,
            "acknowledged_at": a.acknowledged_at,
            "acknowledged_by": (
                {"id": a.acknowledged_by_id, "name": names[a.acknowledged_by_id]}
                if a.acknowledged_by_id in names
                else None
            ),
        }
        for a in alerts
    ]


def _regions(detail: dict, line) -> str:
    return "; ".join(
        line(REGION_NAMES.get(region, region), figures)
        for region, figures in detail.get("regions", {}).items()
    )


def _worse(region: str, f: dict) -> str:
    if f.get("rule") == "high_scores":
        return (
            f"{region} {f['high_score']} or more on {len(f['days'])} of the last "
            f"{f['of_last_days']} days"
        )
    return (
        f"{region} 7-day mean {f['recent_mean']} vs baseline {f['baseline']} "
        f"(+{f['rise']})"
    )


def _reasons(detail: dict) -> str:
    """The clinical picture's reasons (alerts raised since issue 21)."""
    return "; ".join(r["text"] for r in detail.get("reasons", []))


def _afterwards(detail: dict) -> str:
    if resolved := detail.get("resolved"):
        return f" Closed by itself on {resolved['date']}: {resolved['note']}"
    if detail.get("entry_deleted"):
        return " The patient later deleted the entry."
    if detail.get("entry_corrected_at"):
        return " The patient later corrected the entry."
    return ""


def summary(kind: str, detail: dict) -> str:
    """The figures behind an alert as one line for the therapist."""
    if kind == "red_flag" and detail.get("message_id"):
        return (
            f"Wrote in a message: “{detail.get('excerpt', '')}” It mentions "
            f"{', '.join(detail.get('signs', []))}. Advised to seek urgent care; "
            "plans not paused: please review the message and the plan."
        )
    if kind == "red_flag":
        paused = len(detail.get("paused_assignments", []))
        return (
            f"Reported {', '.join(detail.get('signs', []))}. Advised to seek urgent "
            f"care; {paused} plan(s) paused until you resume them."
        )
    if kind == "worsening" and "reasons" in detail:
        return "Worsening: " + _reasons(detail) + "."
    if kind == "worsening":
        return "Worsening: " + _regions(detail, _worse) + "."
    if kind == "no_improvement" and "reasons" in detail:
        return (
            f"No meaningful change after {detail.get('days_on_program')} days on the "
            "program: " + (_reasons(detail) or "no measure changed") + "."
        )
    if kind == "no_improvement":
        return (
            f"No improvement after {detail.get('days_on_program')} days on the "
            "program: "
            + _regions(
                detail,
                lambda r, f: (
                    f"{r} {f['baseline']} → {f['recent_mean']} "
                    f"({f['fall_percent']}% fall)"
                ),
            )
            + "."
        )
    if kind == "disengaged":
        return (
            f"Missed {len(detail.get('missed', []))} sessions in a row: "
            + ", ".join(detail.get("missed", []))
        )
    if kind == "exercise_pain":
        region = REGION_NAMES.get(detail.get("region"), detail.get("region"))
        where = f" ({region})" if region else ""
        how = "stopped the exercise" if detail.get("stopped") else "after the exercise"
        return (
            f"Pain {detail.get('score')}/10{where} during "
            f"{detail.get('exercise_name') or detail.get('exercise')}: {how}."
        )
    if kind == "neck_flexion":
        return (
            "Reports low back pain when bending the head forward; advised to avoid "
            "deep neck flexion for now and to have it assessed."
        )
    return kind

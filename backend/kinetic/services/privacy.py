"""A user's own data: the full export, and erasure of a patient's account."""

from sqlalchemy import delete, select, update

from kinetic.extensions import db
from kinetic.models import (
    Alert,
    Assignment,
    AuthToken,
    CalendarFeed,
    CareTeamMember,
    Exercise,
    Invite,
    Message,
    Notification,
    PainEntry,
    Prescription,
    Program,
    PushAttempt,
    PushDelivery,
    PushSubscription,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    Reminder,
    ReminderSetting,
    ScheduledSession,
    User,
)
from kinetic.services import access_log, care_teams, yaml_files
from kinetic.services.clock import now
from kinetic.services.outcomes import responses_of
from kinetic.services.questionnaires import schedules_of
from kinetic.services.reminders import reminder_settings


def export_user(user: User) -> dict:
    """Every record that is the user's own, for GET /me/export (ExportSchema)."""

    def rows(model, column) -> list:
        return list(db.session.scalars(select(model).where(column == user.id)))

    data = {"exported_at": now(), "user": user}
    if user.role == "patient":
        data["pain_entries"] = rows(PainEntry, PainEntry.patient_id)
        data["sessions"] = rows(ScheduledSession, ScheduledSession.patient_id)
        data["assignments"] = rows(Assignment, Assignment.patient_id)
        data["prescriptions"] = [
            version for plan in data["assignments"] for version in plan.prescriptions
        ]
        data["reminders"] = reminder_settings(user)
        data["alerts"] = rows(Alert, Alert.patient_id)
        data["messages"] = rows(Message, Message.patient_id)
        feed = db.session.get(CalendarFeed, user.id)
        data["calendar"] = {
            "active": feed is not None,
            "created_at": feed and feed.created_at,
        }
        data["questionnaire_schedules"] = schedules_of(user)
        data["questionnaire_responses"] = responses_of(user)
        data["care_team"] = care_teams.team_of(user)
        data["access_log"] = access_log.patient_rows(user.id, limit=None)
    else:
        data["invites"] = rows(Invite, Invite.therapist_id)
        data["assignments"] = rows(Assignment, Assignment.therapist_id)
        data["messages"] = rows(Message, Message.sender_id)
        data["own_exercises"] = [
            yaml_files.exercise_file(e.content)
            for e in rows(Exercise, Exercise.owner_id)
        ]
        data["own_programs"] = [
            yaml_files.program_file(p.current_version.content)
            for p in rows(Program, Program.owner_id)
        ]
    data["notifications"] = rows(Notification, Notification.user_id)
    data["push_subscriptions"] = rows(PushSubscription, PushSubscription.user_id)
    return data


def erase_patient(patient: User) -> None:
    """Deletes every record of the patient explicitly, so erasure does not depend on
    the database enforcing ON DELETE rules. Everyone on the care team is told, in
    their in-app notices, the name and the date only: nothing of the record is
    kept. The clinic's access log keeps its rows (ids and times, no content): it
    records what the clinic's staff did, and an erased id is never reused."""
    pid = patient.id
    team = [patient.therapist_id] if patient.therapist_id is not None else []
    team += db.session.scalars(
        select(CareTeamMember.therapist_id).where(CareTeamMember.patient_id == pid)
    )
    day = now().date().isoformat()
    for therapist_id in team:
        db.session.add(
            Notification(
                user_id=therapist_id,
                kind="account_gone",
                title="A patient deleted their account",
                body=f"{patient.name[:200]} deleted their account on {day}; "
                "their records were erased with it.",
                url="/#/patients",
            )
        )
    db.session.execute(delete(CareTeamMember).where(CareTeamMember.patient_id == pid))
    db.session.execute(
        update(Invite)
        .where(Invite.used_by_id == pid)
        .values(used_by_id=None, name=None, email=None)
    )
    db.session.execute(delete(ReminderSetting).where(ReminderSetting.patient_id == pid))
    notifications = select(Notification.id).where(Notification.user_id == pid)
    deliveries = select(PushDelivery.id).where(
        PushDelivery.notification_id.in_(notifications)
    )
    db.session.execute(
        delete(PushAttempt).where(PushAttempt.delivery_id.in_(deliveries))
    )
    db.session.execute(
        delete(PushDelivery).where(PushDelivery.notification_id.in_(notifications))
    )
    db.session.execute(delete(Notification).where(Notification.user_id == pid))
    db.session.execute(delete(Reminder).where(Reminder.patient_id == pid))
    db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == pid))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.patient_id == pid))
    for model in (QuestionnaireResponse, QuestionnaireSchedule, ScheduledSession):
        db.session.execute(delete(model).where(model.patient_id == pid))
    plans = select(Assignment.id).where(Assignment.patient_id == pid)
    db.session.execute(
        delete(Prescription).where(Prescription.assignment_id.in_(plans))
    )
    for model in (Assignment, Alert, PainEntry, Message):
        db.session.execute(delete(model).where(model.patient_id == pid))
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == pid))
    db.session.delete(patient)
    db.session.flush()

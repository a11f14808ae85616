from kinetic.models.alerts import Alert
from kinetic.models.clinics import (
    ACCESS_KINDS,
    MEMBER_ROLES,
    AccessLogEntry,
    CareTeamMember,
    Clinic,
    ClinicMember,
)
from kinetic.models.diary import REGIONS, PainEntry
from kinetic.models.library import Exercise, Program, ProgramVersion
from kinetic.models.messages import CalendarFeed, Message
from kinetic.models.outcomes import (
    Questionnaire,
    QuestionnaireResponse,
    QuestionnaireSchedule,
)
from kinetic.models.plans import Assignment, Prescription, ScheduledSession
from kinetic.models.progression import Suggestion
from kinetic.models.reminders import (
    Notification,
    PushAttempt,
    PushDelivery,
    PushSubscription,
    Reminder,
    ReminderSetting,
)
from kinetic.models.users import AuthToken, Invite, User

__all__ = [
    "ACCESS_KINDS",
    "MEMBER_ROLES",
    "AccessLogEntry",
    "CareTeamMember",
    "Clinic",
    "ClinicMember",
    "REGIONS",
    "Alert",
    "Assignment",
    "AuthToken",
    "CalendarFeed",
    "Exercise",
    "Invite",
    "Message",
    "Notification",
    "PainEntry",
    "Prescription",
    "Program",
    "ProgramVersion",
    "PushAttempt",
    "PushDelivery",
    "PushSubscription",
    "Questionnaire",
    "QuestionnaireResponse",
    "QuestionnaireSchedule",
    "Reminder",
    "ReminderSetting",
    "ScheduledSession",
    "Suggestion",
    "User",
]

from kinetic.models.alerts import Alert
from kinetic.models.diary import REGIONS, PainEntry
from kinetic.models.library import Exercise, Program, ProgramVersion
from kinetic.models.plans import Assignment, ScheduledSession
from kinetic.models.reminders import ReminderSetting
from kinetic.models.users import AuthToken, Invite, User

__all__ = [
    "REGIONS",
    "Alert",
    "Assignment",
    "AuthToken",
    "Exercise",
    "Invite",
    "PainEntry",
    "Program",
    "ProgramVersion",
    "ReminderSetting",
    "ScheduledSession",
    "User",
]

"""The shape of GET /me/export: everything of the user's own, nothing of others'."""

from marshmallow import Schema, fields, validate

from kinetic.models.plans import SESSION_STATUSES
from kinetic.schemas.access_log import MyAccessLogRowSchema
from kinetic.schemas.calendar import CalendarStateSchema
from kinetic.schemas.care_teams import CareTeamSchema
from kinetic.schemas.diary import PainEntrySchema
from kinetic.schemas.messages import MessageSchema
from kinetic.schemas.outcomes import ItemSchema, ResponseSchema
from kinetic.schemas.plans import AssignmentSchema, DoneFraction
from kinetic.schemas.prescriptions import PrescriptionSchema
from kinetic.schemas.reminders import NotificationSchema, RemindersSchema
from kinetic.schemas.users import UserSchema


class ExportSessionSchema(Schema):
    id = fields.Int()
    assignment_id = fields.Int()
    date = fields.Date()
    slot = fields.Int()
    status = fields.Str(validate=validate.OneOf(SESSION_STATUSES))
    done_fraction = DoneFraction
    completed_at = fields.AwareDateTime(allow_none=True)
    exercises_done = fields.List(fields.Str(), allow_none=True)
    difficulty = fields.Int(allow_none=True)
    pain_during = fields.Int(allow_none=True)
    notes = fields.Str(allow_none=True)


class ExportInviteSchema(Schema):
    id = fields.Int()
    name = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    used_at = fields.AwareDateTime(allow_none=True)


class ExportPushSubscriptionSchema(Schema):
    endpoint = fields.Str()
    created_at = fields.AwareDateTime()


class ExportAlertSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    detail = fields.Dict()
    status = fields.Str()
    created_at = fields.AwareDateTime()
    acknowledged_at = fields.AwareDateTime(allow_none=True)


class ExportScheduleSchema(Schema):
    id = fields.Int()
    questionnaire = fields.Function(lambda s: s.questionnaire.slug)
    every_days = fields.Int()
    start_date = fields.Date()
    next_due = fields.Date()
    goals = fields.List(fields.Nested(ItemSchema), allow_none=True)
    created_at = fields.AwareDateTime()


class ExportSchema(Schema):
    exported_at = fields.AwareDateTime(required=True)
    user = fields.Nested(UserSchema, required=True)
    pain_entries = fields.List(fields.Nested(PainEntrySchema))
    sessions = fields.List(fields.Nested(ExportSessionSchema))
    assignments = fields.List(fields.Nested(AssignmentSchema))
    prescriptions = fields.List(fields.Nested(PrescriptionSchema))
    own_exercises = fields.List(fields.Dict(), metadata={"description": "as files"})
    own_programs = fields.List(fields.Dict(), metadata={"description": "as files"})
    invites = fields.List(fields.Nested(ExportInviteSchema))
    reminders = fields.Nested(RemindersSchema)
    alerts = fields.List(fields.Nested(ExportAlertSchema))
    messages = fields.List(fields.Nested(MessageSchema))
    calendar = fields.Nested(CalendarStateSchema)
    questionnaire_schedules = fields.List(fields.Nested(ExportScheduleSchema))
    questionnaire_responses = fields.List(fields.Nested(ResponseSchema))
    notifications = fields.List(fields.Nested(NotificationSchema))
    push_subscriptions = fields.List(fields.Nested(ExportPushSubscriptionSchema))
    # A patient's: who is on their care team, and who opened their record.
    care_team = fields.Nested(CareTeamSchema)
    access_log = fields.List(fields.Nested(MyAccessLogRowSchema))

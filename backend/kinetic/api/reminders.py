"""Reminders: the patient's setting, Web Push subscriptions and the in-app copies."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from kinetic.api.auth import current_user, login_required
from kinetic.extensions import db
from kinetic.schemas.reminders import (
    NotificationArgsSchema,
    NotificationSchema,
    PublicKeySchema,
    PushSubscriptionSchema,
    PushUnsubscribeSchema,
    RemindersSchema,
)
from kinetic.services import push, reminders

blp = Blueprint("reminders", __name__, url_prefix="/api/v1", description="Reminders")

patient_only = login_required(blp, role="patient")


@blp.route("/me/reminders")
class MyReminders(MethodView):
    @blp.doc(operationId="me_reminders_get")
    @patient_only
    @blp.response(200, RemindersSchema)
    def get(self):
        """The daily reminder: on or off, its local time and the timezone."""
        return reminders.reminder_settings(current_user())

    @blp.doc(operationId="me_reminders_update")
    @patient_only
    @blp.arguments(RemindersSchema)
    @blp.response(200, RemindersSchema)
    def put(self, data):
        """Set the daily reminder time (HH:MM, local) and switch it on or off."""
        settings = reminders.update_reminders(current_user(), data)
        db.session.commit()
        return settings


@blp.route("/push/public-key")
@blp.doc(operationId="push_public_key_get")
@login_required(blp)
@blp.response(200, PublicKeySchema)
def public_key():
    """The VAPID application server key to subscribe with (base64url)."""
    return {"public_key": push.public_key()}


@blp.route("/me/push-subscriptions")
class MyPushSubscriptions(MethodView):
    @blp.doc(operationId="me_push_subscription_create")
    @patient_only
    @blp.arguments(PushSubscriptionSchema)
    @blp.response(201, PushSubscriptionSchema)
    @blp.alt_response(200, schema=PushSubscriptionSchema, success=True)
    def post(self, data):
        """Register this browser's PushSubscription; the same endpoint again
        updates it (200).

        The endpoint must be the address of a push service this server knows (its
        pattern), and `keys.p256dh` a point on the P-256 curve: 422 naming `keys`
        when it is not, which a pattern cannot check.
        """
        subscription, created = push.subscribe(current_user(), data)
        db.session.commit()
        return subscription, 201 if created else 200

    @blp.doc(operationId="me_push_subscription_delete")
    @patient_only
    @blp.arguments(PushUnsubscribeSchema)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, data):
        """Forget this browser's subscription (sign-out, or notifications off)."""
        if not push.unsubscribe(current_user(), data["endpoint"]):
            abort(404, message="No such subscription.")
        db.session.commit()


@blp.route("/me/notifications")
@blp.doc(operationId="me_notifications_list")
@login_required(blp)
@blp.arguments(NotificationArgsSchema, location="query")
@blp.response(200, NotificationSchema(many=True))
def my_notifications(args):
    """In-app copies of reminders and messages, newest first; a therapist's are
    notices such as a patient who deleted their account."""
    return reminders.notifications_of(current_user(), args["limit"])

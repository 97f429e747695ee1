"""The signed-in member's notifications, as the app lists them."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from ..auth import me
from ..schemas import Notification, NotificationPage, NotificationsQuery
from .calls import call

blp = Blueprint("notifications", __name__, url_prefix="/v1/me/notifications",
                description="Everything I was told, whatever the channel; read or not.")


@blp.route("")
class Notifications(MethodView):
    @jwt_required()
    @blp.arguments(NotificationsQuery, location="query")
    @blp.response(200, NotificationPage)
    def get(self, query):
        """My notifications, newest first, a page at a time (only the unread with unread=true)"""
        return call("notifications", "notifications_of", me(), query["limit"], query.get("cursor"),
                    query["unread"])


@blp.route("/<notification_id>/read")
class Read(MethodView):
    @jwt_required()
    @blp.response(200, Notification)
    def post(self, notification_id):
        """Mark one of my notifications read"""
        return call("notifications", "mark_notification", me(), notification_id, True)

    @jwt_required()
    @blp.response(200, Notification)
    def delete(self, notification_id):
        """Mark one of my notifications unread again"""
        return call("notifications", "mark_notification", me(), notification_id, False)

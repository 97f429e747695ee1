"""The signed-in member's notifications, as the app lists them, and live as they come."""

import json
import socket
import threading
import time

from flask import Response, current_app, request, stream_with_context
from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import NotificationSettings
from workbuddy_platform import live

from .. import problems
from ..auth import me, session_id
from ..schemas import Notification, NotificationPage, NotificationsQuery
from ..settings import settings_of
from .blueprint import Blueprint
from .calls import call

# Where create_app keeps the process's stream slots (a semaphore of STREAM_MAX_OPEN): each
# stream holds a thread, and the API must keep threads for its other requests. Beyond it,
# 503 and Retry-After (problems.problem adds it to every 503).
SLOTS = "stream_slots"
# How soon a stream notices that its app went (a phone locked, a tab closed): its thread, its
# broker connection and its slot are freed then, not at the next keep-alive's failed write.
GONE_CHECK_SECONDS = 1.0
# Set when this worker is told to stop (worker.py): its streams end within that second, as at
# STREAM_MAX_SECONDS, and their apps reconnect at once (to another replica) rather than being
# held until gunicorn's graceful timeout and then cut.
STOPPING = threading.Event()
# The reconnect delay a stream ended by a stopping server tells its app (EventSource waits
# ``retry`` milliseconds before it opens the stream again).
RECONNECT_SOON_MS = 250

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


@blp.route("/settings")
class ChannelSettings(MethodView):
    @jwt_required()
    @blp.response(200, NotificationSettings)
    def get(self):
        """Which channels tell me of what, and whether a buddy's setback may break my quiet hours"""
        return call("notifications", "notification_settings", me())

    @jwt_required()
    @blp.arguments(NotificationSettings)
    @blp.response(200, NotificationSettings)
    def put(self, settings):
        """Choose per kind (win, setback, ask, reaction, buddyship) whether email and push tell
        me; the list of notifications always keeps everything"""
        return call("notifications", "change_notification_settings", me(),
                    NotificationSettings().dump(settings))


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


@blp.route("/stream")
class Stream(MethodView):
    @jwt_required()
    @blp.doc(responses={"200": {"description": "A server-sent event stream (text/event-stream): "
                                               "one `notification` event per new notification, "
                                               "one `message` event per message a buddy writes "
                                               "me (as the conversation lists it), "
                                               "its data the same object the list gives.",
                                "content": {"text/event-stream": {"schema": {"type": "string"}}}}})
    @blp.alt_response(503, description="Too many streams are open on this server: open it "
                                       "again after Retry-After seconds")
    def get(self):
        """My new notifications as they come (server-sent events). After a reconnection, send
        Last-Event-ID: what was missed meanwhile comes first"""
        member_id, sid = me(), session_id()
        missed_since = request.headers.get("Last-Event-ID")
        config = settings_of(current_app)
        uri = config.platform.amqp_uri
        # A comment line this often keeps proxies and apps from closing a quiet stream.
        keep_alive_seconds = config.stream_keep_alive
        # A stream ends after this long and the app reconnects (EventSource does it by itself,
        # with Last-Event-ID): each open stream holds a gateway thread, and streams move to new
        # replicas.
        max_seconds = config.stream_max_seconds
        slots = current_app.extensions[SLOTS]
        if not slots.acquire(blocking=False):
            return problems.problem(503, "too many live streams are open on this server; open "
                                         "it again in a few seconds")

        app = request.environ.get("gunicorn.socket")
        sessions = current_app.extensions["sessions"]

        def events():
            ends = time.monotonic() + max_seconds
            with live.listen(uri, member_id) as stream:  # bound before the catch-up is read
                yield "retry: 3000\n\n"
                if missed_since:
                    for item in reversed(_since(member_id, missed_since)):
                        yield _event(item)
                keep_alive_at = time.monotonic() + keep_alive_seconds
                while ((now := time.monotonic()) < ends and not _gone(app)
                       and not STOPPING.is_set()):
                    # Short waits: an app that went is noticed within a second, its slot freed.
                    item = stream.next(min(GONE_CHECK_SECONDS, keep_alive_at - now, ends - now))
                    if item:
                        yield _event(item)
                    elif time.monotonic() >= keep_alive_at:
                        # A session closed meanwhile (signed out, or its member left) ends its
                        # stream; the app's reconnection is refused.
                        if not sessions.is_open(sid):
                            return
                        yield ": keep-alive\n\n"
                        keep_alive_at = time.monotonic() + keep_alive_seconds
                if STOPPING.is_set():
                    # This process is going: the app comes back at once, to another replica,
                    # with Last-Event-ID, rather than after the usual wait.
                    yield f"retry: {RECONNECT_SOON_MS}\n: this server is stopping; reconnect\n\n"

        response = Response(stream_with_context(events()), mimetype="text/event-stream",
                            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        # Closed by the server when the stream ends or the app goes, even if it never began.
        response.call_on_close(slots.release)
        return response


def _gone(app: socket.socket | None) -> bool:
    """Whether the app closed its end of the stream: its socket reads as ended. An app never
    sends on a stream, so anything but the end of it means it is still there."""
    if app is None:  # not served by gunicorn (Flask's test client): a failed write tells
        return False
    try:
        return app.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:  # nothing to read: still there
        return False
    except ConnectionError:  # reset by the app
        return True
    except (OSError, ValueError):  # a socket that cannot peek (TLS): a failed write tells
        return False


def _since(member_id: str, last_id: str, most: int = 100) -> list[dict]:
    """The notifications newer than ``last_id``, newest first (at most a page)."""
    items = call("notifications", "notifications_of", member_id, most, None, False)["items"]
    newer = []
    for item in items:
        if item["id"] == last_id:
            return newer
        newer.append(item)
    return newer


def _event(item: dict) -> str:
    if item.get("stream_event") == "message":
        # A buddy's message, as the conversation lists it; no id: Last-Event-ID names the last
        # notification, and what was written meanwhile is in the conversations.
        return f"event: message\ndata: {json.dumps(item['message'], ensure_ascii=False)}\n\n"
    return f"id: {item['id']}\nevent: notification\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"

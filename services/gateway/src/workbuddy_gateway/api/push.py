"""Web Push: the key browsers subscribe with, and a member's browsers turning push on or off."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from marshmallow import EXCLUDE, Schema, fields

from workbuddy_contracts.errors import NotFound

from ..auth import me
from .blueprint import Blueprint
from .calls import call

blp = Blueprint("push", __name__, url_prefix="/v1", description="Web Push notifications.")


class PushKey(Schema):
    public_key = fields.String(required=True, metadata={
        "description": "The applicationServerKey for PushManager.subscribe (base64url)."})


class _Keys(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True, metadata={"description": "base64url, as the browser gives it"})
    auth = fields.String(required=True, metadata={"description": "base64url, as the browser gives it"})


class PushSubscriptionBody(Schema):
    """PushSubscription.toJSON() as the browser gives it; checked in full by notifications."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True)
    expirationTime = fields.Integer(allow_none=True, load_default=None)  # noqa: N815 - the browser's name
    keys = fields.Nested(_Keys, required=True)


class PushSubscription(Schema):
    id = fields.String(required=True)
    endpoint = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})


@blp.route("/push/key")
class Key(MethodView):
    @blp.doc(security=[])  # a browser asks before anyone signs in
    @blp.response(200, PushKey)
    def get(self):
        """The key to subscribe browsers with (404 when this server does not send pushes)"""
        key = call("notifications", "push_key")
        if key is None:
            raise NotFound("push notifications are not available on this server; use email and "
                           "the app's notifications", "public_key")
        return {"public_key": key}


@blp.route("/me/push-subscriptions")
class Subscriptions(MethodView):
    @jwt_required()
    @blp.arguments(PushSubscriptionBody)
    @blp.response(201, PushSubscription)
    def post(self, subscription):
        """Turn push on in this browser (send what PushManager.subscribe gave)"""
        body = {"endpoint": subscription["endpoint"], "expirationTime": subscription["expirationTime"],
                "keys": subscription["keys"]}
        return call("notifications", "subscribe_push", me(), body), 201


@blp.route("/me/push-subscriptions/<subscription_id>")
class OneSubscription(MethodView):
    @jwt_required()
    @blp.response(204)
    def delete(self, subscription_id):
        """Turn push off in one browser"""
        call("notifications", "unsubscribe_push", me(), subscription_id)

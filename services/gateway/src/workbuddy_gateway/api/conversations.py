"""Buddies talk: a conversation per buddyship, private to the two buddies (profiles decides
who may read or write; anyone else gets 404)."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import ReadUpTo, SendMessage

from .. import limits
from ..auth import me
from ..schemas import ConversationList, Message, MessagePage, PageQuery, ReadState, too_many
from . import idempotency
from .blueprint import Blueprint
from .calls import call

blp = Blueprint("conversations", __name__, url_prefix="/v1/me/conversations",
                description="Talking with my buddies: one conversation per buddyship.")


@blp.route("")
class Conversations(MethodView):
    @jwt_required()
    @blp.response(200, ConversationList)
    def get(self):
        """My conversations, most recent activity first, with their last message and how many
        of my buddy's messages I have not read"""
        return call("profiles", "conversations_of", me())


@blp.route("/<buddyship_id>/messages")
class Messages(MethodView):
    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, MessagePage)
    def get(self, query, buddyship_id):
        """A page of the conversation, newest first"""
        return call("profiles", "messages_of", me(), buddyship_id, query["limit"],
                    query.get("cursor"))

    @jwt_required()
    @blp.doc(**idempotency.DOC)
    @blp.arguments(SendMessage)
    @blp.response(201, Message)
    @blp.alt_response(429, **too_many("messages in a short time"))
    @limits.limiter.limit(limits.MESSAGES, key_func=limits.member)
    def post(self, request, buddyship_id):
        """Write to my buddy: text, an answer to one of our moments, or a "call me?" with up to
        three times (my buddy reads them on their own clock); 409 once the buddyship ended"""
        result = call("profiles", "send_message", me(), buddyship_id, SendMessage().dump(request),
                      idempotency.key())
        return result["message"], 201, idempotency.replay_headers(result)


@blp.route("/<buddyship_id>/read")
class Read(MethodView):
    @jwt_required()
    @blp.arguments(ReadUpTo)
    @blp.response(200, ReadState)
    def post(self, request, buddyship_id):
        """I have read up to this message, and every earlier one"""
        return call("profiles", "mark_read", me(), buddyship_id, request)

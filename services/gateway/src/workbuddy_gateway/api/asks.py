"""Urgent asks answered by a human: mine (where each stands), and those I was asked to help
with (answer yes or no). matching decides who is asked and who takes it."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import AnswerAsk

from .. import limits
from ..auth import me
from ..schemas import Ask, AskList, too_many
from .blueprint import Blueprint
from .calls import call

blp = Blueprint("asks", __name__, url_prefix="/v1/me/asks",
                description="Urgent asks: a member who offered help answers one nobody else did.")


@blp.route("")
class Asks(MethodView):
    @jwt_required()
    @blp.response(200, AskList)
    def get(self):
        """My urgent asks (where each stands: waiting for a buddy, out with helpers, taken) and
        those I was asked to help with, newest first"""
        return call("matching", "asks_of", me())


@blp.route("/<ask_id>/answer")
class Answer(MethodView):
    @jwt_required()
    @blp.arguments(AnswerAsk)
    @blp.response(200, Ask)
    @blp.alt_response(429, **too_many("answers in a short time"))
    @limits.limiter.limit(limits.MESSAGES, key_func=limits.member)
    def post(self, request, ask_id):
        """Answer an ask I was asked to help with: yes (the first yes gets a conversation with
        the member who asked: see `buddyship_id`), or no. 409 when another helper said yes
        first; 404 for an ask not sent to me"""
        return call("matching", "answer_ask", ask_id, me(), AnswerAsk().dump(request))

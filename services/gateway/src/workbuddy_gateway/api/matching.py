"""How matching sees the signed-in member: where they stand, and how their buddyships are doing."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import AnswerCheckIn, QuietChoice

from .. import limits
from ..auth import me
from ..schemas import (
    BuddyshipHealth,
    CheckInAnswered,
    CheckInList,
    MatchingStatus,
    QuietChoiceResult,
    too_many,
)
from .blueprint import Blueprint
from .calls import call

blp = Blueprint("matching", __name__, url_prefix="/v1/me",
                description="Matching: where I stand, how my buddyships are doing, and "
                            "their check-ins.")


@blp.route("/matching")
class Status(MethodView):
    @jwt_required()
    @blp.response(200, MatchingStatus)
    def get(self):
        """Where I stand: my open slots, why the last round found nobody for me (if it did not),
        and when the next round is"""
        return call("matching", "matching_status", me())


@blp.route("/buddyships/<buddyship_id>/quiet")
class Quiet(MethodView):
    @jwt_required()
    @blp.arguments(QuietChoice)
    @blp.response(200, QuietChoiceResult)
    def post(self, request, buddyship_id):
        """My buddy has gone quiet: keep waiting (`wait`), or end it kindly and be proposed
        someone new at once (`someone_new`; my buddy reads only that it ended). 409 when my
        buddy has not gone quiet"""
        return call("matching", "quiet_choice", buddyship_id, me(), QuietChoice().dump(request))


@blp.route("/buddyships/<buddyship_id>/health")
class Health(MethodView):
    @jwt_required()
    @blp.response(200, BuddyshipHealth)
    def get(self, buddyship_id):
        """How one of my buddyships is doing: does each of us react to the other's moments, how
        fast, the ratings given, and whether one of us has gone quiet (then I may end it, no
        fault, and matching proposes someone new)"""
        return call("matching", "buddyship_health", buddyship_id, me())


@blp.route("/check-ins")
class CheckIns(MethodView):
    @jwt_required()
    @blp.response(200, CheckInList)
    def get(self):
        """My check-ins, open ones first: at the end of a buddyship's trial, and then every so
        often, each of us is asked privately how it goes. Only my own answers are shown"""
        return call("matching", "check_ins_of", me()) | {"next": None}


@blp.route("/check-ins/<check_in_id>")
class CheckInAnswer(MethodView):
    @jwt_required()
    @blp.arguments(AnswerCheckIn)
    @blp.response(200, CheckInAnswered)
    @blp.alt_response(429, **too_many("answers in a short time"))
    @limits.limiter.limit(limits.MESSAGES, key_func=limits.member)
    def post(self, request, check_in_id):
        """Answer a check-in privately: `keep_going` (both: the buddyship is confirmed),
        `change_mode` with a `mode` (my buddy accepts it or keeps ours), `end_kindly` (it ends;
        my buddy reads a warm, neutral word and we are both proposed someone new), or, when my
        buddy proposed a mode, `accept_mode` / `keep_mode`. 409 when it is closed or my answer
        does not fit (e.g. no mode to accept); 404 for a check-in not mine"""
        return call("matching", "answer_check_in", check_in_id, me(),
                    AnswerCheckIn().dump(request))

"""How matching sees the signed-in member: where they stand, and how their buddyships are doing."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from workbuddy_contracts.commands import QuietChoice

from ..auth import me
from ..schemas import BuddyshipHealth, MatchingStatus, QuietChoiceResult
from .calls import call

blp = Blueprint("matching", __name__, url_prefix="/v1/me",
                description="Matching: where I stand, and how my buddyships are doing.")


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

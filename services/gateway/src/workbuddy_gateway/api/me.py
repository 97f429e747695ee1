"""The signed-in member: their profile, moments and buddyships."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from workbuddy_contracts.commands import LogMoment, ProposeBuddyship
from workbuddy_contracts.errors import NotFound

from ..auth import me
from ..schemas import Buddyship, Member, Moment, MomentsQuery
from .calls import call

blp = Blueprint("me", __name__, url_prefix="/v1/me",
                description="What the signed-in member sees and does.")


@blp.route("")
class Me(MethodView):
    @jwt_required()
    @blp.response(200, Member)
    def get(self):
        """My profile"""
        return call("profiles", "get_member", me())


@blp.route("/moments")
class Moments(MethodView):
    @jwt_required()
    @blp.arguments(LogMoment)
    @blp.response(201, Moment)
    def post(self, request):
        """Log a moment; my buddies are told"""
        return call("profiles", "log_moment", me(), request)

    @jwt_required()
    @blp.arguments(MomentsQuery, location="query")
    @blp.response(200, Moment(many=True))
    def get(self, query):
        """My moments, newest first"""
        return call("profiles", "moments_of", me(), query["limit"])


@blp.route("/buddyships")
class Buddyships(MethodView):
    @jwt_required()
    @blp.arguments(ProposeBuddyship)
    @blp.response(201, Buddyship)
    def post(self, request):
        """Propose a buddyship to another member"""
        buddy_id = request["buddy_id"]
        if buddy_id not in {m["id"] for m in call("profiles", "get_members", [buddy_id])}:
            raise NotFound(f"no member has the id {buddy_id!r}; check the id you were given",
                           "buddy_id")
        return call("matching", "propose", me(), buddy_id)

    @jwt_required()
    @blp.response(200, Buddyship(many=True))
    def get(self):
        """My buddyships, proposed and active"""
        return call("matching", "buddyships_of", me())


@blp.route("/buddyships/<buddyship_id>/accept")
class Accept(MethodView):
    @jwt_required()
    @blp.response(200, Buddyship)
    def post(self, buddyship_id):
        """Accept a buddyship proposed to me"""
        return call("matching", "accept", buddyship_id, me())


@blp.route("/buddyships/<buddyship_id>/decline")
class Decline(MethodView):
    @jwt_required()
    @blp.response(200, Buddyship)
    def post(self, buddyship_id):
        """Decline a buddyship proposed to me"""
        return call("matching", "decline", buddyship_id, me())

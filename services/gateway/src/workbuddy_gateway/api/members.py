"""Members and what they do: register, log moments, propose and answer buddyships."""

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from workbuddy_contracts.commands import LogMoment, ProposeBuddyship, RegisterMember
from workbuddy_contracts.errors import NotFound

from ..schemas import Buddyship, Member, Moment, MomentsQuery

blp = Blueprint("members", __name__, url_prefix="/v1/members",
                description="Members, their moments and their buddyships.")


def call(service: str, method: str, *args, **kwargs):
    return current_app.extensions["services"].call(service, method, *args,
                                                   correlation_id=g.correlation_id, **kwargs)


@blp.route("")
class Members(MethodView):
    @blp.arguments(RegisterMember)
    @blp.response(201, Member)
    def post(self, request):
        """Register a member"""
        return call("profiles", "register", request)


@blp.route("/<member_id>")
class OneMember(MethodView):
    @blp.response(200, Member)
    def get(self, member_id):
        """Show a member"""
        return call("profiles", "get_member", member_id)


@blp.route("/<member_id>/moments")
class Moments(MethodView):
    @blp.arguments(LogMoment)
    @blp.response(201, Moment)
    def post(self, request, member_id):
        """Log a moment; the member's buddies are told"""
        return call("profiles", "log_moment", member_id, request)

    @blp.arguments(MomentsQuery, location="query")
    @blp.response(200, Moment(many=True))
    def get(self, query, member_id):
        """List a member's moments, newest first"""
        return call("profiles", "moments_of", member_id, query["limit"])


@blp.route("/<member_id>/buddyships")
class Buddyships(MethodView):
    @blp.arguments(ProposeBuddyship)
    @blp.response(201, Buddyship)
    def post(self, request, member_id):
        """Propose a buddyship to another member"""
        buddy_id = request["buddy_id"]
        known = {m["id"] for m in call("profiles", "get_members", [member_id, buddy_id])}
        for who, field in ((member_id, "member_id"), (buddy_id, "buddy_id")):
            if who not in known:
                raise NotFound(f"no member has the id {who!r}; check the id returned at "
                               "registration", field)
        return call("matching", "propose", member_id, buddy_id)

    @blp.response(200, Buddyship(many=True))
    def get(self, member_id):
        """List a member's buddyships, proposed and active"""
        call("profiles", "get_member", member_id)
        return call("matching", "buddyships_of", member_id)


@blp.route("/<member_id>/buddyships/<buddyship_id>/accept")
class Accept(MethodView):
    @blp.response(200, Buddyship)
    def post(self, member_id, buddyship_id):
        """Accept a proposed buddyship (the invited member only)"""
        return call("matching", "accept", buddyship_id, member_id)


@blp.route("/<member_id>/buddyships/<buddyship_id>/decline")
class Decline(MethodView):
    @blp.response(200, Buddyship)
    def post(self, member_id, buddyship_id):
        """Decline a proposed buddyship (the invited member only)"""
        return call("matching", "decline", buddyship_id, member_id)

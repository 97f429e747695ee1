"""Other members, as a signed-in member may see them."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import ReportMember

from ..auth import me
from ..schemas import MomentPage, PageQuery, PublicMember
from .blueprint import Blueprint
from .calls import call, require_member

blp = Blueprint("members", __name__, url_prefix="/v1/members",
                description="Other members' public profiles.")


@blp.route("/<member_id>")
class OneMember(MethodView):
    @jwt_required()
    @blp.response(200, PublicMember)
    def get(self, member_id):
        """A member's public profile (never their email)"""
        return call("profiles", "public_profile", me(), member_id)


@blp.route("/<member_id>/block")
class Block(MethodView):
    @jwt_required()
    @blp.response(204)
    def post(self, member_id):
        """Block a member: our buddyship ends at once, we are never proposed to each other
        again, and nothing of either reaches the other any more"""
        require_member(member_id, "member_id")
        call("matching", "block", me(), member_id)


@blp.route("/<member_id>/report")
class Report(MethodView):
    @jwt_required()
    @blp.arguments(ReportMember)
    @blp.response(204)
    def post(self, request, member_id):
        """Report a member: they are blocked (as above), and operators read what happened"""
        require_member(member_id, "member_id")
        call("matching", "report", me(), member_id, request)


@blp.route("/<member_id>/moments")
class TheirMoments(MethodView):
    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, MomentPage)
    def get(self, query, member_id):
        """A buddy's moments since we became buddies, newest first (404 for anyone else)"""
        return call("profiles", "moments_of", me(), member_id, query["limit"],
                    query.get("cursor"))

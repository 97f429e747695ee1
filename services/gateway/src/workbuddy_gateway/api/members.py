"""Other members, as a signed-in member may see them."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from ..auth import me
from ..schemas import MomentPage, PageQuery, PublicMember
from .calls import call

blp = Blueprint("members", __name__, url_prefix="/v1/members",
                description="Other members' public profiles.")


@blp.route("/<member_id>")
class OneMember(MethodView):
    @jwt_required()
    @blp.response(200, PublicMember)
    def get(self, member_id):
        """A member's public profile (never their email)"""
        return call("profiles", "get_member", member_id)


@blp.route("/<member_id>/moments")
class TheirMoments(MethodView):
    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, MomentPage)
    def get(self, query, member_id):
        """A buddy's moments since we became buddies, newest first (404 for anyone else)"""
        return call("profiles", "moments_of", me(), member_id, query["limit"],
                    query.get("cursor"))

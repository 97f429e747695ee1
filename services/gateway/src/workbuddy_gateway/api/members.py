"""Other members, as a signed-in member may see them."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from ..schemas import PublicMember
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

"""Reacting to a buddy's moment: a cheer or a few words of support."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import React

from .. import limits
from ..auth import me
from ..schemas import PageQuery, Reaction, ReactionPage, too_many
from . import idempotency
from .blueprint import Blueprint
from .calls import call

blp = Blueprint("moments", __name__, url_prefix="/v1/moments",
                description="Buddies' moments and the reactions to them.")


@blp.route("/<moment_id>/reactions")
class Reactions(MethodView):
    @jwt_required()
    @blp.doc(**idempotency.DOC)
    @blp.arguments(React)
    @blp.response(201, Reaction)
    @blp.alt_response(429, **too_many("reactions in a short time"))
    @limits.limiter.limit(limits.REACTIONS, key_func=limits.member)
    def post(self, request, moment_id):
        """Cheer or support a buddy's moment; its author is told"""
        result = call("profiles", "react", me(), moment_id, request, idempotency.key())
        return result["reaction"], 201, idempotency.replay_headers(result)

    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, ReactionPage)
    def get(self, query, moment_id):
        """The reactions to a moment I may see, oldest first"""
        return call("profiles", "reactions_to", me(), moment_id, query["limit"],
                    query.get("cursor"))

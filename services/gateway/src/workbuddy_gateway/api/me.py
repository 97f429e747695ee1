"""The signed-in member: their profile, moments and buddyships."""

import json
import re
from urllib.parse import urlencode

from flask import Response, current_app, request
from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import EndBuddyship, Leave, LogMoment, ProposeBuddyship
from workbuddy_contracts.errors import PreconditionFailed, unproven_invitee, unproven_proposer
from workbuddy_contracts.profile import ProfileChange
from workbuddy_platform import clock

from .. import leaving, limits
from ..auth import looked, me
from ..schemas import (
    Buddyship,
    BuddyshipPage,
    Export,
    Invitation,
    InvitationPage,
    Member,
    Moment,
    MomentPage,
    PageQuery,
    SuggestionPage,
    SuggestionsQuery,
    problem_doc,
    too_many,
)
from ..settings import settings_of
from . import idempotency
from .blueprint import Blueprint
from .calls import call, member_cache, require_member

blp = Blueprint("me", __name__, url_prefix="/v1/me",
                description="What the signed-in member sees and does.")


_ETAG = re.compile(r'^(?:W/)?"rev-(\d+)"$')


def etag_of(member: dict) -> str:
    return f'"rev-{member["revision"]}"'


def with_etag(member: dict, status: int = 200):
    return member, status, {"ETag": etag_of(member), "Cache-Control": "private, no-cache"}


def expected_revision() -> int | None:
    """From If-Match: the revision the client's copy was read at."""
    given = request.headers.get("If-Match")
    if given is None:
        return None
    found = _ETAG.match(given.strip())
    if not found:
        raise PreconditionFailed("If-Match must be the ETag of GET /v1/me, e.g. \"rev-3\"",
                                 "If-Match")
    return int(found.group(1))


def my_member_document() -> bytes:
    """GET /v1/me's body (JSON): from the member cache when it holds it (read with the session
    check, auth.session_open), else made from profiles' answer, then kept. What is kept is the
    answer as sent, so that a hit costs neither the schema's dump nor JSON encoding."""
    cache, member_id = member_cache(), me()
    found = looked()
    if found.doc is not None:
        return found.doc
    body = current_app.json.response(MEMBER.dump(call("profiles", "get_member", member_id))
                                     ).get_data()
    cache.fill_member(member_id, found, body)
    return body


MEMBER = Member()


@blp.route("")
class Me(MethodView):
    @jwt_required()
    @blp.response(200, Member)
    @blp.alt_response(304, description="Unchanged since the ETag given in If-None-Match.")
    def get(self):
        """My profile, with its ETag"""
        body = my_member_document()
        etag = etag_of(json.loads(body))
        if etag in (request.headers.get("If-None-Match") or ""):
            return "", 304, {"ETag": etag}
        return Response(body, 200, {"ETag": etag, "Cache-Control": "private, no-cache"},
                        mimetype=current_app.json.mimetype)

    @jwt_required()
    @blp.arguments(Leave)
    @blp.response(204)
    @blp.alt_response(409, **problem_doc("A leave of this account is already under way."))
    def delete(self, request):
        """Leave Work Buddy: my account and everything every service holds of me are erased
        (confirm with my password); my sessions end before the erase, and go with it"""
        leaving.leave(me(), request)

    @jwt_required()
    @blp.arguments(ProfileChange)
    @blp.response(200, Member)
    @blp.alt_response(412, **problem_doc("If-Match names an older revision: reload, then retry."))
    def patch(self, change):
        """Change my profile: only the fields given (send If-Match to avoid overwriting a
        change made elsewhere)"""
        member = call("profiles", "update_profile", me(), ProfileChange().dump(change),
                      expected_revision())
        # Before answering: the member's next GET, on any replica, reads the change.
        member_cache().member_changed(me())
        return with_etag(member)


@blp.route("/export")
class MyData(MethodView):
    @jwt_required()
    @blp.response(200, Export)
    def get(self):
        """Everything Work Buddy holds about me, from every service, as one JSON document"""
        member_id = me()
        parts = {service: call(service, "export", member_id)
                 for service in ("profiles", "matching", "notifications")}
        return {"exported_at": clock.now().isoformat(), "member_id": member_id, **parts}, 200, {
            "Content-Disposition": 'attachment; filename="workbuddy-my-data.json"'}


@blp.route("/moments")
class Moments(MethodView):
    @jwt_required()
    @blp.doc(**idempotency.DOC)
    @blp.arguments(LogMoment)
    @blp.response(201, Moment)
    @blp.alt_response(429, **too_many("moments in a short time"))
    @limits.limiter.limit(limits.MOMENTS, key_func=limits.member)
    def post(self, request):
        """Log a moment; my buddies are told"""
        result = call("profiles", "log_moment", me(), request, idempotency.key())
        return result["moment"], 201, idempotency.replay_headers(result)

    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, MomentPage)
    def get(self, query):
        """My moments, newest first, a page at a time"""
        return call("profiles", "moments_of", me(), me(), query["limit"], query.get("cursor"))


@blp.route("/feed")
class Feed(MethodView):
    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, MomentPage)
    def get(self, query):
        """My buddies' moments, newest first (each since we became buddies)"""
        return call("profiles", "feed_of", me(), query["limit"], query.get("cursor"))


@blp.route("/buddyships")
class Buddyships(MethodView):
    @jwt_required()
    @blp.doc(**idempotency.DOC)
    @blp.arguments(ProposeBuddyship)
    @blp.response(201, Buddyship)
    @blp.alt_response(429, **too_many("proposals in a short time"))
    @limits.limiter.limit(limits.PROPOSALS, key_func=limits.member)
    def post(self, request):
        """Propose a buddyship to another member"""
        buddy_id = request["buddy_id"]
        key = idempotency.key()
        members = require_member(buddy_id, "buddy_id", me())
        # Profiles knows at once whose address is proven; matching learns it a moment later.
        if not members.get(me(), {}).get("email_verified", True):
            raise unproven_proposer()
        if not members[buddy_id].get("email_verified", True):
            raise unproven_invitee("buddy_id")
        result = call("matching", "propose", me(), buddy_id, key)
        return result["buddyship"], 201, idempotency.replay_headers(result)

    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, BuddyshipPage)
    def get(self, query):
        """My buddyships (proposed, active, declined), oldest first, a page at a time"""
        return call("matching", "buddyships_of", me(), query["limit"], query.get("cursor"))


def with_link(invitation: dict) -> dict:
    public_url = settings_of(current_app).public_url
    return invitation | {"link": f"{public_url}/join?{urlencode({'invitation': invitation['code']})}"}


@blp.route("/invitations")
class Invitations(MethodView):
    @jwt_required()
    @blp.response(201, Invitation)
    @blp.alt_response(429, **too_many("invitations today"))
    @limits.limiter.limit(limits.INVITATIONS, key_func=limits.member)
    def post(self):
        """Invite someone I know: share the code or the link; once they sign up with it, we
        are proposed to each other first"""
        return with_link(call("profiles", "invite", me()))

    @jwt_required()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, InvitationPage)
    def get(self, query):
        """My invitations, newest first, and what became of them"""
        found = call("profiles", "invitations_of", me(), query["limit"], query.get("cursor"))
        return {"items": [with_link(i) for i in found["items"]], "next": found["next"]}


@blp.route("/suggestions")
class Suggestions(MethodView):
    @jwt_required()
    @blp.arguments(SuggestionsQuery, location="query")
    @blp.response(200, SuggestionPage)
    def get(self, query):
        """Members I could propose to, best first, with the reasons to meet each"""
        return call("matching", "suggestions_for", me(), query["limit"])


@blp.route("/buddyships/<buddyship_id>/accept")
class Accept(MethodView):
    @jwt_required()
    @blp.response(200, Buddyship)
    def post(self, buddyship_id):
        """Accept a buddyship proposed to me"""
        return call("matching", "accept", buddyship_id, me())


@blp.route("/buddyships/<buddyship_id>/end")
class End(MethodView):
    @jwt_required()
    @blp.arguments(EndBuddyship, required=False)  # nothing to say is fine: no rating
    @blp.response(200, Buddyship)
    def post(self, request, buddyship_id):
        """End one of my buddyships, no reason asked; I may rate it (1-5)"""
        return call("matching", "end", buddyship_id, me(), request)


@blp.route("/buddyships/<buddyship_id>/decline")
class Decline(MethodView):
    @jwt_required()
    @blp.response(200, Buddyship)
    def post(self, buddyship_id):
        """Decline a buddyship proposed to me"""
        return call("matching", "decline", buddyship_id, me())

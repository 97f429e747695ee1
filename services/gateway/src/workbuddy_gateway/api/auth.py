"""Signing up, in and out; keeping a session alive; changing the password."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import ChangePassword, LogIn, SignUp

from .. import auth, leaving, limits
from ..schemas import Refresh, SignedIn, problem_doc, too_many
from . import idempotency
from .blueprint import Blueprint
from .calls import call, sessions

blp = Blueprint("auth", __name__, url_prefix="/v1/auth",
                description="Sign-up, sign-in and sessions. Access tokens last 15 minutes; "
                            "refresh tokens rotate at each use.")
PUBLIC = {"security": []}


def signed_in(member: dict) -> dict:
    leaving.settle()
    sid, refresh_token = sessions().open(member["id"])
    return {"member": member, **auth.issue(member["id"], sid, refresh_token)}


@blp.route("/signup")
class SignUpView(MethodView):
    @blp.doc(**PUBLIC, **idempotency.DOC)
    @blp.arguments(SignUp)
    @blp.response(201, SignedIn)
    @blp.alt_response(429, **too_many("sign-ups from this address"))
    @limits.limiter.limit(limits.SIGNUP)
    def post(self, request):
        """Create an account and sign in"""
        result = call("profiles", "register", request, idempotency.key())
        return signed_in(result["member"]), 201, idempotency.replay_headers(result)


@blp.route("/login")
class LogInView(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(LogIn)
    @blp.response(200, SignedIn)
    @blp.alt_response(429, **too_many("attempts for this address or account"))
    @blp.alt_response(409, **problem_doc("This account is being erased, as its member asked."))
    @limits.limiter.limit(limits.LOGIN)
    @limits.limiter.limit(limits.LOGIN_PER_ACCOUNT, key_func=limits.account)
    def post(self, request):
        """Sign in with email and password"""
        return signed_in(call("profiles", "authenticate", request))


@blp.route("/refresh")
class RefreshView(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(Refresh)
    @blp.response(200, SignedIn)
    def post(self, request):
        """Trade the refresh token for new tokens (the old one stops working)"""
        sid, member_id, refresh_token = sessions().rotate(request["refresh_token"])
        return {"member": call("profiles", "get_member", member_id),
                **auth.issue(member_id, sid, refresh_token)}


@blp.route("/logout")
class LogOutView(MethodView):
    @jwt_required()
    @blp.response(204)
    def post(self):
        """End this session: its access and refresh tokens stop working"""
        sessions().revoke(auth.session_id())


@blp.route("/password")
class PasswordView(MethodView):
    @jwt_required()
    @blp.arguments(ChangePassword)
    @blp.response(204)
    def post(self, request):
        """Change the password; every other session is signed out"""
        call("profiles", "change_password", auth.me(), request)
        sessions().revoke_others(auth.me(), keep=auth.session_id())

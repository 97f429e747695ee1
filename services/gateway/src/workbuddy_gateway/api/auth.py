"""Signing up, in and out; keeping a session alive; changing the password; proving the address
and choosing a new password from a mailed link."""

from flask import Response
from flask.views import MethodView
from flask_jwt_extended import jwt_required

from workbuddy_contracts.commands import (
    ChangePassword,
    LogIn,
    RequestPasswordReset,
    ResetPassword,
    SignUp,
    VerifyAddress,
)

from .. import auth, leaving, limits
from ..schemas import Refresh, SignedIn, problem_doc, too_many
from . import idempotency
from .blueprint import Blueprint
from .calls import call, member_cache, sessions

blp = Blueprint("auth", __name__, url_prefix="/v1/auth",
                description="Sign-up, sign-in and sessions. Access tokens last 15 minutes; "
                            "refresh tokens rotate at each use. An address counts once its "
                            "owner opens the link mailed to it; none of these answers tells "
                            "whether an address has an account.")
PUBLIC = {"security": []}
LINK_REFUSED = {
    404: problem_doc("The link is not one of ours, or it was cut short: open it again, whole."),
    410: problem_doc("The link was already used, or is too old: the detail says how to get a "
                     "new one."),
}


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
        """Create an account and sign in (the address still to be proven: a link is mailed to
        it; an address already taken is answered the same, and its owner is told)"""
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
        """Sign in with email and password (refused alike for a wrong email, a wrong password
        and an address not proven yet)"""
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


@blp.route("/verify")
class VerifyView(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(VerifyAddress)
    @blp.response(200, SignedIn)
    @blp.alt_response(404, **LINK_REFUSED[404])
    @blp.alt_response(410, **LINK_REFUSED[410])
    @blp.alt_response(429, **too_many("attempts from this address"))
    @limits.limiter.limit(limits.LOGIN)
    def post(self, request):
        """Prove the address with the link mailed to it (once, within 24 hours), and sign in"""
        member = call("profiles", "verify_address", request)
        member_cache().member_changed(member["id"])  # proven now: a new revision
        return signed_in(member)


@blp.route("/password-reset")
class PasswordResetView(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(RequestPasswordReset)
    @blp.response(202, description="If an account holds the address, a link to choose a new "
                                   "password is on its way (it works once, for 30 minutes). "
                                   "The answer is the same for an address without an account.")
    @blp.alt_response(429, **too_many("reset mails for this address or account"))
    @limits.limiter.limit(limits.PASSWORD_RESET)
    @limits.limiter.limit(limits.PASSWORD_RESET_PER_ACCOUNT, key_func=limits.account)
    def post(self, request):
        """Forgot my password: mail a reset link to the address, if an account holds it"""
        call("profiles", "request_password_reset", request)
        return Response(status=202)  # no body: the same nothing for every address


@blp.route("/password-reset/confirm")
class ResetPasswordView(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(ResetPassword)
    @blp.response(200, SignedIn)
    @blp.alt_response(404, **LINK_REFUSED[404])
    @blp.alt_response(410, **LINK_REFUSED[410])
    @blp.alt_response(429, **too_many("attempts from this address"))
    @limits.limiter.limit(limits.LOGIN)
    def post(self, request):
        """Choose a new password with the link mailed for it: every session of the account is
        signed out, and this answer signs in anew (the link proves the address too)"""
        member_id = call("profiles", "reset_password", request)
        member_cache().member_changed(member_id)  # the link proved the address too
        sessions().revoke_all(member_id)
        return signed_in(call("profiles", "get_member", member_id))

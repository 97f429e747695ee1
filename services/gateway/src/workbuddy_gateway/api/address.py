"""The signed-in member's address: a new link to prove it."""

from flask import Response
from flask.views import MethodView
from flask_jwt_extended import jwt_required

from .. import limits
from ..auth import me
from ..schemas import too_many
from .blueprint import Blueprint
from .calls import call

blp = Blueprint("address", __name__, url_prefix="/v1/me/address",
                description="My address: proven by opening the link mailed to it.")


@blp.route("/verification")
class Verification(MethodView):
    @jwt_required()
    @blp.response(202, description="A new link is on its way to my address, unless it is "
                                   "proven already (then nothing is needed).")
    @blp.alt_response(429, **too_many("verification mails (3 an hour, 10 a day)"))
    @limits.limiter.limit(limits.VERIFICATION_MAILS, key_func=limits.member)
    def post(self):
        """Mail me a new link to prove my address (the older ones keep working until they
        expire)"""
        call("profiles", "resend_verification", me())
        return Response(status=202)

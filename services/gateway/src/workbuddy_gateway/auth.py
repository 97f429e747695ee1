"""Access tokens: short-lived JWTs naming the member and their session.

Every endpoint needs one except sign-up, log-in, refresh, health and the docs. A missing,
malformed, tampered, expired or revoked token is answered 401 with a problem document.
"""

import hashlib
import time

import jwt as pyjwt
from flask import current_app, g
from flask_jwt_extended import JWTManager, create_access_token, get_jwt, get_jwt_identity, view_decorators

from . import problems
from .member_cache import NOTHING, Looked
from .settings import GatewaySettings

CACHE = "member_cache"  # where create_app keeps the app's member_cache.MemberCache


def key_id(secret: str) -> str:
    """Names a signing secret in a token's header without revealing it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


class VerifiedOnce(JWTManager):
    """flask-jwt-extended decodes an access token three times per request (unverified, for the
    signing key's loader; its header; then verified), and PyJWT checks every character of
    each segment every time: most of what a request costs once its member and session come
    from the cache. An app sends the same token with each request of its 15 minutes, so a
    process verifies each token once and keeps its claims, as long as it is not expired:
    the expiry (and not-before) is checked again at every request, the session (revocation)
    too, by the blocklist loader. The signing keys are fixed for the life of the process."""

    KEPT = 10_000  # tokens per process; then forgotten all at once, and verified again

    def __init__(self, app=None, add_context_processor: bool = False):
        self._verified: dict[str, tuple[dict, dict]] = {}  # token: (claims, header)
        super().__init__(app, add_context_processor)

    def _decode_jwt_from_config(self, encoded_token: str, csrf_value=None,
                                allow_expired: bool = False) -> dict:
        kept = None if allow_expired else self._verified.get(encoded_token)
        if kept is not None and kept[0]["nbf"] <= time.time() < kept[0]["exp"]:
            return dict(kept[0])  # a copy: nothing a request does changes what is kept
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if not allow_expired and "exp" in claims and "nbf" in claims:
            if len(self._verified) >= self.KEPT:
                self._verified.clear()
            self._verified[encoded_token] = (dict(claims),
                                             pyjwt.get_unverified_header(encoded_token))
        return claims

    def header_of(self, encoded_token: str) -> dict:
        """The header of a token just verified (flask-jwt-extended reads it again after)."""
        kept = self._verified.get(encoded_token)
        return dict(kept[1]) if kept is not None else pyjwt.get_unverified_header(encoded_token)


def _kept_header(encoded_token: str) -> dict:
    return current_app.extensions["flask-jwt-extended"].header_of(encoded_token)


# flask-jwt-extended (4.7.4, pinned) reads the header of the token it has just verified through
# this name, parsing the token once more: the header kept with the verified token is the same.
view_decorators.get_unverified_jwt_headers = _kept_header


def init(app, settings: GatewaySettings) -> None:
    secret = settings.jwt_secret
    app.config.update(JWT_SECRET_KEY=secret, JWT_ACCESS_TOKEN_EXPIRES=settings.jwt_access_ttl,
                      JWT_TOKEN_LOCATION=["headers"], JWT_ALGORITHM="HS256")
    jwt = VerifiedOnce(app)
    # Each token says which secret signed it (kid), so a replica holding the new secret and one
    # still on the old one (JWT_ACCEPTED_SECRETS, docs/operations.md, "Rotate secrets") both
    # honour every token while a rotation rolls out.
    keys = {key_id(k): k for k in [*settings.jwt_accepted_secrets, secret]}
    jwt.additional_headers_loader(lambda identity: {"kid": key_id(secret)})
    jwt.decode_key_loader(lambda header, payload: keys.get(header.get("kid"), secret))

    def refuse(detail: str):
        response = problems.problem(401, detail)  # problem() says it in the caller's language
        response.headers["WWW-Authenticate"] = 'Bearer realm="workbuddy"'
        return response

    jwt.unauthorized_loader(lambda reason: refuse(
        "sign in first: send 'Authorization: Bearer <access token>'"))
    jwt.invalid_token_loader(lambda reason: refuse(
        "the access token is not valid; sign in again"))
    jwt.expired_token_loader(lambda header, payload: refuse(
        "the access token has expired; refresh it or sign in again"))
    jwt.revoked_token_loader(lambda header, payload: refuse(
        "this session has ended; sign in again"))
    jwt.token_in_blocklist_loader(lambda header, payload: not session_open(payload))


def session_open(payload: dict) -> bool:
    """Whether the token's session is still open: from the member cache, which the same round
    trip asks for the member's profile too (``looked``, for GET /v1/me), else from the store."""
    sid, member_id = payload.get("sid", ""), payload.get("sub", "")
    known = g.setdefault("open_sessions", {})
    if sid not in known:
        g.looked = looked = current_app.extensions[CACHE].look(member_id, sid)
        known[sid] = current_app.extensions["sessions"].is_open(sid, member_id, looked)
    return known[sid]


def looked() -> Looked:
    """What the member cache held for this request's member (see session_open)."""
    return g.get("looked", NOTHING)


def issue(member_id: str, sid: str, refresh_token: str) -> dict:
    return {
        "token_type": "Bearer",
        "access_token": create_access_token(identity=member_id, additional_claims={"sid": sid}),
        "expires_in": int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()),
        "refresh_token": refresh_token,
    }


def me() -> str:
    """The signed-in member's id."""
    return get_jwt_identity()


def session_id() -> str:
    return get_jwt()["sid"]

"""Schemathesis hooks for `schemathesis run` against a live gateway (SCHEMATHESIS_HOOKS):
how to sign in, and the promises of docs/api.md checked on every answer besides the
OpenAPI document's own."""

import uuid

import requests
import schemathesis

from workbuddy_platform.idempotency import KEY_FORMAT

PROBLEM = "application/problem+json"
PASSWORD = "correct horse battery staple"


class Cast:
    """The members of the run, as the answers introduce them. A request is made as the member
    it is meant for when the run knows them: a proposal is answered by the member it awaits, a
    moment is cheered by a buddy of its author; any other request as the run's own member."""

    def __init__(self):
        self.tokens: dict[str, str] = {}  # member id -> access token
        self.awaiting: dict[str, list[str]] = {}  # buddyship id -> members it awaits
        self.buddies: dict[str, set[str]] = {}  # member id -> active buddies
        self.authors: dict[str, str] = {}  # moment id -> its author
        self.own: str | None = None  # the run's own member's token

    def met(self, case, response) -> None:
        """What an answer tells of the members: who signed in, proposals, buddies, moments."""
        if response.status_code >= 300 or not response.content:
            return
        try:
            body = response.json()
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        if isinstance(body.get("member"), dict) and body.get("access_token"):
            self.tokens[body["member"]["id"]] = body["access_token"]
        if {"proposer_id", "invitee_id", "awaiting", "state"} <= body.keys():
            self.awaiting[body["id"]] = list(body["awaiting"])
            if body["state"] == "active":
                self.buddies.setdefault(body["proposer_id"], set()).add(body["invitee_id"])
                self.buddies.setdefault(body["invitee_id"], set()).add(body["proposer_id"])
        if {"member_id", "kind", "logged_at"} <= body.keys():
            self.authors[body["id"]] = body["member_id"]

    def member_for(self, case) -> str | None:
        """The token of the member this request is meant for, if not the run's own member."""
        path = case.path_parameters or {}
        if case.operation.path.endswith(("/accept", "/decline")):
            waiting = [m for m in self.awaiting.get(path.get("buddyship_id"), [])
                       if m in self.tokens]
            return self.tokens[waiting[0]] if waiting else None
        if case.operation.path == "/v1/moments/{moment_id}/reactions" and case.method == "POST":
            author = self.authors.get(path.get("moment_id"))
            known = sorted(b for b in self.buddies.get(author, ()) if b in self.tokens)
            return self.tokens[known[0]] if known else None
        return None

    def sign_up(self, base: str) -> str:
        email = f"contract-{uuid.uuid4().hex[:12]}@example.org"
        signed_up = requests.post(f"{base}/v1/auth/signup", timeout=30, json={
            "email": email, "password": PASSWORD, "display_name": "Contract", "language": "en"})
        token = signed_up.json().get("access_token") if signed_up.ok else None
        if token is None:  # a sign-up that does not sign in: log in
            signed_in = requests.post(f"{base}/v1/auth/login", timeout=30,
                                      json={"email": email, "password": PASSWORD})
            signed_in.raise_for_status()
            token = signed_in.json()["access_token"]
        return token


CAST = Cast()


@schemathesis.auth(refresh_interval=None)
class AsTheMemberMeant:
    """The run's own member, signed up for the run (and again when a call ended its session:
    a log-out), or the member a request is meant for (see Cast)."""

    def get(self, case, context):
        meant = CAST.member_for(case)
        if meant:
            return meant
        if CAST.own is None:
            CAST.own = CAST.sign_up(context.operation.base_url.rstrip("/"))
        return CAST.own

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def before_call(context, case, kwargs):
    """A new Idempotency-Key for each new request, as docs/api.md asks of clients: a key sent
    again with another request is refused (422), which is the point of the key."""
    headers = case.headers or {}
    if KEY_FORMAT.match(str(headers.get("Idempotency-Key", ""))):
        case.headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}


@schemathesis.hook
def after_call(context, case, response):
    CAST.met(case, response)
    own = CAST.own and (case.headers or {}).get("Authorization") == f"Bearer {CAST.own}"
    ended = case.operation.path == "/v1/auth/logout" and response.status_code < 300
    if own and (ended or response.status_code == 401):
        CAST.own = None  # its session ended: the next request signs up a new member


def _header(response, name: str) -> str:
    return (response.headers.get(name.lower()) or [""])[0]


@schemathesis.check
def correlation_id_is_returned(ctx, response, case):
    """docs/api.md: every response carries X-Correlation-Id."""
    if not _header(response, "X-Correlation-Id"):
        raise AssertionError(f"{response.status_code} answer without X-Correlation-Id")


@schemathesis.check
def refusals_are_problem_documents(ctx, response, case):
    """docs/api.md: every refusal is an RFC 9457 problem document with the messages per field
    in `errors`, and never a traceback."""
    if response.status_code < 400:
        return None
    media_type = _header(response, "Content-Type").split(";")[0].strip()
    assert media_type == PROBLEM, f"{response.status_code} answered as {media_type!r}"
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("status") == response.status_code, body
    for member in ("type", "title", "detail"):
        assert isinstance(body.get(member), str) and body[member], body
    # 414, 431 and malformed HTTP are refused before the headers are read: no id to quote.
    if response.status_code not in (414, 431):
        assert body.get("correlation_id") == _header(response, "X-Correlation-Id"), body
    if "errors" in body:
        errors = body["errors"]
        assert isinstance(errors, dict) and errors, body
        sent = case.body if isinstance(case.body, dict) else {}
        for field, messages in errors.items():
            # A field the request did not send, named after Python's None: no field at all.
            assert field != "None" or "None" in sent, f"`errors` names no field: {body}"
            assert isinstance(messages, list) and messages, body
            assert all(isinstance(m, str) and m for m in messages), body
    assert "Traceback" not in response.text, response.text
    return None

"""The Idempotency-Key header on POSTs that create things: the owning service makes the key
decide what is created, so a retried request finds what its first attempt made.

A request sent without one still gets a key, of its own: if the broker goes away after the
service has made the thing and before its answer is sent, it hands the service the same call
again once it is back, and the key makes that second run find the first one's work instead of
making a second thing. (A client retrying without a key still makes a new request.)"""

import uuid

from flask import request

from workbuddy_contracts.errors import Invalid
from workbuddy_contracts.i18n import say
from workbuddy_platform.idempotency import KEY_FORMAT, KEY_RULE

HEADER = "Idempotency-Key"

DOC = {"parameters": [{
    "in": "header", "name": HEADER, "required": False,
    "schema": {"type": "string", "pattern": KEY_FORMAT.pattern, "maxLength": 128},
    "description": "Send a new unique value (e.g. a UUID) with each new request and the same "
                   "value with its retries: a retry then answers what the first attempt "
                   "created, with `Idempotent-Replayed: true`, instead of creating it twice.",
}]}


def key() -> str:
    given = request.headers.get(HEADER)
    if given is None:
        return f"request-{uuid.uuid4().hex}"
    if not KEY_FORMAT.match(given):
        raise Invalid("{header} must be {rule}", HEADER, header=HEADER, rule=say(KEY_RULE))
    return given


def replay_headers(result: dict) -> dict:
    return {"Idempotent-Replayed": "true"} if result["replayed"] else {}

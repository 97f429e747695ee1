"""The demo community leaves, each member through the same door as anyone (DELETE /v1/me with
their password): every service forgets them as it forgets a member who leaves."""

import logging

from .client import Refused
from .community import COMMUNITY, Persona
from .gathering import sessions
from .mailbox import verification_tokens

log = logging.getLogger("workbuddy.demo")


def remove(gateway_url: str, secret: str, inbox_url: str | None = None,
           personas: tuple[Persona, ...] = COMMUNITY) -> int:
    """Every demo member who can be signed in leaves; how many left. One whose address was
    never proven (a gathering cut short) is signed in by the link mailed to them, when the
    dev inbox still has it."""
    left = 0
    unproven = []
    for persona, session in zip(personas, sessions(gateway_url, secret, personas), strict=True):
        if session.sign_in() is None:
            unproven.append((persona, session))
            continue
        left += _leave(session)
    if unproven and inbox_url:
        try:
            tokens = verification_tokens(inbox_url, [p.email for p, _ in unproven], timeout=5)
        except TimeoutError:  # never signed up (the usual case), or the mail is gone
            tokens = {}
        for persona, session in unproven:
            if (token := tokens.get(persona.email.lower())) is not None:
                try:
                    session.verify(token)
                except Refused:  # the link expired or was used: that member is not there
                    continue
                left += _leave(session)
    return left


def _leave(session) -> int:
    session.delete("/v1/me", {"password": session.password})
    log.info("%s left", session.email)
    return 1

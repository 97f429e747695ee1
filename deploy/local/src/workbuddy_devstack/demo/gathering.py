"""The demo community gathers through the public API, as anyone joins: each member signs up,
proves their address with the link mailed to the dev inbox, and answers the questions.

Members who are not hosts answer first, and matching pairs them among themselves (the actor,
already running, accepts for them); the hosts answer once that settled, so that their places
stay for newcomers. A second `make demo` finds them signed up and answered: it only signs them
in and reads what they already have (their buddyships), so the actor goes on from there.
"""

import base64
import hashlib
import hmac
import logging
import time
from pathlib import Path

from .actor import Actor, Member
from .client import Session
from .community import COMMUNITY, Persona
from .mailbox import verification_tokens

log = logging.getLogger("workbuddy.demo")

# A quiet spell with no proposal among the members, after which matching has paired them.
SETTLED_AFTER = 8.0


def password_for(secret: str, persona: Persona) -> str:
    """Each demo member's password, derived from the install's demo secret: whoever holds it
    (the actor, the removal command) can sign them in; nobody else can."""
    digest = hmac.new(secret.encode(), persona.key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def read_secret(path: Path) -> str:
    return path.read_text().strip()


def sessions(gateway_url: str, secret: str, personas=COMMUNITY) -> list[Session]:
    return [Session(gateway_url, p.email, password_for(secret, p)) for p in personas]


def signed_in(gateway_url: str, inbox_url: str, secret: str,
              personas: tuple[Persona, ...] = COMMUNITY) -> list[tuple[Persona, Session]]:
    """Every member signed in: those already there by their password, the others signed up
    and proven by the link in their verification mail."""
    members = list(zip(personas, sessions(gateway_url, secret, personas), strict=True))
    joining = [(p, s) for p, s in members if s.sign_in() is None]
    for persona, session in joining:
        session.sign_up(persona.display_name, persona.language)
    if joining:
        log.info("%d demo members signed up; proving their addresses", len(joining))
        tokens = verification_tokens(inbox_url, [p.email for p, _ in joining])
        for persona, session in joining:
            session.verify(tokens[persona.email.lower()])
    return members


def answers_missing(persona: Persona, member: dict) -> dict:
    """What the member's profile lacks of the persona's answers (empty: nothing to send, and
    no change for matching to act on)."""
    profile = member.get("profile") or {}
    return {key: value for key, value in persona.profile.items() if profile.get(key) != value
            and not (key == "availability" and _same_availability(profile.get(key), value))}


def _same_availability(have: dict | None, wanted: dict) -> bool:
    have = have or {}
    return all(have.get(key) == value for key, value in wanted.items() if key != "focus_until")


def gather(gateway_url: str, inbox_url: str, secret: str, actor_settings,
           personas: tuple[Persona, ...] = COMMUNITY, *, settle_timeout: float = 180) -> Actor:
    """The community signed in, answered and acted for; returns the running actor."""
    members = [Member(p, s) for p, s in signed_in(gateway_url, inbox_url, secret, personas)]
    for member in members:
        remember_buddyships(member)
    actor = Actor(members, actor_settings)
    newcomers_of(actor)
    actor.start()
    guests = [m for m in members if not m.persona.host]
    hosts = [m for m in members if m.persona.host]
    if answer(guests):
        wait_until_settled(actor, settle_timeout)
    answer(hosts)
    return actor


def answer(members: list[Member]) -> int:
    """Each member's answers to the questions, where they are not given yet; how many answered."""
    answered = 0
    for member in members:
        missing = answers_missing(member.persona, member.session.get("/v1/me"))
        if missing:
            member.session.patch("/v1/me", missing)
            answered += 1
    return answered


def remember_buddyships(member: Member) -> None:
    """What a member already has when the actor starts again: their buddies, and which of
    them are newcomers."""
    page = member.session.get("/v1/me/buddyships", limit=100)
    while True:
        for buddyship in page["items"]:
            member.origins[buddyship["id"]] = buddyship["origin"]
            if buddyship["state"] == "active":
                other = buddyship["invitee_id"] if buddyship["proposer_id"] == member.id \
                    else buddyship["proposer_id"]
                member.buddyships[other] = buddyship["id"]
        if not page.get("next"):
            return
        page = member.session.get("/v1/me/buddyships", limit=100, cursor=page["next"])


def newcomers_of(actor: Actor) -> None:
    """After remember_buddyships: the buddies who are not demo members are newcomers."""
    for member in actor.members.values():
        member.newcomers = {other for other in member.buddyships if not actor.is_demo(other)}


def wait_until_settled(actor: Actor, timeout: float) -> None:
    """Until no proposal among the members came for SETTLED_AFTER seconds (at pace 1)."""
    deadline = time.monotonic() + timeout
    quiet_for = SETTLED_AFTER * max(actor.settings.pace, 0.25)
    while time.monotonic() - actor.last_proposal_at < quiet_for:
        if time.monotonic() > deadline:
            log.warning("matching still proposing among the demo members after %.0f s; the "
                        "hosts answer now", timeout)
            return
        time.sleep(0.5)

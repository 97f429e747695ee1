"""Leaving, as the gateway carries it out: the member's sessions close before profiles erases
them, so that no session acts on an erased account; then the sessions and the rate-limit
counts kept under their id and email go. Profiles announces member.left, on which every
service forgets them, including the events about them its broker queues still hold."""

from flask import current_app

from workbuddy_contracts.errors import Refusal
from workbuddy_platform.logs import get_logger

from . import limits
from .api.calls import call

log = get_logger(__name__)


def leave(member_id: str, request: dict) -> None:
    sessions = current_app.extensions["sessions"]
    attempt = sessions.close_for_leaving(member_id)
    try:
        erased = call("profiles", "leave", member_id, request)
    except Refusal:  # refused before anything was erased (a wrong password)
        sessions.stay(member_id, attempt)
        raise
    # Anything else (a timeout, a lost connection): erased or not, the sessions stay closed,
    # and Sessions.settle finishes once profiles can say.
    sessions.forget(member_id)
    _forget_limits(member_id, erased["email"])


def settle() -> None:
    """Finish what interrupted leaves left (Sessions.settle), asking profiles who is still
    here; run where a session opens, so that an interrupted leave is finished at the latest
    at the next sign-in."""
    erased = current_app.extensions["sessions"].settle(
        lambda ids: {m["id"] for m in call("profiles", "get_members", ids)})
    for member_id in erased:  # their email is gone with them: its keys expire on their own
        _forget_limits(member_id, None)


def _forget_limits(member_id: str, email: str | None) -> None:
    try:
        limits.forget(member_id, email)
    except Exception as exc:  # noqa: BLE001 - Redis away: the keys are hashed and expire
        log.warning("leaving.limits_not_forgotten", error=str(exc))

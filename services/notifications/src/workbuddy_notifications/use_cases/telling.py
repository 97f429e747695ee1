"""Telling members what happens to their buddies and to them: moments, reactions, and the news
of buddyships (proposed, started, ended, a round without a buddy, a quiet buddy).

Each notification is kept in the app first (``keep``), ringing the member's open apps, then
told by mail and push where its kind goes out (deliveries.py). A redelivered event keeps
nothing twice and sends nothing twice.
"""

from datetime import datetime

from workbuddy_contracts.vocabulary import FORMER_MEMBER

from ..adapters.senders import Senders
from ..domain import audience, inbox, timing
from ..domain.deliveries import EMAIL
from ..unit_of_work import NotificationsUnitOfWork
from .deliveries import tell, tell_all
from .feed import shown_to
from .reads import ReadOnce, Reads


def moment_logged(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                  payload: dict) -> None:
    """The author's buddies at the time the moment was logged hear of it, those free to hear it
    now first."""
    moment = {"_id": payload["moment_id"], "event_id": event_id, "author_id": payload["member_id"],
              "kind": payload["kind"], "note": payload["note"], "logged_at": payload["logged_at"]}
    uow.moments.save(moment)
    buddies = audience.buddies_at(uow.buddy_links.of(moment["author_id"]), moment["logged_at"])
    if not buddies:
        return
    reads = ReadOnce(uow, moment=moment, buddies=buddies)
    tell_all(uow, senders, reads=reads, items=keep_all(uow, senders, reads=reads, items=[
        _moment_item(moment, buddy_id) for buddy_id in _available_first(uow, buddies, reads)
        if buddy_id != FORMER_MEMBER]))


def moment_reacted(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                   payload: dict) -> None:
    if payload["reactor_id"] == payload["author_id"]:
        return
    tell(uow, senders, item=keep(
        uow, senders, event_id=event_id, recipient_id=payload["author_id"], kind=inbox.REACTION,
        at=payload["reacted_at"], subject_id=payload["reactor_id"],
        data={"moment_id": payload["moment_id"], "kind": payload["kind"],
              "message": payload["message"]}))


def buddyship_started(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                      payload: dict) -> None:
    """Each side hears of the other's moments logged since it began (they may have arrived
    before this news), then of the buddyship itself."""
    for link in uow.buddy_links.record(payload):
        recent = uow.moments.recent_of(link["member_id"], audience.CATCH_UP_WINDOW)
        for moment in audience.catch_up(link, recent):
            _tell_moment(uow, senders, moment, link["buddy_id"])
    if payload.get("origin") != "ask":  # a helper's yes to an urgent ask: ask.taken tells it
        _tell_pair(uow, senders, event_id, payload, inbox.STARTED, payload["started_at"])


def buddyship_ended(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                    payload: dict) -> None:
    """Both hear it; an end after a check-in or a quiet buddy (``kindly``) reads the same warm,
    neutral word on both sides: who ended it is never said."""
    uow.buddy_links.record(payload)
    _tell_pair(uow, senders, event_id, payload, inbox.ENDED, payload["ended_at"],
               {"kindly": True} if payload.get("kindly") else {})


def buddyship_proposed(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                       payload: dict) -> None:
    """Who must answer hears of the proposal (the invitee, or both sides of a round's pair),
    with the reasons the two were matched."""
    members = [payload["proposer_id"], payload["invitee_id"]]
    for member_id in payload.get("awaiting") or [payload["invitee_id"]]:
        other = next(m for m in members if m != member_id)
        tell(uow, senders, item=keep(
            uow, senders, event_id=event_id, recipient_id=member_id, kind=inbox.PROPOSED,
            at=payload["proposed_at"], subject_id=other,
            data={"buddyship_id": payload["buddyship_id"], "origin": payload.get("origin", "member"),
                  "reasons": (payload.get("reasons") or {}).get(member_id, [])}))


def member_unmatched(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                     payload: dict) -> None:
    """A round found no buddy for the member: the app says so, and when the next round is."""
    next_round = payload["next_round_at"]
    keep(uow, senders, event_id=event_id, recipient_id=payload["member_id"], kind=inbox.UNMATCHED,
         at=payload["at"], data={"reason": payload["reason"],
                                 "next_round_at": next_round.isoformat() if next_round else None})


def buddyship_quiet(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                    payload: dict) -> None:
    """The buddy who kept reacting hears, in the app only, that the other went quiet."""
    [told] = [m for m in payload["member_ids"] if m != payload["quiet_member_id"]]
    keep(uow, senders, event_id=event_id, recipient_id=told, kind=inbox.QUIET, at=payload["at"],
         subject_id=payload["quiet_member_id"],
         data={"buddyship_id": payload["buddyship_id"], "unanswered": payload["unanswered"]})


def support_unavailable(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                        payload: dict) -> None:
    """Nobody could be reached after the member's setback or urgent ask: they read it in the
    app at once (they are there, having just logged it), with when someone will be. Read at
    version 1 (no digest reason) and 2 alike."""
    iso = lambda at: at.isoformat() if at else None  # noqa: E731
    keep(uow, senders, event_id=event_id, recipient_id=payload["member_id"], kind=inbox.NOBODY,
         at=payload["at"], data={"moment_id": payload["moment_id"], "kind": payload["kind"],
                                 "buddies": payload["buddies"], "away": payload["away"],
                                 "reachable_at": iso(payload["reachable_at"]),
                                 "retry_at": iso(payload["retry_at"]),
                                 # v2: when buddies on a daily digest read it, on their clock
                                 "digest_at": payload.get("digest_at")})


def check_in_opened(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                    payload: dict) -> None:
    """Each buddy is asked, privately, by mail and push as well as in the app."""
    _tell_pair(uow, senders, event_id, payload, inbox.CHECK_IN, payload["opened_at"],
               _check_in(payload, "opened") | {"kind": payload["kind"],
                                               "closes_at": payload["closes_at"].isoformat()})


def check_in_mode_proposed(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                           payload: dict) -> None:
    """The other buddy hears the mode proposed: they answer it."""
    proposer = payload["proposer_id"]
    [told] = [m for m in payload["member_ids"] if m != proposer]
    tell(uow, senders, item=keep(
        uow, senders, event_id=event_id, recipient_id=told, kind=inbox.CHECK_IN, at=payload["at"],
        subject_id=proposer, data=_check_in(payload, "mode_proposed") | {"mode": payload["mode"]}))


def check_in_closed(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                    payload: dict) -> None:
    """Both read how it closed: confirmed (and the mode, if it changed), or lapsed; in the app
    only (these steps have no preference kind). A check-in that closed because the buddyship
    ended says nothing: buddyship.ended tells it, without saying who ended it."""
    if payload["outcome"] == "ended":
        return
    _tell_pair(uow, senders, event_id, payload, inbox.CHECK_IN, payload["at"],
               _check_in(payload, payload["outcome"]) | {
                   "mode": payload["mode"], "mode_changed": payload["mode_changed"]})


def _check_in(payload: dict, step: str) -> dict:
    return {"check_in_id": payload["check_in_id"], "buddyship_id": payload["buddyship_id"],
            "step": step}


def keep(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str, recipient_id: str,
         kind: str, at: datetime, subject_id: str | None = None, data: dict | None = None,
         reads: Reads | None = None) -> dict | None:
    """Keep one notification in the app and return it; an event already told to this member
    returns the item kept then (so that its mail and push can still be sent), a former member
    None. A new one rings the member's open apps, unless the two members blocked each other."""
    if recipient_id == FORMER_MEMBER:
        return None
    reads = reads or Reads(uow)
    item = inbox.new_item(event_id=event_id, recipient_id=recipient_id, kind=kind, at=at,
                          subject_id=subject_id, data=data)
    if not uow.inbox.add(item):
        item = uow.inbox.get(item["_id"])
        if item is not None:
            reads.kept(item)
        return item
    if uow.departed.any_of(recipient_id, subject_id):
        # A late event about a member who left: what it just kept goes (see member_left).
        uow.inbox.forget_item(item["_id"])
        return None
    reads.kept(item)
    if subject_id is None or not reads.blocked(recipient_id, subject_id):
        senders.announcer.announce(recipient_id, shown_to(uow, recipient_id, [item], reads)[0])
    return item


def keep_all(uow: NotificationsUnitOfWork, senders: Senders, *, items: list[dict],
             reads: Reads) -> list[dict]:
    """``keep`` for each of ``items`` (inbox.new_item's, one moment's), kept in one command;
    returns them in their order, as kept."""
    there = uow.inbox.add_all(items)
    earlier = uow.inbox.get_all(there) if there else {}
    kept = []
    for item in items:
        if item["_id"] in there:
            item = earlier.get(item["_id"])
            if item is None:
                continue
        reads.kept(item)
        kept.append(item)
        if item["_id"] not in there and (
                item["subject_id"] is None or not reads.blocked(item["recipient_id"],
                                                                item["subject_id"])):
            senders.announcer.announce(item["recipient_id"],
                                       shown_to(uow, item["recipient_id"], [item], reads)[0])
    return kept


def _moment_item(moment: dict, recipient_id: str) -> dict:
    return inbox.new_item(event_id=moment["event_id"], recipient_id=recipient_id,
                          kind=inbox.MOMENT, at=moment["logged_at"], subject_id=moment["author_id"],
                          data={"moment_id": moment["_id"], "kind": moment["kind"]})


def _tell_moment(uow: NotificationsUnitOfWork, senders: Senders, moment: dict,
                 recipient_id: str, reads: Reads | None = None) -> None:
    tell(uow, senders, reads=reads, item=keep(
        uow, senders, event_id=moment["event_id"], recipient_id=recipient_id, kind=inbox.MOMENT,
        at=moment["logged_at"], subject_id=moment["author_id"],
        data={"moment_id": moment["_id"], "kind": moment["kind"]}, reads=reads))


def _tell_pair(uow: NotificationsUnitOfWork, senders: Senders, event_id: str, payload: dict,
               kind: str, at: datetime, data: dict | None = None) -> None:
    a, b = payload["member_ids"]
    for member_id, other in ((a, b), (b, a)):
        tell(uow, senders, item=keep(
            uow, senders, event_id=event_id, recipient_id=member_id, kind=kind, at=at,
            subject_id=other, data={"buddyship_id": payload["buddyship_id"]} | (data or {})))


def _available_first(uow: NotificationsUnitOfWork, member_ids: list[str],
                     reads: Reads) -> list[str]:
    """Buddies free to hear it now are told first (an urgent call for advice reaches them
    sooner); the others still hear of it, when their own rules allow."""
    now = uow.now()

    def busy(member_id: str) -> bool:
        recipient = reads.recipient(member_id) or {}
        return timing.when(kind="ask", channel=EMAIL, urgent=False, recipient=recipient,
                           now=now).how != timing.NOW

    return sorted(member_ids, key=busy)

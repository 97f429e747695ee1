"""What matching learns of members from profiles' events (the pool it draws buddies from),
what it does about it (an invitation's proposal, a support buddy after a setback, slots to
fill again), and a member's data: exported on request, forgotten when they leave."""

from datetime import timedelta

from workbuddy_contracts.vocabulary import FORMER_MEMBER, SETBACKS, WINS
from workbuddy_platform import outbox
from workbuddy_platform.exports import exported

from ..domain import buddyship
from ..unit_of_work import MatchingUnitOfWork
from . import asks, check_ins, partners, proposals, slots, support


def registered(uow: MatchingUnitOfWork, *, payload: dict, event_id: str) -> None:
    uow.pool.remember_member(payload)
    # An address not proven yet: the invitation's proposal waits for address_verified.
    if (inviter := payload.get("invited_by")) and payload.get("email_verified", True):  # v2, v3
        proposals.propose_after_invitation(uow, inviter_id=inviter, member_id=payload["member_id"],
                                           event_id=event_id)


def address_verified(uow: MatchingUnitOfWork, *, payload: dict, event_id: str,
                     automatic: bool) -> None:
    """The member may be proposed now: to whoever invited them first, then to fill their slots."""
    known = uow.pool.remember_verified(payload["member_id"])
    if inviter := known.get("invited_by"):
        proposals.propose_after_invitation(uow, inviter_id=inviter, member_id=payload["member_id"],
                                           event_id=event_id)
    slots.want_filled(uow, payload["member_id"], automatic=automatic)


def updated(uow: MatchingUnitOfWork, *, payload: dict, automatic: bool) -> None:
    uow.pool.remember_profile(payload)
    # Answers given or changed: fill whatever slots are open (none open, nothing happens).
    slots.want_filled(uow, payload["member_id"], automatic=automatic)


def replay_is_harmless(moment: dict) -> bool:
    """Whether ``moment_logged`` may see the moment twice without changing anything the second
    time: what it remembers is keyed by the moment or only ever moves forward, an ask is kept
    under the moment's id, and a slot fill asked twice is asked once. Not so for a setback (a
    support buddy sought again), an urgent ask (the member told again they are alone) or a
    project looking for a partner (proposals made again): those are checked against the
    consumer's ledger first (platform.consumers, ``keyed``)."""
    if moment["kind"] in SETBACKS or moment["kind"] == "urgent_advice":
        return False
    return not (moment["kind"] == "project_idea" and moment.get("seeking_partner"))


def moment_logged(uow: MatchingUnitOfWork, *, moment: dict, automatic: bool,
                  widen_after: timedelta) -> None:
    """Who lived what (a support buddy who went through the same helps most), and when they
    were last active; a setback may call for a support buddy, a win for more buddies, an
    urgent ask the member let go wider waits for an answer."""
    uow.pool.remember_moment(moment)
    asks.ask_logged(uow, moment=moment, widen_after=widen_after)
    member_id = moment["member_id"]
    uow.pool.seen_active(member_id, moment["logged_at"])
    if moment["kind"] in SETBACKS:
        lived = (uow.pool.member(member_id) or {}).get("setbacks", [])
        if moment["kind"] not in lived:
            uow.pool.lived(member_id, sorted({*lived, moment["kind"]}))
    partners.seek(uow, moment=moment)  # a project idea looking for a partner: the member asked
    if moment["kind"] == "urgent_advice" and not moment.get("widen"):
        support.tell_if_alone(uow, moment=moment)  # told, whoever proposes
    if not automatic:
        return
    if moment["kind"] in SETBACKS:
        # Within seconds of the setback, and long after the member's request returned.
        support.offer_support(uow, moment=moment)
    elif moment["kind"] in WINS:
        slots.want_filled(uow, member_id, automatic=automatic)  # nothing when slots are full


def reacted(uow: MatchingUnitOfWork, *, reaction: dict) -> None:
    uow.pool.remember_reaction(reaction)
    uow.pool.seen_active(reaction["reactor_id"], reaction["reacted_at"])
    asks.answer_seen(uow, asker_id=reaction["author_id"], by=reaction["reactor_id"],
                     at=reaction["reacted_at"], ask_id=reaction["moment_id"])


def slot_freed(uow: MatchingUnitOfWork, *, payload: dict, automatic: bool) -> None:
    """A buddyship ended, was declined or expired: both members may want someone new."""
    for member_id in payload["member_ids"]:
        slots.want_filled(uow, member_id, automatic=automatic)


def left(uow: MatchingUnitOfWork, *, member_id: str, automatic: bool) -> None:
    """Their open buddyships end, every buddyship keeps only a nameless place for them, and all
    matching learnt of them goes; the members they leave have a free slot again. Marked gone
    first: a proposal written on a read made before this (a slot fill, a round) sees the mark
    once committed, and undoes itself (proposals.save_all_if_allowed)."""
    now = uow.now()
    uow.departed.mark(member_id, now)
    theirs = uow.buddyships.all_of(member_id)
    freed = [buddyship.other_member(b, member_id) for b in theirs if buddyship.is_open(b)]
    uow.buddyships.forget(member_id, [buddyship.forget_member(b, member_id, now) for b in theirs])
    uow.pool.forget(member_id)
    uow.rounds.forget(member_id)
    uow.reports.forget(member_id)
    uow.asks.forget(member_id)
    uow.support_retries.forget(member_id)
    uow.check_ins.forget(member_id)
    uow.commit()
    uow.blocks.forget(member_id)
    outbox.forget(uow.db, member_id)
    for other in freed:
        if other != FORMER_MEMBER:
            slots.want_filled(uow, other, automatic=automatic)


def export(uow: MatchingUnitOfWork, *, member_id: str) -> dict:
    """All that matching holds about the member, JSON-ready."""
    language = proposals.reads(uow, member_id)
    found = uow.buddyships.export_of(member_id) | uow.pool.export_of(member_id) | {
        "reports_made": uow.reports.made_by(member_id)}
    return {"buddyships": [buddyship.view_for(b, member_id, language)
                           for b in found.pop("buddyships")],
            # As the member sees each ask: never the other helpers asked.
            "asks": asks.asks_of(uow, member_id=member_id)["items"],
            # Their own answers only: a buddy's answers are theirs.
            "check_ins": check_ins.check_ins_of(uow, member_id=member_id, limit=0)["items"]} | \
        {name: [exported(doc) for doc in docs] for name, docs in found.items()}

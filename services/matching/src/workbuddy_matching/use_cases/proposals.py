"""Proposals and the buddyships they become: a member proposes, the awaited members accept or
decline, either buddy ends it; proposals nobody answers expire and support buddyships end when
their days are over. Also how every proposal, a member's or matching's own, is saved."""

from datetime import timedelta

from workbuddy_contracts.commands import EndBuddyship, load_or_refuse
from workbuddy_contracts.errors import Conflict, NotFound, unknown_member, unproven_invitee, unproven_proposer
from workbuddy_contracts.i18n import current_language
from workbuddy_contracts.profile import default_profile
from workbuddy_platform import outbox
from workbuddy_platform.idempotency import derived_id, replay
from workbuddy_platform.logs import get_logger

from ..domain import buddyship, capacity, check_ins, introductions, reachability
from ..unit_of_work import MatchingUnitOfWork

log = get_logger(__name__)

# How long a new buddyship's trial lasts, unless the settings say otherwise.
TRIAL = timedelta(days=21)

PAUSED = ("this member is taking a break from new buddies until {until}; propose again after "
          "that day")
KEY_REUSED = ("this Idempotency-Key was already used to propose to another member; use a new "
              "key for a new proposal")


def propose(uow: MatchingUnitOfWork, *, proposer_id: str, invitee_id: str,
            idempotency_key: str | None = None) -> dict:
    """{"buddyship": ..., "replayed": bool}. The caller vouches that both members exist (the
    gateway asks profiles first); a retry with the same key proposes nothing twice."""
    buddyship_id = derived_id(f"buddyship:{proposer_id}", idempotency_key) \
        if idempotency_key else None
    docs = _pool_docs(uow, proposer_id, invitee_id)
    change = _member_proposal(uow, docs, proposer_id, invitee_id, buddyship_id)  # refuses oneself
    refuse_blocked(uow, proposer_id, invitee_id)
    invitee = docs.get(invitee_id)
    # The gateway refuses these first, from profiles' word; matching knows a member a moment
    # later, and says the same for those it knows.
    if not reachability.proven(docs.get(proposer_id)):
        raise unproven_proposer()
    if not reachability.proven(invitee):
        raise unproven_invitee("buddy_id")
    if until := reachability.paused_until(invitee, uow.now()):
        raise Conflict(PAUSED, "buddy_id", until=until.date().isoformat())
    language = reads(uow, proposer_id)
    if idempotency_key and (earlier := replay(uow.buddyships.get(buddyship_id),
                                              lambda b: b["invitee_id"] == invitee_id, KEY_REUSED)):
        return {"buddyship": buddyship.view_for(earlier, proposer_id, language), "replayed": True}
    save(uow, change)
    return {"buddyship": buddyship.view_for(change.buddyship, proposer_id, language),
            "replayed": False}


def propose_after_invitation(uow: MatchingUnitOfWork, *, inviter_id: str, member_id: str,
                             event_id: str) -> None:
    """Someone signed up with an invitation: propose the two to each other first. The id comes
    from the event, so a redelivered event proposes nothing twice."""
    buddyship_id = derived_id("invitation", event_id)
    if uow.buddyships.get(buddyship_id) is not None:
        return
    try:
        refuse_blocked(uow, inviter_id, member_id)
        save(uow, _member_proposal(uow, _pool_docs(uow, inviter_id, member_id), inviter_id,
                                   member_id, buddyship_id, origin="invitation"))
    except (Conflict, NotFound) as refused:  # already paired, blocked, or no room
        log.info("invitation.not_proposed", inviter_id=inviter_id, reason=refused.message)


def _pool_docs(uow: MatchingUnitOfWork, *member_ids: str) -> dict[str, dict]:
    """What matching knows of these members, by id, in one read (those it does not know yet
    are absent)."""
    return {doc["_id"]: doc for doc in uow.pool.members(list(member_ids))}


def _member_proposal(uow: MatchingUnitOfWork, docs: dict[str, dict], proposer_id: str,
                     invitee_id: str, buddyship_id: str | None,
                     origin: str = "member") -> buddyship.Change:
    """A member's own proposal carries the reasons too, when matching knows both members
    (``docs``: as _pool_docs reads them)."""
    known = {}
    if len(docs) == 2:
        now = uow.now()
        known = introductions.between(introductions.candidate_of(docs[proposer_id], now),
                                      introductions.candidate_of(docs[invitee_id], now))
    return buddyship.propose(proposer_id, invitee_id, uow.now(), buddyship_id, origin=origin,
                             **known)


def save(uow: MatchingUnitOfWork, change: buddyship.Change) -> None:
    """Save a proposal with its event. A pair with an open buddyship, or a member at capacity,
    is refused before the transaction (refusing is then the common case, and aborts nothing)
    and again by the store (when two proposals race)."""
    proposal = change.buddyship
    if uow.buddyships.pair_is_open(proposal["pair"]):
        raise Conflict(buddyship.OPEN_PAIR, "buddy_id")
    uow.buddyships.add(proposal, _slots_for(uow, proposal))
    uow.record(*change.events)
    uow.commit()


def _slots_for(uow: MatchingUnitOfWork, proposal: dict) -> tuple[tuple[str, int], ...]:
    """The capacity slot the proposal takes of each member (none for a temporary buddyship);
    a Conflict naming who has no room. A member's own proposal is told about themselves
    first."""
    if proposal.get("origin") in buddyship.OUTSIDE_CAPACITY:
        return ()
    return tuple((member_id, capacity.claim(_held(uow, member_id), message))
                 for member_id, message in ((proposal["proposer_id"], capacity.PROPOSER_FULL),
                                            (proposal["invitee_id"], capacity.INVITEE_FULL)))


def _held(uow: MatchingUnitOfWork, member_id: str) -> capacity.Held:
    return capacity.Held(capacity_of(uow, member_id), uow.buddyships.slots_of(member_id),
                         len(uow.buddyships.open_held(member_id)))


def capacity_of(uow: MatchingUnitOfWork, member_id: str) -> int:
    """The member's buddy capacity, as their answers say (the default until they answered)."""
    return answers_of(uow, member_id)["buddy_capacity"]


def answers_of(uow: MatchingUnitOfWork, member_id: str) -> dict:
    """The member's answers to the onboarding questions (the defaults until they answered)."""
    return _answers_in(uow.pool.member(member_id))


def _answers_in(doc: dict | None) -> dict:
    doc = doc or {}
    return default_profile(doc.get("language", "en")) | (doc.get("profile") or {})


def _capacity_in(doc: dict | None) -> int:
    return _answers_in(doc)["buddy_capacity"]


def starting_mode(uow: MatchingUnitOfWork, found: dict) -> dict | None:
    """The mode a buddyship starts with: the commitment both members asked for, if the same."""
    return check_ins.starting_mode(*(answers_of(uow, m)["commitment"]
                                     for m in buddyship.members_of(found)))


def save_all_if_allowed(uow: MatchingUnitOfWork, changes: list[buddyship.Change],
                        docs: dict[str, dict], *, held: dict[str, set[int]] | None = None,
                        pairs_checked: bool = False) -> list[dict]:
    """Matching's own proposals (not of a support buddy), those the rules allow saved together,
    the others dropped, as ``save_if_allowed`` would one by one; the proposals saved. ``docs``:
    the members' pool documents, by id (their capacity); ``held``: the slot numbers they hold,
    if just read (``Buddyships.slot_numbers``); ``pairs_checked``: the caller just read that
    no pair is blocked or open. A slot fill writes one proposal per open slot: one read each of
    the blocks, open pairs and slots for all of them (or none) and one transaction cost a
    fraction of theirs one by one, each with its reads and its turn at the store. When another
    proposal took a pair or a slot meanwhile (the store refuses it), the transaction undoes
    them all and each is tried alone."""
    proposed = [change.buddyship for change in changes]
    members = {m for p in proposed for m in buddyship.members_of(p)}
    refused = set() if pairs_checked else \
        uow.blocks.blocked_among([p["pair"] for p in proposed]) | \
        uow.buddyships.open_among([p["pair"] for p in proposed])
    # The numbered slots are the capacity's record (the one the store enforces); the open
    # buddyships counted besides them by a single save only matter for data older than slots,
    # which every database got at start-up (repository._hold_places_of_open_buddyships).
    held = {m: set(n) for m, n in (uow.buddyships.slot_numbers(members) if held is None
                                   else held).items()}
    kept = []
    for change in changes:
        proposal = change.buddyship
        if proposal["pair"] in refused:
            continue
        taken = ()
        if proposal.get("origin") not in buddyship.OUTSIDE_CAPACITY:
            try:
                taken = tuple((m, capacity.claim(capacity.Held(
                    _capacity_in(docs.get(m)), frozenset(held.get(m, ())), 0), ""))
                    for m in (proposal["proposer_id"], proposal["invitee_id"]))
            except Conflict:  # no room for one of the two (left by the proposals before)
                continue
        for member_id, n in taken:
            held.setdefault(member_id, set()).add(n)
        refused.add(proposal["pair"])
        kept.append((change, taken))
    if not kept:
        return []
    uow.buddyships.add_all([(change.buddyship, taken) for change, taken in kept])
    for change, _ in kept:
        uow.record(*change.events)
    try:
        uow.commit()
    except Conflict:  # raced by another proposal: each alone, with every check again
        return [change.buddyship for change, _ in kept if save_if_allowed(uow, change)]
    if gone := uow.departed.among({m for change, _ in kept
                                   for m in buddyship.members_of(change.buddyship)}):
        # Read before a member left, committed after: leaving again takes these with it.
        from . import members as leaving  # noqa: PLC0415 - members builds on this module
        for member_id in gone:
            leaving.left(uow, member_id=member_id, automatic=True)
            outbox.withdraw(uow.db, member_id, "buddyship.proposed")
        kept = [(c, t) for c, t in kept if not gone & set(buddyship.members_of(c.buddyship))]
    return [change.buddyship for change, _ in kept]


def save_if_allowed(uow: MatchingUnitOfWork, change: buddyship.Change) -> bool:
    """Matching's own proposal: saved unless the pair is blocked or already has an open
    buddyship (then nothing happens, and False)."""
    proposal = change.buddyship
    if uow.blocks.between(proposal["proposer_id"], proposal["invitee_id"]) is not None:
        return False
    try:
        save(uow, change)
    except Conflict:
        return False
    return True


def accept(uow: MatchingUnitOfWork, *, buddyship_id: str, member_id: str,
           trial: timedelta = TRIAL) -> dict:
    """The member says yes; a buddyship that starts (for good, not for a while) begins its
    ``trial``, whose end is its first check-in."""
    current, now = uow.buddyships.get(buddyship_id), uow.now()
    change = buddyship.accept(current, buddyship_id, member_id, now)
    if change.buddyship["state"] != buddyship.ACTIVE:
        return _step(uow, current, change, member_id)
    if current.get("origin") not in buddyship.OUTSIDE_CAPACITY:
        for member in buddyship.members_of(current):  # a capacity lowered since the proposal
            active = [b for b in uow.buddyships.open_held(member)
                      if b["state"] == buddyship.ACTIVE and b["_id"] != buddyship_id]
            capacity.check_accept(len(active), capacity_of(uow, member), mine=member == member_id)
    if current.get("origin") not in buddyship.TEMPORARY:
        change = buddyship.Change(check_ins.schedule(change.buddyship, now, trial,
                                                     starting_mode(uow, current)),
                                  change.events)
    return _step(uow, current, change, member_id)


def decline(uow: MatchingUnitOfWork, *, buddyship_id: str, member_id: str) -> dict:
    current = uow.buddyships.get(buddyship_id)
    return _step(uow, current, buddyship.decline(current, buddyship_id, member_id, uow.now()),
                 member_id)


def end(uow: MatchingUnitOfWork, *, buddyship_id: str, member_id: str,
        request: dict | None = None) -> dict:
    """Either buddy ends an active buddyship, no reason asked; a rating (1-5) may go with it."""
    rating = load_or_refuse(EndBuddyship(), request or {})["rating"]
    current, now = uow.buddyships.get(buddyship_id), uow.now()
    change = buddyship.end(current, buddyship_id, member_id, now)
    if rating is not None:  # rated when it ended, to the millisecond
        uow.buddyships.rate(buddyship_id, member_id, rating, now)
    return _step(uow, current, change, member_id)


def _step(uow: MatchingUnitOfWork, current: dict, change: buddyship.Change, member_id: str) -> dict:
    """Store one step of a buddyship's life (refused, and nothing written, if it changed since
    it was read) and show it to the member."""
    uow.buddyships.save(change.buddyship, was=current)
    uow.record(*change.events)
    uow.commit()
    return buddyship.view_for(change.buddyship, member_id, reads(uow, member_id))


def close_due(uow: MatchingUnitOfWork) -> int:
    """Proposals left unanswered expire and free both members' slots; support buddyships end
    when their days are over. Each is conditional: one changed meanwhile is left as it is."""
    now, closed = uow.now(), 0
    due = [(p, buddyship.expire) for p in uow.buddyships.due_to_expire(now)] + \
        [(s, buddyship.end_support) for s in uow.buddyships.support_due_to_end(now)]
    for current, step in due:
        change = step(current, now)
        if change is None:
            continue
        uow.buddyships.save(change.buddyship, was=current)
        uow.record(*change.events)
        try:
            uow.commit()
            closed += 1
        except Conflict:
            continue
    return closed


def buddyships_of(uow: MatchingUnitOfWork, *, member_id: str, limit: int = 20,
                  cursor: str | None = None) -> dict:
    """A page of the member's buddyships, oldest first: {"items": [...], "next": cursor}."""
    found = uow.buddyships.of_member(member_id, limit, cursor)
    language = reads(uow, member_id)
    return {"items": [buddyship.view_for(b, member_id, language) for b in found["items"]],
            "next": found["next"]}


def refuse_blocked(uow: MatchingUnitOfWork, proposer_id: str, invitee_id: str) -> None:
    block = uow.blocks.between(proposer_id, invitee_id)
    if block is None:
        return
    if block["blocker_id"] == proposer_id:
        raise Conflict("you have blocked this member", "buddy_id")
    # Whoever was blocked is not told so: the member is simply not there for them.
    raise unknown_member(invitee_id, "buddy_id")


def reads(uow: MatchingUnitOfWork, member_id: str) -> str:
    """The language the member reads (as suggestions speak it), else the caller's."""
    return (uow.pool.member(member_id) or {}).get("language") or current_language()

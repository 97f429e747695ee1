"""matching: buddyships and the pool of members they are drawn from."""

import os
from contextlib import contextmanager
from datetime import timedelta

from eventlet.semaphore import Semaphore
from nameko.timer import timer

from workbuddy_contracts.commands import EndBuddyship, ReportMember, load_or_refuse
from workbuddy_contracts.errors import Conflict, Invalid, NotFound, unknown_member
from workbuddy_contracts.i18n import current_language
from workbuddy_contracts.vocabulary import SETBACKS, WINS, BuddyshipState
from workbuddy_platform import blocks, clock, lease, outbox
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import Outbox, RequestContext
from workbuddy_platform.exports import exported
from workbuddy_platform.health import health_report
from workbuddy_platform.idempotency import derived_id
from workbuddy_platform.logs import get_logger
from workbuddy_platform.metrics import Observed
from workbuddy_platform.retries import event_handler
from workbuddy_platform.rpc import rpc
from workbuddy_platform.store import Store, in_transaction
from workbuddy_platform.tracing import Traced

from . import buddyships, checkups, health, matchmaker, reasons, repository

log = get_logger(__name__)


def _setting(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


# Matching proposes on its own (fills open slots on events, support buddies after setbacks);
# "off" leaves proposals to members, e.g. for a demo where people choose from suggestions.
AUTOMATIC = os.environ.get("MATCHING_AUTOMATIC", "on").strip().lower() not in ("off", "0", "false")
# A full round over the pool every so many hours (0: only when an operator runs one).
ROUND_EVERY = timedelta(hours=_setting("MATCHING_ROUND_EVERY_HOURS", 24))
CHECKUP_EVERY = timedelta(minutes=_setting("MATCHING_CHECKUP_EVERY_MINUTES", 60))
# One lease for all of matching's own proposing, so that two replicas (or a round and a rematch
# in this one) never fill the same member's slots at once: capacity holds.
PROPOSING = "matching.proposing"
PROPOSING_LEASE = timedelta(minutes=10)
_proposing = Semaphore(1)



class MatchingService:
    name = "matching"
    observed = Observed()  # entrypoint times and errors, for /metrics
    traced = Traced()  # a span per RPC call and event handled, when tracing is on

    store = Store(indexes=repository.create_indexes)
    outbox = Outbox()
    context = RequestContext()

    @rpc
    def health(self) -> dict:
        return health_report(self.name, self.store)

    @rpc
    def propose(self, proposer_id: str, invitee_id: str,
                idempotency_key: str | None = None) -> dict:
        """{"buddyship": ..., "replayed": bool}. The caller vouches that both members exist
        (the gateway asks profiles first); a retry with the same key proposes nothing twice."""
        buddyship_id = derived_id(f"buddyship:{proposer_id}", idempotency_key) \
            if idempotency_key else None
        buddyship = buddyships.propose(proposer_id, invitee_id, clock.now(), buddyship_id)
        self._refuse_blocked(proposer_id, invitee_id)
        if idempotency_key and (earlier := repository.get(self.store, buddyship["_id"])):
            if earlier["invitee_id"] != invitee_id:
                raise Invalid("this Idempotency-Key was already used to propose to another "
                              "member; use a new key for a new proposal", "Idempotency-Key")
            return {"buddyship": buddyships.view_for(earlier, proposer_id, self._reads(proposer_id)),
                    "replayed": True}
        self._save_proposal(buddyship)
        return {"buddyship": buddyships.view_for(buddyship, proposer_id, self._reads(proposer_id)),
                "replayed": False}

    @rpc
    def end(self, buddyship_id: str, member_id: str, request: dict | None = None) -> dict:
        """Either buddy ends an active buddyship, no reason asked; a rating (1-5) may go with it."""
        rating = load_or_refuse(EndBuddyship(), request or {})["rating"]
        current = buddyships.check_end(repository.get(self.store, buddyship_id), buddyship_id,
                                       member_id)
        now = clock.now()

        def save(session):
            ended = repository.close(self.store, current, now, session)
            if ended is None:
                raise Conflict("this buddyship changed meanwhile; reload it", "buddyship_id")
            if rating is not None:
                repository.rate(self.store, buddyship_id, member_id, rating, now, session)
            self.outbox.stage("buddyship.ended", {
                "buddyship_id": buddyship_id, "member_ids": buddyships.members_of(ended),
                "ended_at": now}, session)
            return ended

        return buddyships.view_for(in_transaction(self.store, save), member_id, self._reads(member_id))

    @timer(interval=60)
    def expire_proposals(self):
        """Proposals left unanswered expire and free both members' slots; support buddyships end
        when their days are over. Every
        replica asks; the one holding the lease does it (and each expiry is conditional anyway)."""
        if not lease.hold(self.store, "matching.expire_proposals", timedelta(minutes=5)):
            return
        now = clock.now()
        for proposal in repository.due_to_expire(self.store, now):
            self._close_due(proposal, repository.expire, "buddyship.expired", "expired_at", now)
        # A support buddy is there for a few days, then the buddyship ends by itself.
        for support in repository.support_due_to_end(self.store, now):
            self._close_due(support, repository.close, "buddyship.ended", "ended_at", now)

    def _close_due(self, buddyship: dict, close, event_type: str, stamp: str, now) -> None:
        """Close one buddyship whose time is up, with its event; nothing if it changed meanwhile."""
        def save(session):
            if close(self.store, buddyship, now, session) is not None:
                self.outbox.stage(event_type, {
                    "buddyship_id": buddyship["_id"], "member_ids": buddyships.members_of(buddyship),
                    stamp: now}, session)

        in_transaction(self.store, save)

    @rpc
    def block(self, blocker_id: str, blocked_id: str) -> None:
        """Nothing more between the two: their buddyship ends at once, they are never proposed
        to each other again, and every service stops showing and sending between them."""
        if blocker_id == blocked_id:
            raise Invalid("a member cannot block themselves", "member_id")
        if blocks.between(self.store, blocker_id, blocked_id):
            return  # already blocked: blocking again changes nothing
        now = clock.now()
        open_one = repository.open_buddyship_of_pair(self.store, blocker_id, blocked_id)

        def save(session):
            if not repository.add_block(self.store, blocker_id, blocked_id, now, session):
                return
            closed = open_one and repository.close(self.store, open_one, now, session)
            if closed and closed["state"] == BuddyshipState.ENDED:
                self.outbox.stage("buddyship.ended", {
                    "buddyship_id": closed["_id"], "member_ids": buddyships.members_of(closed),
                    "ended_at": now}, session)
            elif closed:
                self.outbox.stage("buddyship.declined", {
                    "buddyship_id": closed["_id"], "member_ids": buddyships.members_of(closed),
                    "declined_at": now}, session)
            self.outbox.stage("member.blocked", {"blocker_id": blocker_id,
                                                 "blocked_id": blocked_id, "blocked_at": now},
                              session)

        in_transaction(self.store, save)

    @rpc
    def report(self, reporter_id: str, reported_id: str, request: dict | None = None) -> None:
        """A report blocks, and is kept for operators (``workbuddy-matching-ops reports``)."""
        report = load_or_refuse(ReportMember(), request or {})
        self.block(reporter_id, reported_id)
        repository.add_report(self.store, reporter_id, reported_id, report, clock.now())

    @rpc
    def reports(self, limit: int = 50) -> list[dict]:
        """The latest reports, newest first (operators)."""
        return [exported(r) for r in repository.latest_reports(self.store, limit)]

    @rpc
    def accept(self, buddyship_id: str, member_id: str) -> dict:
        return self._answer(buddyship_id, member_id, accept=True)

    @rpc
    def decline(self, buddyship_id: str, member_id: str) -> dict:
        return self._answer(buddyship_id, member_id, accept=False)

    @rpc
    def suggestions_for(self, member_id: str, limit: int = 10) -> dict:
        """The members to suggest now, best first, with the reasons told in the member's own
        language: {"items": [...], "next": None}. Empty until matching knows the member."""
        mine = repository.pool_member(self.store, member_id)
        if mine is None:
            return {"items": [], "next": None}
        pool = repository.pool_sample(self.store, mine)
        me, found = matchmaker.best_partners(self.store, mine, pool,
                                             repository.open_slots(self.store, pool), clock.now(),
                                             max(1, min(int(limit), 50)))
        return {"items": [{
            "member_id": other.member_id, "display_name": other.display_name,
            "score": round(fit.score, 3),
            "reasons": [reasons.explain(r, me.language, other=other) for r in fit.reasons],
        } for other, fit in found], "next": None}

    @rpc
    def matching_status(self, member_id: str) -> dict:
        """Where the member stands: open slots, what the last round told them, the next round."""
        mine = repository.pool_member(self.store, member_id)
        last = repository.last_round(self.store)
        left_out = (mine or {}).get("left_out")
        slots = repository.open_slots(self.store, [mine]).get(member_id, 0) if mine else 0
        return {
            "answered": bool(mine and mine.get("revision", 0) >= 1),
            "open_slots": max(0, slots),
            "left_out": None if not left_out else {
                "reason": left_out["reason"], "at": left_out["at"].isoformat(),
                "explanation": reasons.left_out(left_out["reason"], self._reads(member_id))},
            "last_round_at": last["started_at"].isoformat() if last else None,
            "next_round_at": _next_round(last).isoformat() if _next_round(last) else None,
        }

    @rpc
    def run_round(self) -> dict:
        """A full round now (operators, tests); the periodic one does the same when due."""
        summary = self._round(force=True)
        if summary is None:
            raise Conflict("matching is busy proposing in another replica; try again in a minute",
                           "round")
        return summary

    @timer(interval=60)
    def periodic_round(self):
        """Once per cluster: every replica asks; the lease holder runs a round when one is due."""
        if ROUND_EVERY > timedelta(0):
            self._round(force=False)

    @timer(interval=1)
    def fill_wanted_slots(self):
        """Members whose slots opened (profile answered, a buddyship over, a win with room for
        more) are served here, by the lease holder, a second or so after the event."""
        with self._proposing() as allowed:
            if not allowed:
                return
            for request in repository.wanting_slots_filled(self.store):
                matchmaker.fill_slots(self.store, self.outbox, request["_id"], clock.now())
                repository.slots_filled(self.store, request)

    @timer(interval=60)
    def check_up(self):
        """Responsiveness and each buddyship's health, refreshed once per cluster."""
        if lease.hold(self.store, "matching.check_up", CHECKUP_EVERY):
            checkups.check_up(self.store, self.outbox, clock.now())

    @rpc
    def run_check_up(self) -> dict:
        """The check-up now (operators, tests)."""
        return checkups.check_up(self.store, self.outbox, clock.now())

    @rpc
    def buddyship_health(self, buddyship_id: str, member_id: str) -> dict:
        """Reciprocity, reaction times, ratings, and whether a buddy has gone quiet."""
        found = repository.get(self.store, buddyship_id)
        if found is None or member_id not in buddyships.members_of(found):
            raise NotFound("member {member_id} has no buddyship {buddyship_id!r}", "buddyship_id",
                           member_id=member_id, buddyship_id=buddyship_id)
        return health.view(checkups.health_of(self.store, found, clock.now()))

    @rpc
    def buddyships_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        """A page of the member's buddyships, oldest first: {"items": [...], "next": cursor}."""
        found = repository.of_member(self.store, member_id, limit, cursor)
        language = self._reads(member_id)
        return {"items": [buddyships.view_for(b, member_id, language) for b in found["items"]],
                "next": found["next"]}

    @event_handler("profiles", "member.registered")
    @consumes
    def on_member_registered(self, event):
        repository.remember_member(self.store, event.payload)
        inviter = event.payload.get("invited_by")  # v2 and later
        if inviter:
            self._propose_after_invitation(inviter, event)

    @event_handler("profiles", "member.left")
    @consumes
    def on_member_left(self, event):
        member_id = event.payload["member_id"]
        freed = repository.forget_member(self.store, member_id, clock.now())
        outbox.forget(self.store, member_id)
        for other in freed:
            self._want_slots_filled(other)

    @event_handler("profiles", "moment.logged")
    @consumes
    def on_moment_logged(self, event):
        moment = event.payload
        repository.remember_moment(self.store, moment)
        if not AUTOMATIC:
            return
        if moment["kind"] in SETBACKS:
            # Within seconds of the setback, and long after the member's request returned.
            matchmaker.offer_support(self.store, self.outbox, moment, clock.now())
        elif moment["kind"] in WINS:
            self._want_slots_filled(moment["member_id"])  # nothing happens when slots are full

    @event_handler("profiles", "moment.reacted")
    @consumes
    def on_moment_reacted(self, event):
        repository.remember_reaction(self.store, event.payload)

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        self._slot_freed(event)

    @event_handler("matching", "buddyship.declined")
    @consumes
    def on_buddyship_declined(self, event):
        self._slot_freed(event)

    @event_handler("matching", "buddyship.expired")
    @consumes
    def on_buddyship_expired(self, event):
        self._slot_freed(event)

    @rpc
    def export(self, member_id: str) -> dict:
        """All that matching holds about the member, JSON-ready."""
        found = repository.export_of(self.store, member_id)
        return {"buddyships": [buddyships.view_for(b, member_id, self._reads(member_id))
                               for b in found.pop("buddyships")]} | \
            {name: [exported(doc) for doc in docs] for name, docs in found.items()}

    @event_handler("profiles", "member.updated")
    @consumes
    def on_member_updated(self, event):
        repository.remember_profile(self.store, event.payload)
        # Answers given or changed: fill whatever slots are open (none open, nothing happens).
        self._want_slots_filled(event.payload["member_id"])

    def _reads(self, member_id: str) -> str:
        """The language the member reads (as suggestions speak it), else the caller's."""
        return (repository.pool_member(self.store, member_id) or {}).get("language") \
            or current_language()

    def _want_slots_filled(self, member_id: str) -> None:
        if AUTOMATIC and repository.pool_member(self.store, member_id) is not None:
            repository.want_slots_filled(self.store, member_id, clock.now())

    def _slot_freed(self, event) -> None:
        for member_id in event.payload["member_ids"]:
            self._want_slots_filled(member_id)

    @contextmanager
    def _proposing(self):
        """Whether this worker may propose now: it holds the cluster's proposing lease, and no
        other worker of this replica is proposing (not waiting: the next tick comes soon)."""
        if not _proposing.acquire(blocking=False):
            yield False
            return
        try:
            yield lease.hold(self.store, PROPOSING, PROPOSING_LEASE)
        finally:
            _proposing.release()

    def _round(self, force: bool) -> dict | None:
        with self._proposing() as allowed:
            if not allowed:
                return None
            last = repository.last_round(self.store)
            now = clock.now()
            if not force and last is not None and last["started_at"] + ROUND_EVERY > now:
                return None
            summary = matchmaker.run_round(
                self.store, self.outbox, now, now + ROUND_EVERY if ROUND_EVERY > timedelta(0) else None,
                still_ours=lambda: lease.hold(self.store, PROPOSING, PROPOSING_LEASE))
            return exported(summary)

    def _refuse_blocked(self, proposer_id: str, invitee_id: str) -> None:
        block = blocks.between(self.store, proposer_id, invitee_id)
        if block is None:
            return
        if block["blocker_id"] == proposer_id:
            raise Conflict("you have blocked this member", "buddy_id")
        # Whoever was blocked is not told so: the member is simply not there for them.
        raise unknown_member(invitee_id, "buddy_id")

    def _save_proposal(self, buddyship: dict) -> None:
        repository.refuse_open_pair(self.store, buddyship["pair"])
        # A member's own proposal carries the reasons too, when matching knows both members.
        buddyship |= matchmaker.reasons_between(self.store, buddyship["proposer_id"],
                                                buddyship["invitee_id"], clock.now())

        def save(session):
            repository.add_proposal(self.store, buddyship, session)
            self.outbox.stage("buddyship.proposed", matchmaker.proposed_event(buddyship), session)

        in_transaction(self.store, save)

    def _propose_after_invitation(self, inviter_id: str, event) -> None:
        """Someone signed up with an invitation: propose the two to each other first. The id
        comes from the event, so a redelivered event proposes nothing twice."""
        buddyship = buddyships.propose(inviter_id, event.payload["member_id"], clock.now(),
                                       derived_id("invitation", event.event_id), origin="invitation")
        if repository.get(self.store, buddyship["_id"]) is not None:
            return
        try:
            self._refuse_blocked(inviter_id, event.payload["member_id"])
            self._save_proposal(buddyship)
        except (Conflict, NotFound):
            log.info("invitation.already_paired", inviter_id=inviter_id)

    def _answer(self, buddyship_id: str, member_id: str, accept: bool) -> dict:
        now = clock.now()
        # Refusals are decided before the transaction, so that they abort nothing; the
        # transaction's own write is conditional on the proposal being as it was read.
        current = buddyships.check_answer(
            repository.get(self.store, buddyship_id), buddyship_id, member_id)

        def save(session):
            if not accept:
                updated = repository.decline(self.store, current, now, session)
                self.outbox.stage("buddyship.declined", {
                    "buddyship_id": buddyship_id, "member_ids": buddyships.members_of(updated),
                    "declined_at": now}, session)
                return updated
            updated = repository.accept(self.store, current, member_id, now, session)
            if updated["state"] == BuddyshipState.ACTIVE:
                self.outbox.stage("buddyship.started", {
                    "buddyship_id": buddyship_id, "member_ids": buddyships.members_of(updated),
                    "started_at": now}, session)
            return updated

        return buddyships.view_for(in_transaction(self.store, save), member_id, self._reads(member_id))


def _next_round(last: dict | None):
    if ROUND_EVERY <= timedelta(0):
        return None
    return (last["started_at"] + ROUND_EVERY) if last else None

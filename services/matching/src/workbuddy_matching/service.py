"""matching: buddyships and the pool of members they are drawn from."""

from datetime import timedelta

from eventlet import tpool
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.timer import timer

from workbuddy_contracts.commands import EndBuddyship, load_or_refuse
from workbuddy_contracts.errors import Conflict, Invalid, NotFound, unknown_member
from workbuddy_contracts.vocabulary import BuddyshipState
from workbuddy_platform import blocks, clock, lease, outbox
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import Outbox, RequestContext
from workbuddy_platform.exports import exported
from workbuddy_platform.health import health_report
from workbuddy_platform.idempotency import derived_id
from workbuddy_platform.logs import get_logger
from workbuddy_platform.store import Store, in_transaction

from . import buddyships, compatibility, reasons, repository, suggestions

log = get_logger(__name__)


class MatchingService:
    name = "matching"

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
            return {"buddyship": buddyships.view(earlier), "replayed": True}
        self._save_proposal(buddyship)
        return {"buddyship": buddyships.view(buddyship), "replayed": False}

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

        return buddyships.view(in_transaction(self.store, save))

    @timer(interval=60)
    def expire_proposals(self):
        """Proposals left unanswered for two weeks expire and free both members' slots. Every
        replica asks; the one holding the lease does it (and each expiry is conditional anyway)."""
        if not lease.hold(self.store, "matching.expire_proposals", timedelta(minutes=5)):
            return
        now = clock.now()
        for proposal in repository.due_to_expire(self.store, now):
            def save(session, proposal=proposal):
                if repository.expire(self.store, proposal, now, session) is not None:
                    self.outbox.stage("buddyship.expired", {
                        "buddyship_id": proposal["_id"],
                        "member_ids": buddyships.members_of(proposal), "expired_at": now}, session)

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
    def accept(self, buddyship_id: str, member_id: str) -> dict:
        return self._answer(buddyship_id, member_id, BuddyshipState.ACTIVE, "buddyship.started")

    @rpc
    def decline(self, buddyship_id: str, member_id: str) -> dict:
        return self._answer(buddyship_id, member_id, BuddyshipState.DECLINED, "buddyship.declined")

    @rpc
    def suggestions_for(self, member_id: str, limit: int = 10) -> dict:
        """The members to suggest now, best first, with the reasons told in the member's own
        language: {"items": [...], "next": None}. Empty until matching knows the member."""
        mine = repository.pool_member(self.store, member_id)
        if mine is None:
            return {"items": [], "next": None}
        pool = repository.pool_sample(self.store)
        me = compatibility.from_pool(mine)
        already = {b["invitee_id"] if b["proposer_id"] == member_id else b["proposer_id"]
                   for b in repository.open_buddyships_of(self.store, member_id)}
        # Scoring is CPU work: in a real thread, so that the worker's green threads (and its
        # broker heartbeats) carry on meanwhile.
        found = tpool.execute(
            suggestions.suggest, me, [compatibility.from_pool(doc) for doc in pool],
            open_slots=repository.open_slots(self.store, pool),
            blocked=repository.blocked_with(self.store, member_id),
            cooling_off=repository.cooling_off_with(self.store, member_id, clock.now()),
            already=already, limit=max(1, min(int(limit), 50)))
        return {"items": [{
            "member_id": other.member_id, "display_name": other.display_name,
            "score": round(fit.score, 3),
            "reasons": [reasons.explain(r, me.language, other=other) for r in fit.reasons],
        } for other, fit in found], "next": None}

    @rpc
    def buddyships_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        """A page of the member's buddyships, oldest first: {"items": [...], "next": cursor}."""
        found = repository.of_member(self.store, member_id, limit, cursor)
        return {"items": [buddyships.view(b) for b in found["items"]], "next": found["next"]}

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
        repository.forget_member(self.store, member_id, clock.now())
        outbox.forget(self.store, member_id)

    @rpc
    def export(self, member_id: str) -> dict:
        """All that matching holds about the member, JSON-ready."""
        found = repository.export_of(self.store, member_id)
        return {"buddyships": [buddyships.view(b) for b in found["buddyships"]],
                "pool": [exported(doc) for doc in found["pool"]]}

    @event_handler("profiles", "member.updated")
    @consumes
    def on_member_updated(self, event):
        repository.remember_profile(self.store, event.payload)

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

        def save(session):
            repository.add_proposal(self.store, buddyship, session)
            self.outbox.stage("buddyship.proposed", {
                "buddyship_id": buddyship["_id"], "proposer_id": buddyship["proposer_id"],
                "invitee_id": buddyship["invitee_id"], "proposed_at": buddyship["proposed_at"],
            }, session)

        in_transaction(self.store, save)

    def _propose_after_invitation(self, inviter_id: str, event) -> None:
        """Someone signed up with an invitation: propose the two to each other first. The id
        comes from the event, so a redelivered event proposes nothing twice."""
        buddyship = buddyships.propose(inviter_id, event.payload["member_id"], clock.now(),
                                       derived_id("invitation", event.event_id))
        if repository.get(self.store, buddyship["_id"]) is not None:
            return
        try:
            self._refuse_blocked(inviter_id, event.payload["member_id"])
            self._save_proposal(buddyship)
        except (Conflict, NotFound):
            log.info("invitation.already_paired", inviter_id=inviter_id)

    def _answer(self, buddyship_id, member_id, state, event_type):
        now = clock.now()
        # Refusals are decided before the transaction, so that they abort nothing; the
        # transaction's own write is conditional on the proposal being still unanswered.
        current = buddyships.check_answer(
            repository.get(self.store, buddyship_id), buddyship_id, member_id)

        def save(session):
            updated = repository.answer(self.store, current, state, now, session)
            self.outbox.stage(event_type, {
                "buddyship_id": buddyship_id, "member_ids": buddyships.members_of(updated),
                ("started_at" if state is BuddyshipState.ACTIVE else "declined_at"): now,
            }, session)
            return updated

        return buddyships.view(in_transaction(self.store, save))

"""matching: buddyships and the pool of members they are drawn from. A table of entrypoints:
each hands its arguments to a use case (use_cases/) with a unit of work, and returns what it
answers."""

from datetime import timedelta

from nameko.timer import timer

from workbuddy_platform import lease
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import BrokerTraces, Configured, RequestContext
from workbuddy_platform.metrics import Observed
from workbuddy_platform.ops import health_answer
from workbuddy_platform.retries import event_handler
from workbuddy_platform.rpc import rpc
from workbuddy_platform.tracing import Traced
from workbuddy_platform.unit_of_work import UnitsOfWork

from .adapters.repository import create_indexes
from .unit_of_work import MatchingUnitOfWork
from .use_cases import asks, check_ins, checkups, members, proposals, rounds, safety, slots, support

EXPIRY_LEASE = timedelta(minutes=5)
ASKS_LEASE = timedelta(seconds=30)


class MatchingService:
    name = "matching"
    observed = Observed()  # entrypoint times and errors, for /metrics
    traced = Traced()  # a span per RPC call and event handled, when tracing is on
    context = RequestContext()
    uow = UnitsOfWork(MatchingUnitOfWork, indexes=create_indexes)
    settings = Configured()  # MatchingSettings
    forget_queued = BrokerTraces()  # events naming a member who left, parked or retrying

    @rpc
    def health(self) -> dict:
        return health_answer(self.name, self.uow.db)

    # --- proposals and buddyships -----------------------------------------------------------

    @rpc
    def propose(self, proposer_id: str, invitee_id: str,
                idempotency_key: str | None = None) -> dict:
        return proposals.propose(self.uow, proposer_id=proposer_id, invitee_id=invitee_id,
                                 idempotency_key=idempotency_key)

    @rpc
    def accept(self, buddyship_id: str, member_id: str) -> dict:
        return proposals.accept(self.uow, buddyship_id=buddyship_id, member_id=member_id,
                                trial=self.settings.trial)

    @rpc
    def decline(self, buddyship_id: str, member_id: str) -> dict:
        return proposals.decline(self.uow, buddyship_id=buddyship_id, member_id=member_id)

    @rpc
    def end(self, buddyship_id: str, member_id: str, request: dict | None = None) -> dict:
        return proposals.end(self.uow, buddyship_id=buddyship_id, member_id=member_id,
                             request=request)

    @rpc
    def buddyships_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        return proposals.buddyships_of(self.uow, member_id=member_id, limit=limit, cursor=cursor)

    @timer(interval=60)
    def expire_proposals(self):
        """Every replica asks; the one holding the lease closes what is due."""
        if lease.hold(self.uow.db, "matching.expire_proposals", EXPIRY_LEASE, now=self.uow.now()):
            proposals.close_due(self.uow)

    # --- blocks and reports -----------------------------------------------------------------

    @rpc
    def block(self, blocker_id: str, blocked_id: str) -> None:
        safety.block(self.uow, blocker_id=blocker_id, blocked_id=blocked_id)

    @rpc
    def report(self, reporter_id: str, reported_id: str, request: dict | None = None) -> None:
        safety.report(self.uow, reporter_id=reporter_id, reported_id=reported_id, request=request)

    @rpc
    def reports(self, limit: int = 50) -> list[dict]:
        return safety.reports(self.uow, limit=limit)

    # --- suggestions, slots and rounds ------------------------------------------------------

    @rpc
    def suggestions_for(self, member_id: str, limit: int = 10) -> dict:
        return slots.suggestions_for(self.uow, member_id=member_id, limit=limit)

    @rpc
    def matching_status(self, member_id: str) -> dict:
        return rounds.status(self.uow, member_id=member_id, every=self.settings.round_every)

    @rpc
    def run_round(self) -> dict:
        """A full round now (operators, tests); the periodic one does the same when due."""
        return rounds.run_now(self.uow, every=self.settings.round_every)

    @timer(interval=60)
    def periodic_round(self):
        """Once per cluster: every replica asks; the lease holder runs a round when one is due."""
        rounds.run_if_due(self.uow, every=self.settings.round_every)

    @timer(interval=60, eager=True)
    def keep_shortlist(self):
        """Each replica's vectors of the pool, fitted at start-up and kept fresh meanwhile."""
        slots.keep_shortlist(self.uow)

    @timer(interval=1)
    def fill_wanted_slots(self):
        """Members whose slots opened are served here, a second or so after the event."""
        slots.fill_wanted(self.uow)

    # --- how buddyships are doing -----------------------------------------------------------

    @timer(interval=60)
    def check_up(self):
        checkups.check_up_if_due(self.uow, every=self.settings.checkup_every,
                                 grace=self.settings.quiet_grace)

    @rpc
    def run_check_up(self) -> dict:
        """The check-up now (operators, tests)."""
        return checkups.check_up(self.uow, self.settings.quiet_grace)

    @rpc
    def quiet_choice(self, buddyship_id: str, member_id: str, request: dict | None = None) -> dict:
        return checkups.quiet_choice(self.uow, buddyship_id=buddyship_id, member_id=member_id,
                                     request=request or {}, grace=self.settings.quiet_grace)

    @rpc
    def buddyship_health(self, buddyship_id: str, member_id: str) -> dict:
        return checkups.buddyship_health(self.uow, buddyship_id=buddyship_id, member_id=member_id,
                                         grace=self.settings.quiet_grace)

    # --- check-ins: the trial's end, and then every so often ------------------------------

    @rpc
    def check_ins_of(self, member_id: str) -> dict:
        return check_ins.check_ins_of(self.uow, member_id=member_id)

    @rpc
    def answer_check_in(self, check_in_id: str, member_id: str,
                        request: dict | None = None) -> dict:
        return check_ins.answer(self.uow, check_in_id=check_in_id, member_id=member_id,
                                request=request or {}, every=self.settings.check_in_every)

    @timer(interval=2)
    def open_check_ins(self):
        """Check-ins that are due open, those left unanswered close; each step is
        compare-and-set, and the lease saves a second replica the work."""
        if lease.hold(self.uow.db, "matching.check_ins", ASKS_LEASE, now=self.uow.now()):
            check_ins.open_due(self.uow, every=self.settings.check_in_every,
                               trial=self.settings.trial)

    # --- urgent asks, answered by a human ---------------------------------------------------

    @rpc
    def asks_of(self, member_id: str) -> dict:
        return asks.asks_of(self.uow, member_id=member_id)

    @rpc
    def answer_ask(self, ask_id: str, member_id: str, request: dict | None = None) -> dict:
        return asks.answer(self.uow, ask_id=ask_id, member_id=member_id, request=request or {})

    @timer(interval=2)
    def widen_asks(self):
        """Asks nobody answered in time go wider; steps are compare-and-set, so two replicas
        never ask a helper twice; the lease saves the second one the work."""
        if lease.hold(self.uow.db, "matching.widen_asks", ASKS_LEASE, now=self.uow.now()):
            asks.widen_due(self.uow, helpers=self.settings.ask_helpers,
                           open_for=self.settings.ask_open_for)

    @timer(interval=10)
    def retry_support(self):
        """Setbacks that found nobody, looked at again once a buddy or supporter is back."""
        if lease.hold(self.uow.db, "matching.retry_support", ASKS_LEASE, now=self.uow.now()):
            support.retry_due(self.uow)

    @event_handler("profiles", "message.sent")
    @consumes
    def on_message_sent(self, event):
        p = event.payload
        asks.answer_seen(self.uow, asker_id=p["recipient_id"], by=p["author_id"], at=p["sent_at"])

    # --- what profiles tells, and what matching's own events free ----------------------------

    @event_handler("profiles", "member.registered")
    @consumes
    def on_member_registered(self, event):
        members.registered(self.uow, payload=event.payload, event_id=event.event_id)

    @event_handler("profiles", "member.address_verified")
    @consumes
    def on_member_address_verified(self, event):
        members.address_verified(self.uow, payload=event.payload, event_id=event.event_id,
                                 automatic=self.settings.automatic)

    @event_handler("profiles", "member.updated")
    @consumes
    def on_member_updated(self, event):
        members.updated(self.uow, payload=event.payload, automatic=self.settings.automatic)

    @event_handler("profiles", "member.left")
    @consumes
    def on_member_left(self, event):
        members.left(self.uow, member_id=event.payload["member_id"],
                     automatic=self.settings.automatic)
        self.forget_queued(event.payload["member_id"])

    @event_handler("profiles", "moment.logged")
    @consumes(keyed=lambda event: members.replay_is_harmless(event.payload))
    def on_moment_logged(self, event):
        members.moment_logged(self.uow, moment=event.payload, automatic=self.settings.automatic,
                              widen_after=self.settings.ask_widen_after)

    @event_handler("profiles", "moment.reacted")
    @consumes
    def on_moment_reacted(self, event):
        members.reacted(self.uow, reaction=event.payload)

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        check_ins.buddyship_ended(self.uow, buddyship_id=event.payload["buddyship_id"])
        members.slot_freed(self.uow, payload=event.payload, automatic=self.settings.automatic)

    @event_handler("matching", "buddyship.declined")
    @consumes
    def on_buddyship_declined(self, event):
        members.slot_freed(self.uow, payload=event.payload, automatic=self.settings.automatic)

    @event_handler("matching", "buddyship.expired")
    @consumes
    def on_buddyship_expired(self, event):
        members.slot_freed(self.uow, payload=event.payload, automatic=self.settings.automatic)

    @rpc
    def export(self, member_id: str) -> dict:
        return members.export(self.uow, member_id=member_id)

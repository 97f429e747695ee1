"""profiles: members and their journal of moments. A table of entrypoints: each hands its
arguments to a use case (use_cases/) with a unit of work, and returns what it answers."""

from datetime import timedelta

from eventlet import tpool
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

from .adapters.credentials import Passwords
from .adapters.repository import create_indexes
from .unit_of_work import ProfilesUnitOfWork
from .use_cases import accounts, addresses, buddies, conversations, invitations, journal, profiles


class ProfilesService:
    name = "profiles"
    observed = Observed()  # entrypoint times and errors, for /metrics
    traced = Traced()  # a span per RPC call and event handled, when tracing is on
    context = RequestContext()
    uow = UnitsOfWork(ProfilesUnitOfWork, indexes=create_indexes)
    # Hashing in eventlet's thread pool: other workers and broker heartbeats carry on meanwhile.
    passwords = Passwords(offload=tpool.execute)
    settings = Configured()  # ProfilesSettings
    forget_queued = BrokerTraces()  # events naming a member who left, parked or retrying

    @rpc
    def health(self) -> dict:
        return health_answer(self.name, self.uow.db)

    # --- accounts ---------------------------------------------------------------------------

    @rpc
    def register(self, request: dict, idempotency_key: str | None = None) -> dict:
        return accounts.register(self.uow, self.passwords, request=request,
                                 idempotency_key=idempotency_key, policy=self.settings.addresses)

    @rpc
    def authenticate(self, request: dict) -> dict:
        return accounts.authenticate(self.uow, self.passwords, request=request)

    @rpc
    def change_password(self, member_id: str, request: dict) -> None:
        accounts.change_password(self.uow, self.passwords, member_id=member_id, request=request)

    # --- addresses and forgotten passwords -----------------------------------------------------

    @rpc
    def verify_address(self, request: dict) -> dict:
        return addresses.verify(self.uow, request=request)

    @rpc
    def resend_verification(self, member_id: str) -> None:
        addresses.resend(self.uow, member_id=member_id, policy=self.settings.addresses)

    @rpc
    def request_password_reset(self, request: dict) -> None:
        addresses.request_reset(self.uow, request=request, policy=self.settings.addresses)

    @rpc
    def reset_password(self, request: dict) -> str:
        return addresses.reset_password(self.uow, self.passwords, request=request)

    @timer(interval=60)
    def erase_unclaimed(self):
        """Decoy accounts whose day is over: one replica of the cluster at a time."""
        if lease.hold(self.uow.db, "profiles.erase_unclaimed", timedelta(minutes=5),
                      now=self.uow.now()):
            addresses.erase_unclaimed(self.uow, policy=self.settings.addresses)

    @rpc
    def export(self, member_id: str) -> dict:
        return accounts.export(self.uow, member_id=member_id)

    @rpc
    def leave(self, member_id: str, request: dict) -> dict:
        return accounts.leave(self.uow, self.passwords, member_id=member_id, request=request)

    # --- profiles and invitations -------------------------------------------------------------

    @rpc
    def get_member(self, member_id: str) -> dict:
        return profiles.get_member(self.uow, member_id=member_id)

    @rpc
    def get_members(self, member_ids: list[str]) -> list[dict]:
        return profiles.get_members(self.uow, member_ids=member_ids)

    @rpc
    def public_profile(self, viewer_id: str, member_id: str) -> dict:
        return profiles.public_profile(self.uow, viewer_id=viewer_id, member_id=member_id)

    @rpc
    def update_profile(self, member_id: str, request: dict, if_revision: int | None = None) -> dict:
        return profiles.update_profile(self.uow, member_id=member_id, request=request,
                                       if_revision=if_revision)

    @rpc
    def invite(self, member_id: str) -> dict:
        return invitations.invite(self.uow, member_id=member_id)

    @rpc
    def invitations_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        return invitations.invitations_of(self.uow, member_id=member_id, limit=limit, cursor=cursor)

    # --- the journal ------------------------------------------------------------------------

    @rpc
    def log_moment(self, member_id: str, request: dict, idempotency_key: str | None = None) -> dict:
        return journal.log_moment(self.uow, member_id=member_id, request=request,
                                  idempotency_key=idempotency_key)

    @rpc
    def moments_of(self, viewer_id: str, member_id: str, limit: int = 20,
                   cursor: str | None = None) -> dict:
        return journal.moments_of(self.uow, viewer_id=viewer_id, member_id=member_id, limit=limit,
                                  cursor=cursor)

    @rpc
    def feed_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        return journal.feed_of(self.uow, member_id=member_id, limit=limit, cursor=cursor)

    @rpc
    def react(self, reactor_id: str, moment_id: str, request: dict,
              idempotency_key: str | None = None) -> dict:
        return journal.react(self.uow, reactor_id=reactor_id, moment_id=moment_id, request=request,
                             idempotency_key=idempotency_key)

    @rpc
    def reactions_to(self, viewer_id: str, moment_id: str, limit: int = 20,
                     cursor: str | None = None) -> dict:
        return journal.reactions_to(self.uow, viewer_id=viewer_id, moment_id=moment_id, limit=limit,
                                    cursor=cursor)

    # --- conversations ----------------------------------------------------------------------

    @rpc
    def conversations_of(self, member_id: str) -> dict:
        return conversations.conversations_of(self.uow, member_id=member_id)

    @rpc
    def messages_of(self, member_id: str, buddyship_id: str, limit: int = 20,
                    cursor: str | None = None) -> dict:
        return conversations.messages_of(self.uow, member_id=member_id, buddyship_id=buddyship_id,
                                         limit=limit, cursor=cursor)

    @rpc
    def send_message(self, member_id: str, buddyship_id: str, request: dict,
                     idempotency_key: str | None = None) -> dict:
        return conversations.send(self.uow, member_id=member_id, buddyship_id=buddyship_id,
                                  request=request, idempotency_key=idempotency_key)

    @rpc
    def mark_read(self, member_id: str, buddyship_id: str, request: dict) -> dict:
        return conversations.mark_read(self.uow, member_id=member_id, buddyship_id=buddyship_id,
                                       request=request)

    # --- matching's decisions, kept here ----------------------------------------------------

    @event_handler("matching", "buddyship.started")
    @consumes
    def on_buddyship_started(self, event):
        buddies.buddyship_changed(self.uow, payload=event.payload)

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        buddies.buddyship_changed(self.uow, payload=event.payload)

    @event_handler("matching", "member.blocked")
    @consumes
    def on_member_blocked(self, event):
        buddies.member_blocked(self.uow, payload=event.payload)

    @event_handler("profiles", "member.left")
    @consumes
    def on_member_left(self, event):
        """Its own event: the member was erased with the leave (accounts.leave); what the
        broker still holds about them for profiles goes once the erase is committed."""
        self.forget_queued(event.payload["member_id"])

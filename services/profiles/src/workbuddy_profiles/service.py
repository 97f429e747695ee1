"""profiles: members and their journal of moments. Entrypoints only; the work is below."""

from eventlet import tpool
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.commands import (
    ChangePassword,
    Leave,
    LogIn,
    load_or_refuse,
    normalise_invitation,
)
from workbuddy_contracts.errors import Invalid, PreconditionFailed, Unauthorized
from workbuddy_platform import blocks, buddy_links, clock, outbox
from workbuddy_platform.consumers import consumes
from workbuddy_platform.dependencies import Outbox, RequestContext
from workbuddy_platform.exports import exported
from workbuddy_platform.health import health_report
from workbuddy_platform.idempotency import derived_id
from workbuddy_platform.metrics import Observed
from workbuddy_platform.retries import event_handler
from workbuddy_platform.rpc import rpc
from workbuddy_platform.store import Store, in_transaction
from workbuddy_platform.tracing import Traced

from . import credentials, domain, invitations, repository, visibility

KEY_REUSED = ("this Idempotency-Key was already used for a different request; use a new key "
              "for a new one")


class ProfilesService:
    name = "profiles"
    observed = Observed()  # entrypoint times and errors, for /metrics
    traced = Traced()  # a span per RPC call and event handled, when tracing is on

    store = Store(indexes=repository.create_indexes)
    outbox = Outbox()
    context = RequestContext()

    @rpc
    def health(self) -> dict:
        return health_report(self.name, self.store)

    @rpc
    def register(self, request: dict, idempotency_key: str | None = None) -> dict:
        """{"member": ..., "replayed": bool}: a retried sign-up with the same key and password
        finds the account its first attempt created."""
        derive = (lambda email: derived_id(f"member:{email}", idempotency_key)) \
            if idempotency_key else None
        member, password = domain.new_member(request, clock.now(), derive)
        if idempotency_key and (earlier := repository.find_member(self.store, member["_id"])):
            if not tpool.execute(credentials.verify,
                                 repository.password_hash_of(self.store, earlier["_id"]), password):
                raise Invalid(KEY_REUSED, "Idempotency-Key")
            return {"member": domain.member_view(earlier), "replayed": True}
        repository.refuse_taken_email(self.store, member["email"])
        invitation = self._usable_invitation(request.get("invitation"), member["registered_at"])
        password_hash = tpool.execute(credentials.hash_password, password)

        def save(session):
            repository.add_member(self.store, member, session)
            repository.add_credentials(self.store, member["_id"], password_hash, session)
            if invitation:
                repository.use_invitation(self.store, invitation["_id"], member["_id"], session)
            self.outbox.stage("member.registered", {
                "member_id": member["_id"], "email": member["email"],
                "display_name": member["display_name"], "language": member["language"],
                "registered_at": member["registered_at"],
                "invited_by": invitation["inviter_id"] if invitation else None,
            }, session)

        in_transaction(self.store, save)
        return {"member": domain.member_view(member), "replayed": False}

    @rpc
    def invite(self, member_id: str) -> dict:
        """A new invitation code for someone the member knows."""
        repository.get_member(self.store, member_id)
        now = clock.now()
        invitation = invitations.new_invitation(member_id, now)
        repository.add_invitation(self.store, invitation)
        return invitations.view(invitation, now)

    @rpc
    def invitations_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        found = repository.invitations_of(self.store, member_id, limit, cursor)
        now = clock.now()
        return {"items": [invitations.view(i, now) for i in found["items"]], "next": found["next"]}

    def _usable_invitation(self, code: str | None, now) -> dict | None:
        """Checked before the transaction: a refusal then aborts nothing."""
        if not code:
            return None
        invitation = repository.get_invitation(self.store, normalise_invitation(code))
        if not invitations.usable(invitation, now):
            raise Invalid(repository.INVITATION_GONE, "invitation")
        return invitation

    @rpc
    def authenticate(self, request: dict) -> dict:
        """The member whose email and password these are; the same refusal for both mistakes."""
        data = load_or_refuse(LogIn(), request)
        member = repository.find_by_email(self.store, domain.normalise_email(data["email"]))
        stored = repository.password_hash_of(self.store, member["_id"]) if member else None
        if not tpool.execute(credentials.verify, stored, data["password"]):
            raise Unauthorized("the email or the password is wrong; check both and try again")
        if credentials.needs_rehash(stored):
            self._store_password(member["_id"], data["password"])
        return domain.member_view(member)

    @rpc
    def change_password(self, member_id: str, request: dict) -> None:
        data = load_or_refuse(ChangePassword(), request)
        stored = repository.password_hash_of(self.store, member_id)
        if not tpool.execute(credentials.verify, stored, data["current_password"]):
            raise Invalid("this is not your current password; type it again",
                          "current_password")
        self._store_password(member_id, data["new_password"])

    @rpc
    def export(self, member_id: str) -> dict:
        """All that profiles holds about the member, JSON-ready (never the password hash)."""
        member = repository.get_member(self.store, member_id)
        return {"member": domain.member_view(member)} | {
            name: [exported(doc) for doc in docs]
            for name, docs in repository.export_of(self.store, member_id).items()}

    @rpc
    def leave(self, member_id: str, request: dict) -> None:
        """Erase the member (the password confirms it) and tell every service to forget them."""
        data = load_or_refuse(Leave(), request)
        stored = repository.password_hash_of(self.store, member_id)
        if not tpool.execute(credentials.verify, stored, data["password"]):
            raise Invalid("this is not your current password; type it again", "password")

        def save(session):
            repository.erase_member(self.store, member_id, session)
            self.outbox.stage("member.left", {"member_id": member_id, "left_at": clock.now()},
                              session)

        in_transaction(self.store, save)
        outbox.forget(self.store, member_id)

    def _store_password(self, member_id: str, password: str) -> None:
        repository.replace_password_hash(
            self.store, member_id, tpool.execute(credentials.hash_password, password))

    @rpc
    def get_member(self, member_id: str) -> dict:
        return domain.member_view(repository.get_member(self.store, member_id))

    @rpc
    def update_profile(self, member_id: str, request: dict, if_revision: int | None = None) -> dict:
        """Change the member's answers; ``if_revision`` refuses to overwrite a newer profile."""
        member = repository.get_member(self.store, member_id)
        current = domain.revision_of(member)
        if if_revision is not None and if_revision != current:
            raise PreconditionFailed(
                "the profile is at revision {current}, not {given}: reload it and apply your "
                "change again", "If-Match", current=current, given=if_revision)
        updated = domain.change_profile(member, request, clock.now())
        if updated is None:
            return domain.member_view(member)

        def save(session):
            repository.replace_member(self.store, updated, member, session)
            self.outbox.stage("member.updated", domain.updated_payload(updated), session)

        in_transaction(self.store, save)
        return domain.member_view(updated)

    @rpc
    def public_profile(self, viewer_id: str, member_id: str) -> dict:
        """Another member as the viewer may see them: 404 when either blocked the other."""
        if self._blocked(viewer_id, member_id):
            raise visibility.unseen_member(member_id)
        return domain.member_view(repository.get_member(self.store, member_id))

    @rpc
    def get_members(self, member_ids: list[str]) -> list[dict]:
        """The members among ``member_ids`` that exist; unknown ids are simply absent."""
        return [domain.member_view(m) for m in repository.find_members(self.store, member_ids)]

    @rpc
    def log_moment(self, member_id: str, request: dict, idempotency_key: str | None = None) -> dict:
        """{"moment": ..., "replayed": bool}: a retry with the same key logs nothing twice."""
        member = repository.get_member(self.store, member_id)
        moment_id = derived_id(f"moment:{member_id}", idempotency_key) if idempotency_key else None
        moment = domain.new_moment(member, request, clock.now(), moment_id)
        if idempotency_key and (earlier := repository.get_moment(self.store, moment["_id"])):
            return self._replayed(earlier, moment)

        def save(session):
            repository.add_moment(self.store, moment, session)
            self.outbox.stage("moment.logged", {
                "moment_id": moment["_id"], "member_id": member_id, "kind": moment["kind"],
                "note": moment["note"], "logged_at": moment["logged_at"],
            }, session)

        try:
            in_transaction(self.store, save)
        except DuplicateKeyError:  # two attempts with the same key raced: the other one won
            return self._replayed(repository.get_moment(self.store, moment["_id"]), moment)
        return {"moment": domain.moment_view(moment), "replayed": False}

    @staticmethod
    def _replayed(earlier: dict, retried: dict) -> dict:
        if not domain.same_moment(earlier, retried):
            raise Invalid(KEY_REUSED, "Idempotency-Key")
        return {"moment": domain.moment_view(earlier), "replayed": True}

    @rpc
    def moments_of(self, viewer_id: str, member_id: str, limit: int = 20,
                   cursor: str | None = None) -> dict:
        """A page of ``member_id``'s moments that ``viewer_id`` may see, newest first:
        all of one's own, a buddy's since the buddyship began, nobody else's (404)."""
        if self._blocked(viewer_id, member_id):
            raise visibility.unseen_buddy(member_id)
        since = visibility.since(viewer_id, member_id, buddy_links.links_of(self.store, viewer_id))
        repository.get_member(self.store, member_id)
        return self._moments(repository.moments_of(self.store, member_id, limit, cursor, since))

    @rpc
    def feed_of(self, member_id: str, limit: int = 20, cursor: str | None = None) -> dict:
        """The moments of the member's buddies, newest first, since each buddyship began."""
        buddies = visibility.current(buddy_links.links_of(self.store, member_id))
        since = {buddy_id: link["started_at"] for buddy_id, link in buddies.items()}
        return self._moments(repository.moments_of_many(self.store, since, limit, cursor))

    @rpc
    def react(self, reactor_id: str, moment_id: str, request: dict,
              idempotency_key: str | None = None) -> dict:
        """{"reaction": ..., "replayed": bool}: a buddy cheers or supports a moment."""
        moment = self._visible_moment(reactor_id, moment_id)
        if moment["member_id"] == reactor_id:
            raise Invalid("a moment is cheered by buddies, not by its author", "moment_id")
        reaction_id = derived_id(f"reaction:{reactor_id}", idempotency_key) \
            if idempotency_key else None
        reaction = domain.new_reaction(moment, reactor_id, request, clock.now(), reaction_id)
        if idempotency_key and (earlier := repository.get_reaction(self.store, reaction["_id"])):
            if not domain.same_reaction(earlier, reaction):
                raise Invalid(KEY_REUSED, "Idempotency-Key")
            return {"reaction": domain.reaction_view(earlier), "replayed": True}

        def save(session):
            repository.add_reaction(self.store, reaction, session)
            self.outbox.stage("moment.reacted", domain.reacted_payload(reaction), session)

        in_transaction(self.store, save)
        return {"reaction": domain.reaction_view(reaction), "replayed": False}

    @rpc
    def reactions_to(self, viewer_id: str, moment_id: str, limit: int = 20,
                     cursor: str | None = None) -> dict:
        """Reactions to a moment the viewer may see, oldest first."""
        self._visible_moment(viewer_id, moment_id)
        found = repository.reactions_to(self.store, moment_id, limit, cursor)
        return {"items": [domain.reaction_view(r) for r in found["items"]], "next": found["next"]}

    @event_handler("matching", "buddyship.started")
    @consumes
    def on_buddyship_started(self, event):
        buddy_links.record(self.store, event.payload)

    @event_handler("matching", "buddyship.ended")
    @consumes
    def on_buddyship_ended(self, event):
        buddy_links.record(self.store, event.payload)

    def _visible_moment(self, viewer_id: str, moment_id: str) -> dict:
        moment = repository.get_moment(self.store, moment_id)
        if moment is None or self._blocked(viewer_id, moment["member_id"]) or \
                not visibility.may_see(viewer_id, moment, buddy_links.links_of(self.store, viewer_id)):
            raise visibility.unseen_moment(moment_id)
        return moment

    def _blocked(self, viewer_id: str, member_id: str) -> bool:
        return viewer_id != member_id and blocks.between(self.store, viewer_id, member_id) is not None

    @event_handler("matching", "member.blocked")
    @consumes
    def on_member_blocked(self, event):
        p = event.payload
        blocks.record(self.store, p["blocker_id"], p["blocked_id"], p["blocked_at"])

    @staticmethod
    def _moments(found: dict) -> dict:
        return {"items": [domain.moment_view(m) for m in found["items"]], "next": found["next"]}

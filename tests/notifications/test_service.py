"""The service's table of entrypoints, each reached as nameko calls it (an event handler with the
message body, an RPC with its arguments), over the in-memory unit of work and the fake senders:
every entrypoint reaches its use case, a redelivered event is skipped, the timers send what
is due, and the senders come from the settings in one place."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory

from workbuddy_contracts.events import make_event
from workbuddy_contracts.profile import default_profile
from workbuddy_notifications.adapters.push import new_private_key
from workbuddy_notifications.adapters.senders import LiveAnnouncer, SendersProvider
from workbuddy_notifications.adapters.smtp import TransientMailError
from workbuddy_notifications.domain import deliveries as ledger
from workbuddy_notifications.service import NotificationsService
from workbuddy_notifications.settings import NotificationsSettings
from workbuddy_platform.settings import CONFIG_KEY

from .doubles import browser, states

PRODUCERS = {"member.registered": "profiles", "member.updated": "profiles",
             "member.left": "profiles", "moment.logged": "profiles", "moment.reacted": "profiles"}


@pytest.fixture
def service(uow, senders):
    return worker_factory(NotificationsService, uow=uow, senders=senders)


@pytest.fixture
def deliver(service, uow):
    """deliver(type, payload) -> the event's id: the broker hands the event to its handler."""

    def deliver(event_type: str, payload: dict, again: dict | None = None) -> str:
        event = make_event(event_type, payload, producer=PRODUCERS.get(event_type, "matching"),
                           correlation_id=None)
        handler = "on_" + event_type.replace(".", "_")
        getattr(service, handler)(again or event.to_message())
        return event.event_id

    return deliver


def member(uow, member_id: str) -> dict:
    return {"member_id": member_id, "email": f"{member_id}@example.org",
            "display_name": member_id.title(), "language": "en", "registered_at": uow.now()}


@pytest.fixture
def buddies(uow, deliver):
    deliver("member.registered", member(uow, "ana"))
    deliver("member.registered", member(uow, "bob"))
    deliver("buddyship.started", {"buddyship_id": "b-1", "member_ids": ["ana", "bob"],
                                  "started_at": uow.now()})
    uow.clock.advance(minutes=1)


def test_health_says_whether_the_store_answers(service):
    assert service.health() == {"service": "notifications", "status": "ok", "store": "ok"}


def test_a_moment_logged_is_told_once_even_when_the_event_comes_twice(
        service, uow, senders, deliver, buddies):
    event = make_event("moment.logged", {"moment_id": "mo-1", "member_id": "ana",
                                         "kind": "client_won", "note": None,
                                         "logged_at": uow.now()},
                       producer="profiles", correlation_id=None)
    service.on_moment_logged(event.to_message())
    service.on_moment_logged(event.to_message())  # redelivered: the ledger skips it
    [told] = [d for d in service.deliveries_of_event(event.event_id)]
    assert (told["recipient_id"], told["state"]) == ("bob", ledger.SENT)
    assert isinstance(told["created_at"], str)  # JSON-ready for operators
    assert uow.db.processed_events.count_documents({"event_id": event.event_id}) == 1
    assert len([s for s in senders.mail.to("bob") if s.headers["X-WorkBuddy-Kind"] == "moment"]) == 1


def test_each_event_handler_reaches_its_use_case(service, uow, senders, deliver, buddies):
    deliver("member.updated", {"member_id": "ana", "revision": 2, "display_name": "Anaïs",
                               "language": "en", "profile": default_profile("en"),
                               "updated_at": uow.now()})
    assert uow.recipients.get("ana")["display_name"] == "Anaïs"

    reacted = deliver("moment.reacted", {"reaction_id": "r-1", "moment_id": "mo-1",
                                         "author_id": "bob", "reactor_id": "ana", "kind": "cheer",
                                         "message": None, "reacted_at": uow.now()})
    assert states(uow, event_id=reacted) == {f"{reacted}:bob:email": ledger.SENT}

    proposed = deliver("buddyship.proposed", {"buddyship_id": "b-2", "proposer_id": "ana",
                                              "invitee_id": "bob", "proposed_at": uow.now()})
    assert uow.inbox.get(f"{proposed}:bob")["kind"] == "buddyship_proposed"

    unmatched = deliver("member.unmatched", {"member_id": "ana", "round_id": "r-1",
                                             "reason": "no_compatible_member", "next_round_at": None,
                                             "at": uow.now()})
    assert uow.inbox.get(f"{unmatched}:ana")["data"] == {"reason": "no_compatible_member",
                                                         "next_round_at": None}

    quiet = deliver("buddyship.quiet", {"buddyship_id": "b-1", "member_ids": ["ana", "bob"],
                                        "quiet_member_id": "bob", "unanswered": 2, "at": uow.now()})
    assert uow.inbox.get(f"{quiet}:ana")["kind"] == "buddy_quiet"

    ended = deliver("buddyship.ended", {"buddyship_id": "b-1", "member_ids": ["ana", "bob"],
                                        "ended_at": uow.now()})
    assert {d["recipient_id"] for d in service.deliveries_of_event(ended)} == {"ana", "bob"}
    assert all("ended_at" in link for link in uow.buddy_links.of("ana"))

    deliver("member.blocked", {"blocker_id": "ana", "blocked_id": "bob", "blocked_at": uow.now()})
    assert uow.blocks.between("ana", "bob") is not None

    deliver("member.left", {"member_id": "bob", "left_at": uow.now()})
    assert uow.recipients.known("bob") is None and uow.db.inbox.count_documents(
        {"recipient_id": "bob"}) == 0


def test_the_rpcs_of_settings_links_and_push_reach_their_use_cases(service, uow, senders, buddies):
    assert service.notification_settings("ana") == {"kinds": {}, "setbacks_break_quiet_hours": False}
    changed = service.change_notification_settings("ana", {"setbacks_break_quiet_hours": True})
    assert changed == {"kinds": {}, "setbacks_break_quiet_hours": True}
    assert service.unsubscribe("ana", "win")["kinds"]["win"]["email"] is False
    token = senders.links.unsubscribe_url("ana", "all", "en").rsplit("/", 1)[1]
    assert service.read_link(token)["kind"] == "all"

    assert service.push_key() == "BPublicKeyOfTheTests"
    subscribed = service.subscribe_push("ana", browser())
    assert [s["id"] for s in service.export("ana")["push_subscriptions"]] == [subscribed["id"]]
    service.unsubscribe_push("ana", subscribed["id"])
    assert service.export("ana")["push_subscriptions"] == []


def test_the_rpcs_of_the_in_app_list_reach_their_use_cases(service, uow, buddies):
    page = service.notifications_of("bob", 1)
    [item] = page["items"]
    assert item["kind"] == "buddyship_started" and item["subject_id"] == "ana"
    assert service.mark_notification("bob", item["id"], True)["read_at"] == uow.now().isoformat()
    assert service.notifications_of("bob", 20, None, True)["items"] == []


def test_the_retry_timer_sends_what_failed_once_its_back_off_is_over(
        service, uow, senders, deliver, buddies):
    senders.mail.refusal = TransientMailError("451 try later")
    logged = deliver("moment.logged", {"moment_id": "mo-1", "member_id": "ana", "kind": "client_won",
                                       "note": None, "logged_at": uow.now()})
    senders.mail.refusal = None
    uow.clock.advance(seconds=11)
    service.retry_deliveries()
    assert states(uow, event_id=logged) == {f"{logged}:bob:email": ledger.SENT}


def test_the_digest_timer_sends_what_focus_set_aside(service, uow, senders, deliver):
    deliver("member.registered", member(uow, "ana"))
    deliver("member.registered", member(uow, "bob"))
    focus_ends = uow.now() + timedelta(hours=1)
    profile = default_profile("en")
    profile["availability"] = profile["availability"] | {"focus_until": focus_ends.isoformat()}
    deliver("member.updated", {"member_id": "bob", "revision": 1, "display_name": "Bob",
                               "language": "en", "profile": profile, "updated_at": uow.now()})
    deliver("buddyship.started", {"buddyship_id": "b-1", "member_ids": ["ana", "bob"],
                                  "started_at": uow.now()})
    assert senders.mail.to("bob") == []
    uow.clock.at = focus_ends + timedelta(seconds=1)
    service.send_digests()
    [digest] = senders.mail.to("bob")
    assert digest.headers["X-WorkBuddy-Kind"] == ledger.DIGEST


def test_the_senders_are_built_once_from_the_settings():
    settings = NotificationsSettings.from_env({
        "MAIL_LINK_SECRET": "s" * 40, "SMTP_HOST": "mail.example.org", "SMTP_PORT": "2525",
        "VAPID_PRIVATE_KEY": new_private_key(), "AMQP_URI": "amqp://u:p@broker:5672/wb",
        "PUBLIC_URL": "https://app.example.org/", "DELIVERY_RECLAIM_SECONDS": "60"})
    provider = SendersProvider()
    provider.container = SimpleNamespace(config={CONFIG_KEY: settings})
    provider.setup()
    senders = provider.get_dependency(worker_ctx=None)
    assert senders is provider.get_dependency(worker_ctx=None)
    assert (senders.mail.settings.host, senders.mail.settings.port) == ("mail.example.org", 2525)
    assert senders.push.enabled and senders.push.public_key()
    assert senders.links.app_url("buddies") == "https://app.example.org/app/#/buddies"
    assert isinstance(senders.announcer, LiveAnnouncer)
    assert senders.announcer.amqp_uri == "amqp://u:p@broker:5672/wb"
    assert senders.reclaim_after == timedelta(seconds=60)

    fake = object()
    swapped = SendersProvider(build=lambda given: fake if given is settings else None)
    swapped.container = provider.container
    swapped.setup()
    assert swapped.get_dependency(worker_ctx=None) is fake

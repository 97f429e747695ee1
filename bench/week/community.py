"""The community as the week finds it: everyone signed up, answered the questions and chose
how to be told; a round paired them and every pair accepted, two days before the week (with
MATCHING_AUTOMATIC off meanwhile, so that nothing else is proposed). Then the notifications'
timers run hourly until the week starts, so the setting-up's mails held by quiet hours have
left before anything is counted. All through the services' use cases, like the week itself.
"""

from datetime import datetime, timedelta

from workbuddy_matching.use_cases import proposals, rounds
from workbuddy_notifications.use_cases import preferences
from workbuddy_profiles.adapters.credentials import Passwords
from workbuddy_profiles.use_cases import accounts, profiles

from .actors import Members
from .people import Person
from .senders import browser
from .services import Services

# Signing up is not what this measures: the password is not hashed (Argon2id costs a tenth of
# a second of CPU per member by design).
NOT_HASHED = Passwords(offload=lambda _function, *_args: "not hashed: the benchmark signs up")
FLUSHED_BY = ("notifications.retry_deliveries", "notifications.send_digests",
              "notifications.tell_unread_messages")


def form(people: list[Person], services: Services, members: Members, at: datetime,
         until: datetime, push_owners: dict[str, str]) -> dict:
    """Set the community up from ``at``; returns what the round did."""
    clock, bus = services.clock, services.bus
    clock.set(at)
    services.automatic(False)
    for person in people:
        signed = services.call("profiles", accounts.register, NOT_HASHED, request={
            "email": person.email, "password": "a long benchmark passphrase",
            "display_name": person.name, "language": person.language},
            idempotency_key=f"week-bench-{person.index}")
        person.member_id = signed["member"]["id"]
        bus.drain()
    members.people = {p.member_id: p for p in people}
    for person in people:
        services.call("profiles", profiles.update_profile, member_id=person.member_id,
                      request=person.answers)
        bus.drain()
        if focus := person.answers["availability"]["focus_until"]:
            members.focus_told[person.member_id].append((at, datetime.fromisoformat(focus)))
        if person.breaks_quiet_for_setbacks:
            services.call("notifications", preferences.change_notification_settings,
                          member_id=person.member_id, settings={"setbacks_break_quiet_hours": True})
        if person.push:
            endpoint = f"https://push.week.bench.invalid/{person.index}"
            push_owners[endpoint] = person.member_id
            services.call("notifications", preferences.subscribe_push, services.senders,
                          member_id=person.member_id, subscription=browser(endpoint))
    summary = services.call("matching", rounds.run_now,
                            every=services.settings["matching"].round_every)
    bus.drain()
    for member_id, waiting in list(members.pending.items()):
        for thing in list(waiting):
            if thing[0] == "proposal":
                services.call("matching", proposals.accept, buddyship_id=thing[1],
                              member_id=member_id)
                bus.drain()
    services.automatic(True)
    while clock.at < until:
        clock.set(min(clock.at + timedelta(hours=1), until))
        for timer in FLUSHED_BY:
            services.tick(timer)
        bus.drain()
    members.pending.clear()
    return summary

"""notifications' use cases against the in-memory unit of work, with senders that keep what
they were given instead of reaching a mail server, a push service or an open app."""

from datetime import datetime

import pytest

from workbuddy_contracts.profile import default_profile
from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.adapters.repository import create_indexes
from workbuddy_notifications.adapters.senders import Senders
from workbuddy_notifications.unit_of_work import NotificationsUnitOfWork
from workbuddy_notifications.use_cases import members, telling

from ..support.fakes import unit_of_work
from .doubles import Doorbell, KeptMails, KeptPushes

PUBLIC_URL = "https://app.example.org"


@pytest.fixture
def uow():
    return unit_of_work(NotificationsUnitOfWork, "notifications", indexes=create_indexes)


@pytest.fixture
def senders() -> Senders:
    return Senders(mail=KeptMails(), push=KeptPushes(),
                   links=MailLinks(LinkSettings(secret="n" * 40, public_url=PUBLIC_URL)),
                   announcer=Doorbell())


@pytest.fixture
def register(uow, senders):
    """register(member_id, language="en", **availability): profiles told us of a new member
    (and of their profile, when ``availability`` or ``time_zone`` is given)."""

    def register(member_id: str, language: str = "en", time_zone: str = "UTC",
                 **availability) -> str:
        members.member_registered(uow, senders, payload={
            "member_id": member_id, "email": f"{member_id}@example.org",
            "display_name": member_id.title(), "language": language,
            "registered_at": uow.now()})
        profile = default_profile(language) | {"time_zone": time_zone}
        profile["availability"] = profile["availability"] | availability
        members.member_updated(uow, payload={
            "member_id": member_id, "revision": 1, "display_name": member_id.title(),
            "language": language, "profile": profile, "updated_at": uow.now()})
        return member_id

    return register


@pytest.fixture
def become_buddies(uow, senders):
    """become_buddies(a, b): matching told us the two are buddies from now on."""

    def make(a: str, b: str, buddyship_id: str = "b-1", at: datetime | None = None) -> None:
        telling.buddyship_started(uow, senders, event_id=f"started-{buddyship_id}", payload={
            "buddyship_id": buddyship_id, "member_ids": [a, b], "started_at": at or uow.now()})

    return make


@pytest.fixture
def log_moment(uow, senders):
    """log_moment(author, kind="client_won", note=None, n=1): profiles told us of a moment."""

    def log(author: str, kind: str = "client_won", note: str | None = None, n: int = 1,
            at: datetime | None = None) -> str:
        moment_id = f"mo-{author}-{n}"
        telling.moment_logged(uow, senders, event_id=f"logged-{moment_id}", payload={
            "moment_id": moment_id, "member_id": author, "kind": kind, "note": note,
            "logged_at": at or uow.now()})
        return moment_id

    return log

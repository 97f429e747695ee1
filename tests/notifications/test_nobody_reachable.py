"""After a setback or an urgent ask with nobody to reach, the member reads it in the app at
once, in their language, with the times on their own clock."""

from datetime import UTC, datetime

from workbuddy_notifications.use_cases import feed, telling

AT = datetime(2026, 3, 2, 13, 30, tzinfo=UTC)


def told(uow, senders, **payload) -> None:
    telling.support_unavailable(uow, senders, event_id="e-1", payload={
        "moment_id": "m-1", "member_id": "mia", "kind": "client_lost", "buddies": 2,
        "away": {"focus": 1, "quiet_hours": 1}, "reachable_at": AT, "retry_at": None,
        "at": AT} | payload)


def test_the_member_hears_why_and_when_on_their_own_clock(uow, senders, register):
    register("mia", language="fr", time_zone="Europe/Paris")
    told(uow, senders, retry_at=AT)
    [item] = feed.notifications_of(uow, member_id="mia", limit=5)["items"]
    assert item["kind"] == "nobody_reachable"
    assert item["text"] == (
        "Aucun de tes buddies n'est joignable en ce moment (1 en mode focus, 1 en heures "
        "calmes). Le premier sera là le lundi 2 mars 2026, 14:30 et le verra alors. Aucun "
        "membre prêt à épauler n'est libre non plus : on cherche à nouveau le lundi 2 mars "
        "2026, 14:30.")
    [rung] = senders.announcer.of("mia")
    assert rung["kind"] == "nobody_reachable"
    assert senders.mail.sent == []  # the app, where the member is


def test_an_ask_without_a_buddy_yet_says_so_in_english(uow, senders, register):
    register("mia", time_zone="America/Montreal")
    told(uow, senders, kind="urgent_advice", buddies=0, away={}, reachable_at=None)
    [item] = feed.notifications_of(uow, member_id="mia", limit=5)["items"]
    assert item["text"] == "You have no buddy yet to hear of it."

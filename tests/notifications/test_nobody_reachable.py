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


def test_buddies_reading_a_daily_digest_are_said_to_read_their_news_once_a_day(
        uow, senders, register):
    register("mia", time_zone="Europe/Paris")
    told(uow, senders, buddies=2, away={"digest": 2}, digest_at="18:00",
         reachable_at=AT.replace(hour=17, minute=0), retry_at=None)
    [item] = feed.notifications_of(uow, member_id="mia", limit=5)["items"]
    assert item["text"] == (
        "Your buddies read their news once a day, at 18:00 their time: none of them will see "
        "it right away. The first one is back on Monday, March 2, 2026, 6:00\u202fPM and will "
        "see it then. Nobody offering support is free right now either.")


def test_in_french_one_buddy_on_a_digest_beside_one_in_focus(uow, senders, register):
    register("mia", language="fr", time_zone="Europe/Paris")
    told(uow, senders, away={"digest": 1, "focus": 1}, digest_at="18:00", retry_at=AT)
    [item] = feed.notifications_of(uow, member_id="mia", limit=5)["items"]
    assert item["text"].startswith(
        "Aucun de tes buddies n'est joignable en ce moment (1 ne lisant ses nouvelles qu'une "
        "fois par jour, à 18:00 à son heure, 1 en mode focus).")


def test_a_single_buddy_on_a_digest_in_french(uow, senders, register):
    register("mia", language="fr", time_zone="Europe/Paris")
    told(uow, senders, buddies=1, away={"digest": 1}, digest_at="18:00", reachable_at=None)
    [item] = feed.notifications_of(uow, member_id="mia", limit=5)["items"]
    assert item["text"] == (
        "Ton buddy ne lit ses nouvelles qu'une fois par jour, à 18:00 à son heure : ce ne sera "
        "pas tout de suite. Aucun membre prêt à épauler n'est libre non plus pour l'instant.")

"""A member's own rules for being told: a channel turned off for a kind stays silent, and quiet
hours in their own time zone hold a mail until they end instead of dropping it."""

from datetime import UTC, datetime, timedelta

from ..support.logs import wait_for_record
from ..support.waiting import eventually
from .test_bad_input import assert_problem


def deliveries(gateway, member) -> list[dict]:
    return gateway.request("GET", "/v1/me/export", member).json()["notifications"]["deliveries"]


def test_settings_round_trip_and_refuse_an_unknown_kind(gateway):
    kim = gateway.sign_up("Kim", "en")
    assert gateway.request("GET", "/v1/me/notifications/settings", kim).json() == {
        "kinds": {}, "setbacks_break_quiet_hours": False}
    wanted = {"kinds": {"win": {"email": False, "push": True}}, "setbacks_break_quiet_hours": True}
    changed = gateway.request("PUT", "/v1/me/notifications/settings", kim, json=wanted)
    assert changed.status_code == 200 and changed.json() == wanted
    assert gateway.request("GET", "/v1/me/notifications/settings", kim).json() == wanted
    assert_problem(gateway.request("PUT", "/v1/me/notifications/settings", kim,
                                   json={"kinds": {"gossip": {"email": True}}}), 422)


def test_a_win_with_email_turned_off_for_wins_sends_no_mail(gateway, mailbox):
    lea, max_ = gateway.sign_up("Lea", "en"), gateway.sign_up("Max", "en")
    gateway.become_buddies(lea, max_)
    assert gateway.request("PUT", "/v1/me/notifications/settings", max_,
                           json={"kinds": {"win": {"email": False}}}).ok
    eventually(lambda: gateway.request("GET", f"/v1/members/{lea['id']}/moments", max_).ok)
    gateway.log_moment(lea, "client_won")
    [cancelled] = eventually(lambda: [d for d in deliveries(gateway, max_) if d["state"] == "cancelled"])
    assert cancelled["reason"] == "the member turned email off for win"
    assert mailbox.to(max_["email"], kind="moment") == []


def test_quiet_hours_hold_a_mail_until_they_end(gateway, mailbox, stack):
    ned, ola = gateway.sign_up("Ned", "en"), gateway.sign_up("Ola", "en")
    gateway.become_buddies(ned, ola)
    now = datetime.now(UTC)
    start, end = (now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=2)).strftime("%H:%M")
    correlation = f"quiet-{ola['id']}"
    assert gateway.request("PATCH", "/v1/me", ola, headers={"X-Correlation-Id": correlation}, json={
        "time_zone": "UTC", "availability": {"quiet_hours": {"start": start, "end": end}}}).ok
    wait_for_record(stack.supervisor.log_path("notifications"), event="event.processed",
                    consumer="notifications.on_member_updated", correlation_id=correlation)
    eventually(lambda: gateway.request("GET", f"/v1/members/{ned['id']}/moments", ola).ok)

    gateway.log_moment(ned, "project_delivered")
    [held] = eventually(lambda: [d for d in deliveries(gateway, ola)
                                 if d.get("held_because") and d["kind"] == "moment"])
    assert held["state"] == "pending" and held["held_because"] == "quiet hours"
    until = datetime.fromisoformat(held["not_before"])
    assert timedelta(hours=1, minutes=58) < until - now <= timedelta(hours=2, minutes=1)
    assert mailbox.to(ola["email"], kind="moment") == []  # held, not dropped: it leaves when the hours end

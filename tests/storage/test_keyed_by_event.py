"""A consumer whose effects are keyed for some events only (matching's moment.logged: a win is
remembered under its id, a setback may seek a support buddy) reads the ledger first for those
others only: a redelivered win runs again and changes nothing, a redelivered setback is skipped."""

from datetime import UTC, datetime
from types import SimpleNamespace

from workbuddy_contracts.events import make_event
from workbuddy_matching.use_cases.members import replay_is_harmless
from workbuddy_platform.consumers import LEDGER, consumes


class Consumer:
    name = "matching"

    def __init__(self, db):
        self.uow = SimpleNamespace(db=db)
        self.handled: list[str] = []

    @consumes(keyed=lambda event: replay_is_harmless(event.payload))
    def on_moment_logged(self, event):
        self.handled.append(event.payload["kind"])


def moment(kind: str, **more) -> dict:
    return make_event("moment.logged", {
        "moment_id": f"mo-{kind}", "member_id": "ana", "kind": kind, "note": None,
        "logged_at": datetime.now(UTC)} | more, producer="profiles",
        correlation_id="c-1").to_message()


def test_a_win_runs_again_and_a_setback_is_skipped_when_delivered_twice(db):
    consumer = Consumer(db)
    won, lost = moment("client_won"), moment("client_lost")
    for body in (won, won, lost, lost):
        consumer.on_moment_logged(body)
    assert consumer.handled == ["client_won", "client_won", "client_lost"]
    assert db[LEDGER].count_documents({}) == 2  # each recorded once


def test_which_moments_matching_may_see_twice():
    assert replay_is_harmless({"kind": "client_won"})
    assert replay_is_harmless({"kind": "client_question"})
    assert replay_is_harmless({"kind": "project_idea", "seeking_partner": False})
    assert not replay_is_harmless({"kind": "project_idea", "seeking_partner": True})
    assert not replay_is_harmless({"kind": "urgent_advice"})
    for setback in ("client_lost", "tender_lost", "payment_late", "rough_day"):
        assert not replay_is_harmless({"kind": setback})

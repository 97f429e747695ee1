"""Journey 6: a member blocks another. No more contact, no more notifications, never proposed
to each other again; the one who was blocked simply finds nobody there (404, not 403)."""

from workbuddy_matching import operator

from ..support.logs import wait_for_record
from ..support.waiting import eventually
from .test_bad_input import assert_problem


def test_after_a_block_nothing_goes_between_the_two(gateway, stack, mailbox):
    ivy, jon = gateway.sign_up("Ivy", "en"), gateway.sign_up("Jon", "en")
    gateway.become_buddies(ivy, jon)
    eventually(lambda: gateway.request("GET", f"/v1/members/{ivy['id']}/moments", jon).ok)
    before = gateway.log_moment(ivy, "client_won", "before the block")
    mailbox.wait_for(jon["email"], kind="moment")

    blocking = {"X-Correlation-Id": f"block-{jon['id']}"}
    assert gateway.request("POST", f"/v1/members/{ivy['id']}/block", jon,
                           headers=blocking).status_code == 204
    assert gateway.request("POST", f"/v1/members/{ivy['id']}/block", jon).status_code == 204  # again

    [buddyship] = gateway.request("GET", "/v1/me/buddyships", ivy).json()["items"]
    assert buddyship["state"] == "ended"
    # profiles hears of the block a moment later; from then on each is nobody to the other.
    eventually(lambda: gateway.request("GET", f"/v1/members/{jon['id']}", ivy).status_code == 404)
    for viewer, other in ((ivy, jon), (jon, ivy)):
        assert_problem(gateway.request("GET", f"/v1/members/{other['id']}", viewer), 404)
        assert_problem(gateway.request("GET", f"/v1/members/{other['id']}/moments", viewer), 404)
    assert_problem(gateway.request("GET", f"/v1/moments/{before['id']}/reactions", jon), 404)
    assert_problem(gateway.request("POST", f"/v1/moments/{before['id']}/reactions", jon,
                                   json={"kind": "cheer"}), 404)
    assert gateway.request("GET", "/v1/me/feed", jon).json()["items"] == []

    # Never proposed again: the blocked one finds nobody, the blocker is reminded why.
    assert_problem(gateway.propose(ivy, jon), 404, "buddy_id")
    assert "blocked" in assert_problem(gateway.propose(jon, ivy), 409, "buddy_id")["detail"]

    # And no more mail, once notifications has heard of the block.
    wait_for_record(stack.supervisor.log_path("notifications"), event="event.processed",
                    consumer="notifications.on_member_blocked",
                    correlation_id=blocking["X-Correlation-Id"])
    correlation_id = f"after-block-{ivy['id']}"
    gateway.log_moment(ivy, "client_lost", "after the block",
                       headers={"X-Correlation-Id": correlation_id})
    wait_for_record(stack.supervisor.log_path("notifications"), event="event.processed",
                    event_type="moment.logged", correlation_id=correlation_id)
    assert len(mailbox.to(jon["email"], kind="moment")) == 1


def test_a_member_cannot_block_themselves_or_nobody(gateway):
    kat = gateway.sign_up("Kat", "fr")
    assert_problem(gateway.request("POST", f"/v1/members/{kat['id']}/block", kat), 403)
    assert_problem(gateway.request("POST", "/v1/members/nobody/block", kat), 404, "member_id")


def test_a_report_blocks_and_reaches_the_operators(gateway, amqp_uri):
    lea, max_ = gateway.sign_up("Lea", "fr"), gateway.sign_up("Max", "fr")
    gateway.become_buddies(lea, max_)
    reported = gateway.request("POST", f"/v1/members/{max_['id']}/report", lea,
                               json={"reason": "harassment", "details": "  insulting messages  "})
    assert reported.status_code == 204, reported.text
    [buddyship] = gateway.request("GET", "/v1/me/buddyships", lea).json()["items"]
    assert buddyship["state"] == "ended"
    assert_problem(gateway.propose(max_, lea), 404, "buddy_id")

    reports = operator.call("reports", amqp_uri, timeout=30)
    mine = [r for r in reports if r["reporter_id"] == lea["id"]]
    assert [(r["reported_id"], r["reason"], r["details"]) for r in mine] == [
        (max_["id"], "harassment", "insulting messages")]

    bad = gateway.request("POST", f"/v1/members/{max_['id']}/report", lea, json={"reason": "meh"})
    assert_problem(bad, 422, "reason")

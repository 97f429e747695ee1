"""Web Push end to end: a member turns push on in a browser (here, a local push service that
checks the VAPID signature and decrypts like a browser would), and a buddy's setback arrives as
an encrypted push; a browser that is gone is forgotten."""

from workbuddy_notifications.adapters.push import VapidSettings

from ..support.waiting import eventually
from .test_bad_input import assert_problem


def test_a_buddys_setback_arrives_as_an_encrypted_push(gateway, push_service, vapid_key):
    key = gateway.request("GET", "/v1/push/key")
    assert key.status_code == 200
    assert key.json()["public_key"] == VapidSettings(private_key=vapid_key).public_key_b64url()

    gus, hal = gateway.sign_up("Gus", "fr"), gateway.sign_up("Hal", "fr")
    browser = push_service.subscribe(application_server_key=key.json()["public_key"])
    subscribed = gateway.request("POST", "/v1/me/push-subscriptions", hal, json=browser)
    assert subscribed.status_code == 201, subscribed.text
    gateway.become_buddies(gus, hal)
    eventually(lambda: gateway.request("GET", f"/v1/members/{gus['id']}/moments", hal).ok)

    lost = gateway.log_moment(gus, "client_lost", "a private note")
    [received] = push_service.wait_for(browser, timeout=20, kind="moment")
    assert received.payload["title"] == "Gus traverse un coup dur"
    assert received.payload["body"] == "un client perdu"
    assert received.payload["url"] == f"/moments/{lost['id']}"
    assert "a private note" not in str(received.payload)  # a lock screen is not private
    assert received.urgency == "high" and received.claims["sub"].startswith("mailto:")
    assert b"Gus" not in received.body  # encrypted on the wire
    [started] = push_service.wait_for(browser, kind="buddyship_started")  # news of buddyships too
    assert started.payload["body"] == "Gus et toi êtes maintenant buddies"

    # The browser goes away (410): the subscription is forgotten, nothing more is sent to it.
    push_service.script(browser, 410)
    gateway.log_moment(gus, "rough_day")
    eventually(lambda: gateway.request("GET", "/v1/me/export", hal).json()
               ["notifications"]["push_subscriptions"] == [], timeout=20)
    assert_problem(gateway.request("DELETE", f"/v1/me/push-subscriptions/{subscribed.json()['id']}",
                                   hal), 404)


def test_a_bad_subscription_is_refused_with_what_to_fix(gateway, push_service):
    ivy = gateway.sign_up("Ivy", "en")
    browser = push_service.subscribe()
    bad = gateway.request("POST", "/v1/me/push-subscriptions", ivy,
                          json=browser | {"keys": {**browser["keys"], "auth": "AAAAAAAAAAAAAA"}})
    problem = assert_problem(bad, 422, "keys.auth")  # ten bytes, not sixteen
    assert "16 bytes" in problem["detail"] and "got 10" in problem["detail"]
    plain = gateway.request("POST", "/v1/me/push-subscriptions", ivy,
                            json=browser | {"endpoint": "http://push.example.org/x"})
    assert "https" in assert_problem(plain, 422, "endpoint")["detail"]

    ok = gateway.request("POST", "/v1/me/push-subscriptions", ivy, json=browser)
    assert ok.status_code == 201
    gone = gateway.request("DELETE", f"/v1/me/push-subscriptions/{ok.json()['id']}", ivy)
    assert gone.status_code == 204

"""Nobody left without an answer, over real processes: a member asks for advice now while
their only buddy is in deep focus; the app tells them so at once, and when the buddy is back."""

from datetime import UTC, datetime, timedelta

from ..support.waiting import eventually


def test_an_urgent_ask_with_every_buddy_away_is_answered_honestly(gateway):
    oli, pia = gateway.sign_up("Oli", "en"), gateway.sign_up("Pia", "en")
    gateway.become_buddies(oli, pia)
    back = datetime.now(UTC) + timedelta(hours=2)
    focused = gateway.request("PATCH", "/v1/me", pia, json={
        "availability": {"focus_until": back.isoformat()}})
    assert focused.status_code == 200
    eventually(lambda: gateway.request("GET", "/v1/me/matching", pia).json()["answered"])

    gateway.log_moment(oli, "urgent_advice", "Client wants it all by tomorrow")
    told = eventually(lambda: [n for n in gateway.request("GET", "/v1/me/notifications", oli)
                               .json()["items"] if n["kind"] == "nobody_reachable"], timeout=20)
    assert told[0]["text"].startswith("None of your buddies can be reached right now "
                                      "(1 in focus mode). The first one is back on ")
    assert told[0]["data"]["reachable_at"].startswith(back.isoformat()[:16])

"""The app's live feed comes back after a failure without hammering the gateway: it waits
longer after each failure in a row, as long as a busy gateway's Retry-After asks, and goes live
as soon as the stream opens again. The stream's answers are played by the browser's own
request routing; everything else is the real system."""

import itertools
import json
import time

from playwright.sync_api import expect

from .members import Member

STREAM = "**/v1/me/notifications/stream"


def gaps(times: list[float]) -> list[float]:
    return [round(later - earlier, 2) for earlier, later in itertools.pairwise(times)]


def test_the_live_feed_backs_off_heeds_retry_after_and_comes_back(new_context, shared_system):
    stack, _ = shared_system
    page = new_context(locale="en-US").new_page()
    answers = {"status": 500, "retry_after": None}
    attempts: list[float] = []

    def stream(route):
        if answers["status"] is None:  # the real stream
            route.continue_()
            return
        attempts.append(time.monotonic())
        headers = {"Content-Type": "application/problem+json"}
        if answers["retry_after"]:
            headers["Retry-After"] = str(answers["retry_after"])
        route.fulfill(status=answers["status"], headers=headers,
                      body=json.dumps({"status": answers["status"], "title": "Unavailable"}))

    member = Member(page, stack.gateway_url, "Ines", "en")
    member.sign_up()
    member.answer_the_questions(also_speaks="Français")
    page.route(STREAM, stream)
    member.go("home")

    # Failing without a word of when to come back: 1 s, then 2, then 4 (each give or take 20 %).
    while len(attempts) < 4:
        page.wait_for_timeout(200)
    first, second, third = gaps(attempts[:4])
    assert 0.8 <= first <= 1.5 and 1.6 <= second <= 2.6 and 3.2 <= third <= 5.0, attempts
    expect(page.get_by_text("Reconnecting…", exact=True)).to_be_visible()

    # A busy gateway says when to come back: the app waits exactly that, however many failures.
    answers.update(status=503, retry_after=2)
    start = len(attempts)
    while len(attempts) < start + 3:
        page.wait_for_timeout(200)
    assert all(1.9 <= gap <= 2.6 for gap in gaps(attempts[start:])), attempts

    # The stream is back: the feed goes live at the next attempt.
    answers.update(status=None)
    expect(page.get_by_text("Live", exact=True)).to_be_visible(timeout=10_000)

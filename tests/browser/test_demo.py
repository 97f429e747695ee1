"""`make demo`: a person trying Work Buddy alone sees the whole loop within minutes.

The system runs as `make demo` runs it (the services told a demo community may sign up, the
dev inbox receiving every mail, the actor started with its command line), at a tenth of the
demo's pace. The community gathers through the API; then a newcomer walks their first ten
minutes in Chromium: a proposal with its reasons, a buddy's greeting, a buddy's win seen live
and cheered, their own win answered, and a lost client logged while their buddies are in focus
bringing a support buddy who greets them too. Then `make demo-remove`'s command has every demo
member leave, and no database keeps a trace of any of them.
"""

import json
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect
from pymongo import MongoClient

from workbuddy_devstack.broker import Management, with_vhost
from workbuddy_devstack.demo import launch
from workbuddy_devstack.demo.client import Session
from workbuddy_devstack.demo.community import COMMUNITY
from workbuddy_devstack.demo.gathering import password_for, read_secret
from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_devstack.stack import Stack
from workbuddy_matching.operator import call
from workbuddy_notifications.adapters.push import new_private_key

from ..conftest import BROKER
from ..support.net import free_port
from ..support.waiting import eventually
from .members import Member

PACE = "0.1"
GATHERED = "The demo community is here"


@dataclass
class Demo:
    stack: Stack
    inbox_url: str
    folder: Path
    supervisor: Supervisor
    sessions: dict[str, Session] = field(default_factory=dict)

    def log(self) -> str:
        return self.supervisor.log_path("demo").read_text(errors="replace")

    def member(self, key: str) -> Session:
        """A demo member's own session, as the actor holds it (to look at what they see),
        signed in once."""
        if key not in self.sessions:
            persona = next(p for p in COMMUNITY if p.key == key)
            session = Session(self.stack.gateway_url, persona.email,
                              password_for(read_secret(launch.secret_path(self.folder)), persona))
            assert session.sign_in() is not None
            self.sessions[key] = session
        return self.sessions[key]


@pytest.fixture(scope="module")
def demo(artifacts, mongo_uri, db_prefix, redis_url, run_id):
    management, vhost = Management(BROKER), f"wb-test-{run_id}-demo{uuid.uuid4().hex[:6]}"
    management.create_vhost(vhost)
    folder = artifacts / f"demo-{uuid.uuid4().hex[:6]}"
    supervisor = Supervisor(folder / "log")
    try:
        smtp_port, inbox_port = free_port(), free_port()
        supervisor.start("inbox", [sys.executable, "-m", "workbuddy_devstack.inbox",
                                   "--smtp-port", str(smtp_port), "--http-port", str(inbox_port),
                                   "--dir", str(folder / "mail")], stop_last=True)
        inbox_url = f"http://127.0.0.1:{inbox_port}"
        wait_until(lambda: _answers(f"{inbox_url}/messages.json"), 20, "the dev inbox")
        stack = Stack(supervisor, amqp_uri=with_vhost(BROKER, vhost), mongo_uri=mongo_uri,
                      smtp_port=smtp_port, gateway_port=free_port(),
                      db_prefix=f"{db_prefix}demo{uuid.uuid4().hex[:6]}_",
                      rate_limit_storage=redis_url,
                      rate_limit_prefix=f"wb-test-demo-{uuid.uuid4().hex[:6]}",
                      extra_env={**launch.ENVIRONMENT, "VAPID_PRIVATE_KEY": new_private_key(),
                                 "MATCHING_ROUND_EVERY_HOURS": "0",
                                 # Moments count unanswered after seconds, not minutes.
                                 "BUDDY_QUIET_GRACE_HOURS": "0.001"})
        stack.start_all()
        stack.wait_ready()
        supervisor.start("demo", launch.command(stack.gateway_url, inbox_url, folder),
                         {"DEMO_PACE": PACE, "DEMO_POLL_SECONDS": "0.5"})
        running = Demo(stack, inbox_url, folder, supervisor)
        wait_until(lambda: GATHERED in running.log() or _dead(supervisor), 300,
                   "the demo community to gather")
        assert GATHERED in running.log(), running.log()[-3000:]
        yield running
    finally:
        supervisor.stop_all()
        management.delete_vhost(vhost)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _dead(supervisor: Supervisor) -> bool:
    return "demo" in supervisor.dead()


def newest_link(inbox_url: str, email: str, view: str) -> str:
    def found():
        for mail in requests.get(f"{inbox_url}/messages.json", timeout=10).json():
            if email in mail["to"] and (link := re.search(rf"https?://\S+/app/#/{view}/[\w-]+",
                                                          mail["body"])):
                return link.group(0)
        return None
    return eventually(found, timeout=30)


def proposal_cards(page: Page):
    return page.locator("article[data-buddyship]", has=page.get_by_role("button", name="Accept"))


def proposals_shown(page: Page) -> set[str]:
    """The buddyships proposed on the buddies page, once it is drawn whole."""
    expect(page.get_by_role("heading", name="Matching and you")).to_be_visible()
    return set(proposal_cards(page).evaluate_all("cards => cards.map(c => c.dataset.buddyship)"))


def reload_until(page: Page, found, timeout: float = 60):
    """What the page shows comes from the community's answers, seconds later: the newcomer
    looks again, as a person would."""
    deadline = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < deadline, page.locator("main").inner_text()
        time.sleep(1)
        page.reload()
        page.locator("main h1").wait_for()


def test_a_newcomer_sees_the_whole_loop_within_minutes(demo, new_context, screenshots):
    page = new_context(locale="en-GB", viewport={"width": 1024, "height": 900},
                       timezone_id="Europe/Paris").new_page()
    zoe = Member(page, demo.stack.gateway_url, "Zoé", "en")
    zoe.sign_up()
    zoe.answer_the_questions(also_speaks="Français")
    page.goto(newest_link(demo.inbox_url, zoe.email, "verify"))
    expect(page.locator("#status")).to_contain_text("Your address is confirmed. Welcome!")

    # A proposal with its reasons, within seconds of the proven address.
    zoe.go("buddies")
    reload_until(page, lambda: proposal_cards(page).count() > 0, timeout=40)
    # The quiet member goes quiet after a greeting (their path has a test of its own): Zoé
    # accepts someone who talks.
    quiet = next(p.display_name for p in COMMUNITY if p.quiet)
    card = proposal_cards(page).filter(has_not=page.get_by_role("heading", name=quiet)).first
    expect(card.locator("ul.reasons li").first).to_be_visible()
    buddy = card.locator("h3").inner_text().strip()
    screenshots(page, "demo-proposal")
    card.get_by_role("button", name="Accept").click()

    # The buddy greets them.
    write = page.get_by_role("link", name=f"Write to {buddy}")
    reload_until(page, lambda: write.count() > 0)
    write.click()
    greeting = page.locator("li.message:not(.mine)")
    reload_until(page, lambda: greeting.count() > 0)
    screenshots(page, "demo-greeting")
    page.get_by_label("Your message").fill("Hello! How is your week going?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("li.message:not(.mine)")).to_have_count(2, timeout=30_000)  # answered

    # A buddy's win, seen live on the home page, and cheered.
    zoe.go("home")
    expect(page.get_by_text("Live", exact=True)).to_be_visible(timeout=15_000)
    # (the community's other moments may come first: a win is the one with a cheer)
    win = page.locator("#feed article", has_text=buddy).filter(
        has=page.get_by_role("button", name="Cheer 🎉"))
    expect(win.first).to_be_visible(timeout=60_000)
    screenshots(page, "demo-buddy-win")
    cheered = page.locator(f"#feed article[data-moment='{win.first.get_attribute('data-moment')}']")
    cheered.get_by_role("button", name="Cheer 🎉").click()
    expect(cheered).to_contain_text("Sent.")

    # Their own win is answered.
    page.get_by_role("button", name="I won a client 🍾").click()
    reaction = page.locator("#notifications li[data-kind=reaction]", has_text=buddy)
    expect(reaction.first).to_be_visible(timeout=60_000)
    screenshots(page, "demo-reaction")

    # Their buddies go into focus a while; a lost client logged then brings a support buddy.
    buddies = [p for p in COMMUNITY if p.display_name.startswith(buddy)]
    eventually(lambda: all(_in_focus(demo.member(p.key)) for p in buddies), timeout=60)
    zoe.go("buddies")
    before = proposals_shown(page)  # a second proposal may still wait for Zoé's answer
    zoe.go("home")
    page.get_by_role("button", name="I lost a client").click()
    zoe.go("buddies")

    def support_proposed():
        return proposals_shown(page) - before
    reload_until(page, support_proposed)
    [support_id] = support_proposed()
    support = page.locator(f"article[data-buddyship='{support_id}']")
    supporter = support.locator("h3").inner_text().strip()
    expect(support).to_contain_text("A support buddy after your setback, while your buddies are "
                                    "away: for a week, then it ends by itself.")
    screenshots(page, "demo-support-buddy")
    support.get_by_role("button", name="Accept").click()
    write = page.get_by_role("link", name=f"Write to {supporter}")
    reload_until(page, lambda: write.count() > 0)  # once they said yes too
    expect(page.locator(f"article[data-buddyship='{support_id}']")).to_contain_text(
        "Your support buddy until ")
    write.click()
    reload_until(page, lambda: page.locator("li.message:not(.mine)").count() > 0)
    screenshots(page, "demo-support-greeting")


def _in_focus(session: Session) -> bool:
    until = (session.get("/v1/me")["profile"].get("availability") or {}).get("focus_until")
    return until is not None and datetime.fromisoformat(until) > datetime.now(UTC)


def test_the_quiet_member_greets_then_goes_quiet_and_the_newcomer_is_told(demo):
    """Through the API, as a client app: a newcomer proposes to the quiet member, who accepts
    and says hello, then answers none of three moments; the check-up tells the newcomer."""
    quiet = next(p for p in COMMUNITY if p.quiet)
    quiet_id = demo.member(quiet.key).member_id
    ana = Session(demo.stack.gateway_url, f"ana-{uuid.uuid4().hex[:6]}@example.org",
                  "a long enough passphrase")
    ana.sign_up("Ana", "en")
    ana.verify(newest_link(demo.inbox_url, ana.email, "verify").rsplit("/", 1)[1])
    # No answers to the questions: matching proposes her nobody else to fill her places.
    proposed = ana.post("/v1/me/buddyships", {"buddy_id": quiet_id})
    eventually(lambda: [b["state"] for b in ana.get("/v1/me/buddyships")["items"]
                        if b["id"] == proposed["id"]] == ["active"], timeout=30)
    hello = eventually(lambda: ana.get(f"/v1/me/conversations/{proposed['id']}/messages")["items"],
                       timeout=30)
    assert [m["author_id"] for m in hello] == [quiet_id]
    for kind in ("client_won", "milestone", "project_delivered"):
        ana.post("/v1/me/moments", {"kind": kind, "note": "Any thoughts?"})
    time.sleep(5)  # past the grace (BUDDY_QUIET_GRACE_HOURS above), as if days had gone by
    call("check-up", demo.stack.amqp_uri)  # as an operator would, rather than wait the hour
    told = eventually(lambda: [n for n in ana.get("/v1/me/notifications")["items"]
                               if n["kind"] == "buddy_quiet"], timeout=30)
    assert told[0]["subject_id"] == quiet_id
    health = ana.get(f"/v1/me/buddyships/{proposed['id']}/health")
    assert health["quiet_member_id"] == quiet_id
    reactions = [ana.get(f"/v1/moments/{m['id']}/reactions")["items"]
                 for m in ana.get("/v1/me/moments")["items"]]
    assert reactions == [[], [], []]


def test_removing_the_demo_leaves_no_trace_in_any_database(demo, mongo_uri):
    client = MongoClient(mongo_uri)
    # Who they are, as profiles marked them (the marks are what the removal must not leave).
    ids = {doc["_id"] for doc in client[f"{demo.stack.db_prefix}profiles"].members.find(
        {"demo": True}, {"_id": 1})}
    assert len(ids) == len(COMMUNITY)
    marks = ids | {p.email for p in COMMUNITY} | {"demo.workbuddy.test"}
    said = subprocess.run(
        [sys.executable, "-m", "workbuddy_devstack.demo", "remove", "--gateway",
         demo.stack.gateway_url, "--inbox", demo.inbox_url, "--secret-file",
         str(launch.secret_path(demo.folder))], capture_output=True, text=True, timeout=600)
    assert said.returncode == 0, said.stdout + said.stderr
    assert f"{len(COMMUNITY)} demo members left" in said.stdout
    databases = [name for name in client.list_database_names()
                 if name.startswith(demo.stack.db_prefix)]
    assert len(databases) >= 4

    def traces():
        found = []
        for name in databases:
            db = client[name]
            for collection in db.list_collection_names():
                for doc in db[collection].find():
                    if name.endswith("profiles") and collection == "outbox" \
                            and doc.get("type") == "member.left":
                        continue  # the opaque id, on the event that announced the departure
                    text = json.dumps(doc, default=str)
                    if any(mark in text for mark in marks):
                        found.append(f"{name}.{collection}: {text[:300]}")
        return found
    deadline = time.monotonic() + 120  # each service forgets them as its member.left arrives
    while (left := traces()) and time.monotonic() < deadline:
        time.sleep(2)
    by_place: dict[str, list[str]] = {}
    for trace in left:
        by_place.setdefault(trace.split(":", 1)[0], []).append(trace)
    assert left == [], "\n".join(f"{len(found)} in {place}, e.g. {found[0]}"
                                  for place, found in by_place.items())

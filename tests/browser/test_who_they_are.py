"""Who the other members are, in the web app: a member writes a few words about themselves in
the settings; proposals, the buddies list and a buddy's page show each member with their
initials on a colour of their own, their words, and a "demo" badge for the demo community."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from ..support.api import PASSWORD, Gateway
from .conftest import running_system
from .test_asks import EN, signed_in
from .test_usable_by_everyone import check_page

DORA_BIO = "I play a member of the demo community.\nAsk me anything about Work Buddy."
BEN_BIO = "Illustrator in Nantes, fond of long walks."
ADA_BIO = "UX designer in Lyon.\nHappy to talk pricing."


@pytest.fixture
def demo_system(artifacts, fresh_vhost, mongo_uri, db_prefix, redis_url):
    """A system that runs the demo community, where members propose to each other themselves."""
    with running_system(artifacts / f"browser-demo-{uuid.uuid4().hex[:6]}", fresh_vhost()[1],
                        mongo_uri, db_prefix, redis_url, DEMO_COMMUNITY="on",
                        MATCHING_AUTOMATIC="off") as running:
        yield running


def demo_member(gateway: Gateway, name: str) -> dict:
    response = gateway.request("POST", "/v1/auth/signup", json={
        "email": f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@demo.workbuddy.test",
        "display_name": name, "language": "en", "password": PASSWORD})
    assert response.status_code == 201, response.text
    body = response.json()
    return {**body["member"], "access_token": body["access_token"]}


def test_a_member_writes_about_themselves_and_sees_who_their_buddies_are(
        new_context, demo_system, screenshots):
    stack, _ = demo_system
    gateway = Gateway(stack.gateway_url)
    ada, ben, dora = gateway.sign_up("Ada", "en"), gateway.sign_up("Ben", "en"), \
        demo_member(gateway, "Dora Demo")
    for member, bio in ((ben, BEN_BIO), (dora, DORA_BIO)):
        assert gateway.request("PATCH", "/v1/me", member, json={"bio": bio}).status_code == 200
    gateway.become_buddies(ben, ada)

    page = signed_in(new_context(locale="en-GB", viewport={"width": 390, "height": 844}),
                     stack.gateway_url, ada, EN)
    # Ada writes a few words in the settings; the count says how many are left.
    page.get_by_role("link", name="Settings", exact=True).click()
    about = page.get_by_label("About me", exact=True)
    about.fill(ADA_BIO)
    expect(page.locator("#about")).to_contain_text("43 of 280 characters")
    assert about.get_attribute("maxlength") == "280"
    check_page(page)
    page.locator("#about").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    seen_by_ben = gateway.request("GET", f"/v1/members/{ada['id']}", ben).json()
    assert seen_by_ben["bio"] == ADA_BIO
    page.reload()
    expect(page.get_by_label("About me", exact=True)).to_have_value(ADA_BIO)

    # A demo member proposes: the card says who they are, and that the demo community plays them.
    assert gateway.propose(dora, ada).status_code == 201
    page.get_by_role("link", name="Buddies", exact=True).click()
    proposal = page.locator("article.card.warmth", has_text="Dora Demo")
    expect(proposal).to_be_visible()
    expect(proposal.locator(".avatar")).to_have_text("DD")
    expect(proposal.locator(".avatar")).to_have_attribute("aria-hidden", "true")
    expect(proposal.locator(".bio")).to_have_text(DORA_BIO)
    badge = proposal.locator(".demo-badge")
    expect(badge).to_have_text("demo")
    expect(badge).to_have_attribute("title", re.compile("demo community"))
    # Ben, a buddy already: his avatar and no badge in the list.
    ben_card = page.locator("article.card", has_text="How it's going with Ben")
    expect(ben_card.locator(".avatar")).to_have_text("B")
    expect(ben_card.locator(".demo-badge")).to_have_count(0)
    check_page(page)
    screenshots(page, "who-they-are")

    proposal.get_by_role("button", name="Accept").click()
    dora_card = page.locator("article.card", has_text="How it's going with Dora Demo")
    expect(dora_card.locator(".demo-badge")).to_have_text("demo")
    # The same colour for the same member, wherever the app shows them.
    tone = dora_card.locator(".avatar").get_attribute("class")

    # Dora's page: her words and the badge, next to her name.
    dora_card.get_by_role("link", name="How it's going with Dora Demo").click()
    expect(page.get_by_role("heading", name="You and Dora Demo", level=1)).to_be_visible()
    expect(page.locator("main .bio")).to_have_text(DORA_BIO)
    expect(page.locator("main .demo-badge")).to_have_text("demo")
    assert page.locator("main .avatar").get_attribute("class") == tone
    check_page(page)

    # Ben's page: his words, no badge.
    page.get_by_role("link", name="All my buddies").click()
    page.locator("article.card", has_text="How it's going with Ben").get_by_role(
        "link", name="How it's going with Ben").click()
    expect(page.locator("main .bio")).to_have_text(BEN_BIO)
    expect(page.locator("main .demo-badge")).to_have_count(0)

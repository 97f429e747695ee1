"""A pause in the web app: a member asks for no new buddy until a day, sees it on the Buddies
page, and resumes; the API says the same each time."""

from playwright.sync_api import expect

from ..support.api import Gateway
from .test_asks import EN, signed_in
from .test_usable_by_everyone import check_page


def test_a_member_pauses_new_buddies_and_resumes_from_the_buddies_page(new_context, shared_system):
    stack, _ = shared_system
    gateway = Gateway(stack.gateway_url)
    nora = gateway.sign_up("Nora", "en")
    page = signed_in(new_context(locale="en-GB", viewport={"width": 390, "height": 844}),
                     stack.gateway_url, nora, EN)
    page.get_by_role("link", name="Buddies", exact=True).click()
    page.get_by_text("Pause new buddies").click()
    page.get_by_label("No new buddy until").fill("2031-05-20")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator("#pause")).to_contain_text("Paused until May 20, 2031")
    check_page(page)
    profile = gateway.request("GET", "/v1/me", nora).json()["profile"]
    assert profile["matching_paused_until"].startswith("2031-05-20")

    page.get_by_role("button", name="Resume now").click()
    expect(page.get_by_text("Pause new buddies")).to_be_visible()
    assert gateway.request("GET", "/v1/me", nora).json()["profile"]["matching_paused_until"] is None

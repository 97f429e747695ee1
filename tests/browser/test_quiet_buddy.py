"""A quiet buddy in the web app: the buddy's page says so and offers the one-tap choice; ending
it kindly brings the member back to their buddies, with a new proposal waiting."""

from playwright.sync_api import expect

from ..e2e.test_quiet_buddy import flag_quiet
from ..support.api import Gateway
from ..support.waiting import eventually
from .test_asks import EN, signed_in
from .test_usable_by_everyone import check_page


def test_a_member_ends_it_kindly_with_a_quiet_buddy_and_meets_someone_new(new_context, system):
    stack, _ = system
    gateway = Gateway(stack.gateway_url)
    rae, sol, tao = (gateway.sign_up(n, "en") for n in ("Rae", "Sol", "Tao"))
    buddyship = gateway.become_buddies(rae, sol)
    for member in (rae, sol, tao):  # room for one buddy each: Tao waits for someone
        gateway.request("PATCH", "/v1/me", member, json={"city": "Lyon", "buddy_capacity": 1})
        eventually(lambda m=member: gateway.request("GET", "/v1/me/matching", m).json()["answered"])
    flag_quiet(stack.mongo_uri, stack.db_prefix, buddyship["id"], sol["id"])

    page = signed_in(new_context(locale="en-GB", viewport={"width": 390, "height": 844}),
                     stack.gateway_url, rae, EN)
    page.goto(f"{stack.gateway_url}/app/#/buddies/{buddyship['id']}")
    expect(page.get_by_text("Sol has gone quiet")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="End it kindly and meet someone new").click()
    expect(page.get_by_role("status")).to_contain_text("Ended kindly")
    expect(page).to_have_url(f"{stack.gateway_url}/app/#/buddies")
    expect(page.get_by_role("heading", name="Tao")).to_be_visible(timeout=10_000)

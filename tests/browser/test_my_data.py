"""A member takes their data and leaves, from the web app: the download holds their account,
leaving asks for the password and a confirmation, then nothing lets them in any more."""

import json

import requests
from playwright.sync_api import expect

from .members import PASSWORD, Member


def test_a_member_downloads_their_data_then_leaves(new_context, shared_system):
    stack, _ = shared_system
    page = new_context(locale="en-GB").new_page()
    member = Member(page, stack.gateway_url, "Nora", "en")
    member.sign_up()
    page.goto(f"{stack.gateway_url}/app/#/settings")
    expect(page.get_by_role("heading", name="My data")).to_be_visible()

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download all my data (JSON)").click()
    data = json.loads(open(downloading.value.path(), encoding="utf-8").read())
    assert data["profiles"]["member"]["email"] == member.email
    assert set(data) >= {"profiles", "matching", "notifications", "exported_at"}

    page.get_by_label("Your password, to confirm").fill("not my password at all")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Leave Work Buddy").click()
    expect(page.locator("#status.error")).to_be_visible()  # the wrong password is refused
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Leave Work Buddy").click()
    expect(page.get_by_role("status")).to_have_text("Your account and your data are erased. Take care!")
    expect(page.get_by_role("heading", name="Join Work Buddy")).to_be_visible()

    refused = requests.post(f"{stack.gateway_url}/v1/auth/login",
                            json={"email": member.email, "password": PASSWORD}, timeout=10)
    assert refused.status_code == 401

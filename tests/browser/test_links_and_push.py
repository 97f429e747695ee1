"""What comes into the app from outside it: an invitation link opens sign-up with its code, a
mail's link to the buddies page asks a signed-out member to sign in and then opens it, and push
starts from the server's VAPID key and the app's service worker.

Subscribing for real needs the browser's push service (Google's, for Chromium), which these
machines cannot reach; what a push service receives and the browser decrypts is proven in
tests/e2e/test_web_push.py with a local push service."""

import re

from playwright.sync_api import expect

from .members import PASSWORD, Member


def test_an_invitation_link_opens_sign_up_with_its_code(new_context, shared_system):
    stack, _ = shared_system
    context = new_context(locale="en-US")
    inviter = Member(context.new_page(), stack.gateway_url, "Dana", "en")
    inviter.sign_up()
    inviter.answer_the_questions(also_speaks="Français")
    inviter.page.get_by_role("button", name="Make an invitation link").click()
    link = inviter.page.get_by_role("textbox", name="Invite someone you know").input_value()
    code = link.split("invitation=")[1]

    friend = new_context(locale="en-US").new_page()
    friend.goto(link)
    expect(friend.get_by_label("Invitation code (if a friend gave you one)")).to_have_value(code)


def test_a_mails_link_to_the_buddies_page_signs_the_member_in_then_opens_it(new_context,
                                                                             shared_system):
    stack, _ = shared_system
    member = Member(new_context(locale="en-US").new_page(), stack.gateway_url, "Fay", "en")
    member.sign_up()
    member.answer_the_questions(also_speaks="Français")

    # Another browser, or the same after signing out: what a proposal's mail button opens.
    page = new_context(locale="en-US").new_page()
    page.goto(f"{stack.gateway_url}/app/#/buddies")
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(member.email)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buddies")
    expect(page.get_by_role("heading", name="Proposals")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/app/#/buddies$"))

    # The app's own address stays a newcomer's way in.
    newcomer = new_context(locale="en-US").new_page()
    newcomer.goto(f"{stack.gateway_url}/app/")
    expect(newcomer.get_by_role("button", name="Create my account")).to_be_visible()


def test_push_starts_from_the_server_key_and_a_service_worker(new_context, shared_system):
    stack, _ = shared_system
    context = new_context(locale="en-US")
    member = Member(context.new_page(), stack.gateway_url, "Eli", "en")
    member.sign_up()
    member.answer_the_questions(also_speaks="Français")
    member.go("settings")
    expect(member.page.get_by_role("button", name="Turn on push notifications")).to_be_visible()
    scope = member.page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.register('/app/sw.js', {scope: '/app/'});
        return registration.scope; }""")
    assert scope == f"{stack.gateway_url}/app/"

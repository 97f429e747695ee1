"""The web app for everyone: French or English from the browser and switchable, a phone's
screen, the keyboard alone, a screen reader's labels, and text that contrasts enough."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .members import QUESTIONS, Member

PHONE = {"width": 360, "height": 740}

AUDIT = (Path(__file__).parent / "audit.js").read_text()


@pytest.fixture
def member(new_context, shared_system):
    stack, _ = shared_system
    context = new_context(locale="en-US", viewport=PHONE)
    yield Member(context.new_page(), stack.gateway_url, "Chloe", "en")


def tab_to(page, name: str, most: int = 60) -> None:
    """Tab until the control named ``name`` has the focus, as a keyboard user does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def check_page(page):
    found = page.evaluate(AUDIT)
    assert found["unnamed"] == [], "controls without an accessible name"
    assert found["lowContrast"] == [], "text below 4.5:1"
    assert found["stray"] == [], "values shown as words"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], \
        "the page is wider than the screen"


def test_every_page_is_labelled_contrasted_and_fits_a_phone(member):
    member.page.goto(f"{member.base}/app/")
    check_page(member.page)
    member.sign_up()
    member.answer_the_questions(also_speaks="Français", each=check_page)  # every question
    for where in ("buddies", "home", "asks", "settings", "answers"):
        member.go(where)
        member.page.locator("main h1").wait_for()
        check_page(member.page)


def test_the_language_comes_from_the_browser_and_can_be_switched(new_context, shared_system):
    stack, _ = shared_system
    context = new_context(locale="fr-CA")
    page = context.new_page()
    page.goto(f"{stack.gateway_url}/app/")
    expect(page.get_by_role("heading", name="Rejoindre Work Buddy")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Join Work Buddy")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()  # the choice is remembered
    expect(page.get_by_role("heading", name="Join Work Buddy")).to_be_visible()


def test_a_member_can_sign_up_and_share_a_win_with_the_keyboard_alone(member):
    page = member.page
    page.goto(f"{member.base}/app/")
    # A new view puts the focus at its top, past the header: the form is next.
    expect(page.locator("main")).to_be_focused()
    for value in ("Chloe", member.email, "a long enough passphrase"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Tab")  # the invitation code, left empty
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create my account")).to_be_focused()
    page.keyboard.press("Enter")
    # Each question: its answers are reached with Tab, ticked with Space, then on to the button.
    expect(page.locator("legend")).to_have_text("What support would help you most?")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("Someone to celebrate wins and comfort me after setbacks")).to_be_checked()
    for button in ["Next"] * (QUESTIONS - 1) + ["Find my buddies"]:
        tab_to(page, button)
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{member.base}/app/#/buddies")
    # A view draws once its data is in, then takes the focus: tabbing starts from there, as a
    # keyboard user's does once the page has settled (tabbing earlier would run past an empty view).
    expect(page.locator("main")).to_be_focused()
    tab_to(page, "Home")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi Chloe")
    expect(page.locator("main")).to_be_focused()
    tab_to(page, "I won a client 🍾")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Your buddies are told.")

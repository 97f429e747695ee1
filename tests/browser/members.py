"""A member using the web app, as a person would: labels, buttons and what the page says."""

import re
import time
import unicodedata
import uuid

from playwright.sync_api import Page, expect

PASSWORD = "a long enough passphrase"
QUESTIONS = 7  # onboarding's steps, the last with the button that finishes
WORDS = {
    "fr": {"name": "Votre prénom", "email": "E-mail", "password": "Mot de passe (10 caractères au moins)",
           "create": "Créer mon compte", "next": "Suivant", "finish": "Trouver mes buddies",
           "celebrate": "Quelqu'un pour fêter les victoires et réconforter après les coups durs",
           "accept": "Accepter", "buddies": "Buddies", "home": "Accueil", "settings": "Réglages",
           "answers": "Changer mes réponses", "live": "En direct",
           "asks": "Demandes"},
    "en": {"name": "Your first name", "email": "Email", "password": "Password (at least 10 characters)",
           "create": "Create my account", "next": "Next", "finish": "Find my buddies",
           "celebrate": "Someone to celebrate wins and comfort me after setbacks",
           "accept": "Accept", "buddies": "Buddies", "home": "Home", "settings": "Settings",
           "answers": "Change my answers", "live": "Live",
           "asks": "Asks"},
}


class Member:
    def __init__(self, page: Page, base_url: str, name: str, language: str):
        self.page, self.base, self.name, self.language = page, base_url, name, language
        self.words = WORDS[language]
        # An address the browser's own check accepts (type=email wants ASCII before the @).
        plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        self.email = f"{plain}-{uuid.uuid4().hex[:6]}@example.org"

    def sign_up(self) -> None:
        page, w = self.page, self.words
        page.goto(f"{self.base}/app/")
        page.get_by_label(w["name"]).fill(self.name)
        page.get_by_label(w["email"], exact=True).fill(self.email)
        page.get_by_label(w["password"]).fill(PASSWORD)
        page.get_by_role("button", name=w["create"]).click()
        # The first question, or a refusal the app shows: say which.
        page.locator("legend, #status.error").first.wait_for()
        assert not page.locator("#status.error").is_visible(), page.locator("#status").inner_text()

    def answer_the_questions(self, also_speaks: str, screenshots=None, each=None) -> None:
        """The questions, with the keyboard where a person would use it; ``each(page)`` is
        called on every question as it shows."""
        page, w = self.page, self.words
        page.get_by_label(w["celebrate"]).check()
        if screenshots:
            screenshots(page, "onboarding")
        for n in range(1, QUESTIONS + 1):
            if each:
                expect(page.locator(".steps")).to_have_text(re.compile(rf"^Question {n}\b"))
                each(page)
            if n < QUESTIONS:
                page.get_by_role("button", name=w["next"]).click()
        page.get_by_role("checkbox", name=also_speaks).check()
        page.get_by_role("button", name=w["finish"]).click()
        expect(page).to_have_url(re.compile(r"#/buddies$"))

    def go(self, where: str) -> None:
        self.page.get_by_role("link", name=self.words[where], exact=True).click()

    def accept_the_proposal(self, timeout: float = 30) -> None:
        """Matching proposes within seconds of the answers; the page is reloaded until then."""
        accept = self.page.get_by_role("button", name=self.words["accept"])
        deadline = time.monotonic() + timeout
        while True:
            self.page.locator("main h1").wait_for()  # the page has drawn itself
            if accept.count():
                break
            assert time.monotonic() < deadline, \
                f"no proposal reached {self.name}: {self.page.locator('main').inner_text()}"
            time.sleep(1)
            self.page.reload()
        accept.click()


def reload_until_visible(page, *locators, timeout: float = 30) -> None:
    """What the page shows comes from events handled a moment later (longer on a busy machine),
    not always in the same order: the member reloads until every one of ``locators`` is there."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            for locator in locators:
                expect(locator).to_be_visible(timeout=2_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()

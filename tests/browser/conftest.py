"""A real browser (Debian's Chromium, driven by Playwright) on a whole system of the test's
own: four services, a vhost, the store, an SMTP server, matching proposing on its own."""

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from workbuddy_devstack.broker import Management, with_vhost
from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.stack import Stack
from workbuddy_notifications.adapters.push import new_private_key

from ..conftest import BROKER
from ..support.mailbox import SmtpServer
from ..support.net import free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless on a machine with no display and no way out: without the background-networking
# flags Chromium keeps trying to reach Google's hosts.
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run "
                    "installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@contextmanager
def running_system(folder: Path, amqp: str, mongo_uri: str, db_prefix: str, redis_url: str,
                   **settings: str):
    """(stack, mailbox): the four services on a vhost and database prefix of their own;
    ``settings``: environment variables that differ from this file's (e.g. rounds every day)."""
    supervisor = Supervisor(folder)
    with SmtpServer(free_port()) as smtp:
        stack = Stack(supervisor, amqp_uri=amqp, mongo_uri=mongo_uri, smtp_port=smtp.port,
                      gateway_port=free_port(), db_prefix=f"{db_prefix}web{uuid.uuid4().hex[:6]}_",
                      rate_limit_storage=redis_url, rate_limit_prefix=f"wb-test-web-{uuid.uuid4().hex[:6]}",
                      extra_env={"MATCHING_AUTOMATIC": "on", "MATCHING_ROUND_EVERY_HOURS": "0",
                                 "VAPID_PRIVATE_KEY": new_private_key(),
                                 # Proving addresses has tests of its own (test_addresses.py).
                                 "ADDRESS_VERIFICATION": "trusted", **settings})
        stack.start_all()
        try:
            stack.wait_ready()
            yield stack, smtp.mailbox
        finally:
            supervisor.stop_all()


@pytest.fixture
def system(artifacts, fresh_vhost, mongo_uri, db_prefix, redis_url):
    """A system for one test: the members it signs up are the only ones matching can pair."""
    with running_system(artifacts / f"browser-{uuid.uuid4().hex[:6]}", fresh_vhost()[1],
                        mongo_uri, db_prefix, redis_url) as running:
        yield running


@pytest.fixture(scope="module")
def shared_system(artifacts, mongo_uri, db_prefix, redis_url, run_id):
    """A system for a module's tests that do not depend on who else is signed up."""
    management, vhost = Management(BROKER), f"wb-test-{run_id}-web{uuid.uuid4().hex[:6]}"
    management.create_vhost(vhost)
    try:
        with running_system(artifacts / f"browser-{uuid.uuid4().hex[:6]}", with_vhost(BROKER, vhost),
                            mongo_uri, db_prefix, redis_url) as running:
            yield running
    finally:
        management.delete_vhost(vhost)


@pytest.fixture
def screenshots(artifacts):
    """screenshots(page, name): kept with the test's artifacts, and in WB_SCREENSHOTS (e.g.
    docs/images) when set, which is how the README's pictures are made."""
    folders = [artifacts / "screenshots"]
    if os.environ.get("WB_SCREENSHOTS"):
        folders.append(Path(os.environ["WB_SCREENSHOTS"]))

    def take(page, name: str) -> None:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"webapp-{name}.png"), full_page=True)

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_context(request, browser, artifacts):
    """new_context(**options) -> a browser context of the test's own, closed after it; when
    the test failed, a picture of each of its pages is kept first, with what each said."""
    made = []

    def make(**options):
        made.append(browser.new_context(**options))
        return made[-1]

    yield make
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    folder = artifacts / "failed" / request.node.name
    for i, context in enumerate(made):
        for j, page in enumerate(context.pages if failed else []):
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"page-{i}-{j}.png"), full_page=True)
            (folder / f"page-{i}-{j}.txt").write_text(f"{page.url}\n\n{page.locator('body').inner_text()}")
        context.close()


def pytest_collection_modifyitems(items):
    # Two systems at once would crowd a 2-core machine: browser tests run one after another,
    # on the worker of the end-to-end tests (before them: that system is not started yet).
    # The fault scenarios, as long again, then have the other worker, with the short tests;
    # in a group of their own, the browser tests went to the same worker as the fault
    # scenarios or as the end-to-end tests, and either worker then ran for minutes alone.
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("e2e"))

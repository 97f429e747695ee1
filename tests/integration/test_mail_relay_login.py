"""A provider's mail relay wants a login: the credentials from SMTP_USERNAME / SMTP_PASSWORD
are used, and a refused login is a transient error (kept and retried while the operator fixes
or finishes rotating them), never a mail recorded as failed for good. Real SMTP (aiosmtpd)."""

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from workbuddy_notifications.adapters.smtp import SmtpSettings, TransientMailError, send
from workbuddy_notifications.domain.mails import Mail

from ..support.mailbox import Mailbox
from ..support.net import free_port

ACCOUNT = ("workbuddy", "s3cret-of-the-month")
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def only_our_account(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(), auth_data.password.decode()) == ACCOUNT
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself


@pytest.fixture
def relay():
    mailbox, port = Mailbox(), free_port()
    # Plain text AUTH is allowed here only because the test cannot hold a certificate.
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, auth_required=True,
                            auth_require_tls=False, authenticator=only_our_account)
    controller.start()
    yield mailbox, port
    controller.stop()


def mail() -> Mail:
    return Mail(to="ada@example.org", subject="Ada a signé un client", text="Bravo !",
                html="<p>Bravo !</p>", headers={})


def test_the_relay_receives_the_mail_after_our_login(relay):
    mailbox, port = relay
    settings = SmtpSettings(host="127.0.0.1", port=port, username=ACCOUNT[0], password=ACCOUNT[1])
    send(mail(), settings, {})
    assert [m.subject for m in mailbox.wait_for("ada@example.org")] == ["Ada a signé un client"]


def test_a_refused_login_is_retried_not_failed_for_good(relay):
    mailbox, port = relay
    settings = SmtpSettings(host="127.0.0.1", port=port, username=ACCOUNT[0], password="last-month")
    with pytest.raises(TransientMailError, match="SMTP_USERNAME and SMTP_PASSWORD"):
        send(mail(), settings, {})


def test_without_a_login_the_relay_refuses_and_it_is_retried(relay):
    _, port = relay
    with pytest.raises(TransientMailError, match="wants a login; set SMTP_USERNAME"):
        send(mail(), SmtpSettings(host="127.0.0.1", port=port), {})

"""Mails leave on connections kept open between them (adapters/smtp.py), against a real SMTP
server (aiosmtpd): one connection carries several mails; a kept connection the server closed
meanwhile costs no mail and sends none twice; a refusal leaves the next mail unharmed."""

import pytest

from workbuddy_notifications.adapters.smtp import MailServer, PermanentMailError, SmtpSettings
from workbuddy_notifications.domain.mails import Mail

from ..support.mailbox import Mailbox, SmtpServer
from ..support.net import free_port


class Sessions(Mailbox):
    """Also keeps which connection (the client's address and port) each mail came on."""

    def __init__(self):
        super().__init__()
        self.peers: list[tuple] = []

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if answer.startswith("250"):
            self.peers.append(session.peer)
        return answer


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.mailbox = Sessions()
    server.come_back()  # a controller serving the mailbox above
    yield server
    server.go_away()


def mail(n: int, to: str = "ada@example.org") -> Mail:
    return Mail(to=to, subject=f"Ada a signé un client — n°{n}", text=f"Bravo ! {n}",
                html=f"<p>Bravo ! {n}</p>", headers={"X-WorkBuddy-Kind": "moment"})


def server_for(smtp, **settings) -> MailServer:
    return MailServer(SmtpSettings(host="127.0.0.1", port=smtp.port,
                                   sender="Équipe Work Buddy <buddies@workbuddy.local>", **settings))


def test_one_connection_carries_the_mails_one_after_another(smtp):
    sender = server_for(smtp)
    ids = [sender.send(mail(n), {"X-WorkBuddy-Delivery": f"d{n}"}) for n in range(3)]
    received = smtp.mailbox.wait_for("ada@example.org", count=3)
    assert [m.subject for m in received] == [f"Ada a signé un client — n°{n}" for n in range(3)]
    assert [m.body for m in received] == [f"Bravo ! {n}\n" for n in range(3)]
    assert [m.html for m in received] == [f"<p>Bravo ! {n}</p>\n" for n in range(3)]
    assert [str(m.message["Message-ID"]) for m in received] == ids
    assert [str(m.message["X-WorkBuddy-Delivery"]) for m in received] == ["d0", "d1", "d2"]
    assert str(received[0].message["From"]) == "Équipe Work Buddy <buddies@workbuddy.local>"
    assert len(set(smtp.mailbox.peers)) == 1
    sender.close()


def test_a_long_mail_goes_whole(smtp):
    """Longer than a line may be (1,000 characters): it arrives whole, line by line."""
    text = "".join(f"Ligne n°{n} : Ada a signé un client, bravo !\n" for n in range(200))
    html = "".join(f"<p>Ligne n°{n} : Ada a signé un client, bravo !</p>\n" for n in range(200))
    server_for(smtp).send(Mail(to="ada@example.org", subject="Une longue lettre", text=text,
                               html=html, headers={}), {})
    [received] = smtp.mailbox.wait_for("ada@example.org")
    assert (received.body, received.html) == (text, html)


def test_a_long_link_in_a_header_arrives_as_it_was_given(smtp):
    unsubscribe = f"<https://app.example.org/links/{'a1.b2-c3_' * 30}>"
    server_for(smtp).send(mail(0), {"List-Unsubscribe": unsubscribe})
    [received] = smtp.mailbox.wait_for("ada@example.org")
    assert str(received.message["List-Unsubscribe"]) == unsubscribe


def test_without_kept_connections_each_mail_opens_its_own(smtp):
    sender = server_for(smtp, keep_connections=0)
    for n in range(3):
        sender.send(mail(n), {})
    smtp.mailbox.wait_for("ada@example.org", count=3)
    assert len(set(smtp.mailbox.peers)) == 3


def test_a_kept_connection_the_server_closed_costs_no_mail_and_sends_none_twice(smtp):
    sender = server_for(smtp)
    sender.send(mail(0), {})
    smtp.mailbox.wait_for("ada@example.org", count=1)
    smtp.go_away()  # the server restarts: the connection kept open is dead
    smtp.come_back()
    sender.send(mail(1), {})
    received = smtp.mailbox.wait_for("ada@example.org", count=2)
    assert [m.subject for m in received] == [f"Ada a signé un client — n°{n}" for n in range(2)]
    assert len(set(smtp.mailbox.peers)) == 2


def test_a_refused_mail_leaves_the_connection_to_the_next_one(smtp):
    sender = server_for(smtp)
    sender.send(mail(0), {})
    smtp.mailbox.refusal = "550 mailbox unavailable"
    with pytest.raises(PermanentMailError, match="550 mailbox unavailable"):
        sender.send(mail(1), {})
    smtp.mailbox.refusal = None
    sender.send(mail(2), {})
    received = smtp.mailbox.wait_for("ada@example.org", count=2)
    assert [m.subject for m in received] == [f"Ada a signé un client — n°{n}" for n in (0, 2)]

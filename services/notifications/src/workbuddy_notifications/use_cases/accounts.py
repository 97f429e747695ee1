"""The account's own mails (domain/account_mails.py), asked by profiles' events: each is one
delivery of the ledger, keyed by event like every other, so a redelivered event never sends it
twice. The mail is kept with its delivery until it is sent (for retries), then dropped: its link
works once and must not linger here."""

from dataclasses import asdict

from ..adapters.senders import Senders
from ..domain import account_mails
from ..domain import deliveries as d
from ..unit_of_work import NotificationsUnitOfWork
from .deliveries import attempt


def mail(uow: NotificationsUnitOfWork, senders: Senders, *, kind: str, event_id: str,
         payload: dict) -> None:
    built = account_mails.mail_for(kind, payload, links=senders.links, now=uow.now())
    key = uow.deliveries.open(event_id=event_id, recipient_id=payload["member_id"],
                              channel=d.EMAIL, notification_id=None, subject_id=None, kind=kind,
                              mail=asdict(built))
    attempt(uow, senders, key=key)


def address_verified(uow: NotificationsUnitOfWork, *, payload: dict) -> None:
    """Now we may write to the address (mails of every kind, as the member chose)."""
    uow.recipients.verified(payload)

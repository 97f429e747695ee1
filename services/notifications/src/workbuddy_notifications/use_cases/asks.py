"""Telling what becomes of an urgent ask: the helpers asked to answer it, the member who asked
at each step (gone wider, taken, closed), and the helpers once it is taken or closed.

The member who asked hears by mail and push as well as in the app (their settings for "ask"
apply); a helper hears of the ask the same way; that it is theirs, taken by another or closed,
only in the app, where they were looking."""

from ..adapters.senders import Senders
from ..domain import inbox
from ..unit_of_work import NotificationsUnitOfWork
from .deliveries import tell
from .telling import keep


def ask_widened(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
                payload: dict) -> None:
    asker, at = payload["asker_id"], payload["widened_at"]
    for helper_id in payload["helper_ids"]:
        tell(uow, senders, item=keep(
            uow, senders, event_id=event_id, recipient_id=helper_id, kind=inbox.ASK_HELP, at=at,
            subject_id=asker,
            data={"ask_id": payload["ask_id"], "kind": payload["kind"], "note": payload["note"],
                  "skills": (payload.get("skills") or {}).get(helper_id, []),
                  "closes_at": payload["closes_at"].isoformat()}))
    _tell_asker(uow, senders, event_id, payload, at, step="widened",
                helpers=len(payload["helper_ids"]))


def ask_taken(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
              payload: dict) -> None:
    asker, helper, at = payload["asker_id"], payload["helper_id"], payload["taken_at"]
    conversation = {"ask_id": payload["ask_id"], "buddyship_id": payload["buddyship_id"]}
    tell(uow, senders, item=keep(uow, senders, event_id=event_id, recipient_id=asker,
                                 kind=inbox.ASK_UPDATE, at=at, subject_id=helper,
                                 data=conversation | {"step": "taken"}))
    keep(uow, senders, event_id=event_id, recipient_id=helper, kind=inbox.ASK_UPDATE, at=at,
         subject_id=asker, data=conversation | {"step": "yours"})
    for other in payload["others"]:
        keep(uow, senders, event_id=event_id, recipient_id=other, kind=inbox.ASK_UPDATE, at=at,
             subject_id=asker, data={"ask_id": payload["ask_id"], "step": "taken_by_other"})


def ask_closed(uow: NotificationsUnitOfWork, senders: Senders, *, event_id: str,
               payload: dict) -> None:
    at = payload["closed_at"]
    _tell_asker(uow, senders, event_id, payload, at, step="closed", reason=payload["reason"])
    for helper_id in payload["helper_ids"]:
        keep(uow, senders, event_id=event_id, recipient_id=helper_id, kind=inbox.ASK_UPDATE,
             at=at, subject_id=payload["asker_id"],
             data={"ask_id": payload["ask_id"], "step": "closed_for_helper"})


def _tell_asker(uow: NotificationsUnitOfWork, senders: Senders, event_id: str, payload: dict,
                at, **data) -> None:
    tell(uow, senders, item=keep(uow, senders, event_id=event_id, recipient_id=payload["asker_id"],
                                 kind=inbox.ASK_UPDATE, at=at,
                                 data={"ask_id": payload["ask_id"]} | data))

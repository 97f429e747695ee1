"""The in-app notifications: every notification a member is sent is kept, whatever the channel,
so that the app can list them, mark them read, and show what was missed.

One item per (event, recipient): a redelivered event adds nothing. Items name the other member
involved (``subject_id``) and say what happened in a few words, written when the member reads
them, in the language they read then, with the names as they are then.
"""

from datetime import datetime

from workbuddy_contracts.vocabulary import NOTIFICATION_KINDS
from workbuddy_platform.pages import order_key

from .wording import describe

MOMENT, REACTION = "moment", "reaction"
PROPOSED, STARTED, ENDED = "buddyship_proposed", "buddyship_started", "buddyship_ended"
UNMATCHED, QUIET = "unmatched", "buddy_quiet"
MESSAGE = "message"  # a buddy's messages, still unread a while after they came
# An urgent ask: a helper is asked to answer it; the member who asked (and the helpers) hear
# what becomes of it, step by step (``data["step"]``).
ASK_HELP, ASK_UPDATE = "ask_help", "ask_update"
# After a setback or an urgent ask, nobody could be reached: when someone will be.
NOBODY = "nobody_reachable"
# A check-in: each buddy is asked how it goes, a mode proposed waits for the other's answer
# (both by mail and push too); how it closed is for the app only (``data["step"]``).
CHECK_IN = "check_in"
assert (MOMENT, REACTION, PROPOSED, STARTED, ENDED, UNMATCHED, QUIET, MESSAGE, ASK_HELP,
        ASK_UPDATE, NOBODY, CHECK_IN) == NOTIFICATION_KINDS
CHECK_IN_ASKING = ("opened", "mode_proposed")
# The steps told to the member who asked, by mail and push as well as in the app; the others
# (told to helpers: it is yours, taken by another, closed) are for the app only.
ASKER_STEPS = ("widened", "taken", "closed")


def new_item(*, event_id: str, recipient_id: str, kind: str, at: datetime,
             subject_id: str | None = None, data: dict | None = None) -> dict:
    item_id = f"{event_id}:{recipient_id}"
    return {"_id": item_id, "event_id": event_id, "order": order_key(at, item_id),
            "recipient_id": recipient_id, "kind": kind, "subject_id": subject_id,
            "data": data or {}, "at": at, "read_at": None}


def view(item: dict, language: str, names: dict[str, str], time_zone: str | None = None) -> dict:
    """The item as its member reads it: ``names`` are the display names of the members
    involved, as they are now; times on the member's clock (``time_zone``)."""
    return {"id": item["_id"], "kind": item["kind"], "subject_id": item["subject_id"],
            "text": describe(item["kind"], item["data"], names.get(item["subject_id"] or ""), language,
                             time_zone),
            "data": item["data"], "at": item["at"].isoformat(),
            "read_at": item["read_at"].isoformat() if item["read_at"] else None}
